#!/usr/bin/env python3
# run_diag.py: golden suite for btc's compile-time diagnostics.
#
# Input: cases/NAME.bt (an erroneous script), cases/NAME.err (btc's expected stderr, golden),
# cases/NAME.bpftrace (bpftrace v0.17's stderr for the same file, reference only).
# For every case it runs `btc NAME.bt --emit=manifest` inside cases/ (so diagnostics name the
# file `NAME.bt`), compares stderr with NAME.err byte for byte and checks the exit status:
# 1 for error cases, 0 for warning-only cases (named warn_*.bt).
# Output: `PASS/FAIL/SKIP name` lines (a unified diff on failure), then
# `N passed, N failed, N skipped`; exit status 1 if anything failed.
# Directives (comment lines anywhere in a case, best at its end so they do not shift the
# locations bpftrace reports for probes):
#   `// needs: tracefs`  skip the case when tracefs is not readable (e.g. not root)
#   `// btc-exit: N`     btc currently exits N where bpftrace fails (a missing diagnostic,
#                        listed in KNOWN_DIFFERENCES.md); the case freezes that until fixed
#   --update         rewrite NAME.err from btc's current output (exit status still checked)
#   --record-oracle  (root) rewrite NAME.bpftrace by running `timeout 5 bpftrace NAME.bt`
import argparse
import difflib
import os
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RLIMIT_LINE = "ERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK"
TRACEFS_DIRS = ("/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events")
BTC_TIMEOUT = 60


def directives(text):
    """(requirements from `// needs: a, b`, exit status from `// btc-exit: N` or None)."""
    reqs = set()
    exit_override = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("// needs:"):
            reqs.update(r.strip() for r in line[len("// needs:"):].split(",") if r.strip())
        elif line.startswith("// btc-exit:"):
            exit_override = int(line[len("// btc-exit:"):].split()[0])
    return reqs, exit_override


def tracefs_readable():
    for d in TRACEFS_DIRS:
        try:
            if os.listdir(d) and os.access(os.path.join(d, "syscalls"), os.R_OK | os.X_OK):
                return True, ""
        except OSError:
            continue
    return False, "tracefs events directory not readable (" + " or ".join(TRACEFS_DIRS) + ")"


def describe_status(rc):
    if rc < 0:
        try:
            return "killed by signal %s" % signal.Signals(-rc).name
        except ValueError:
            return "killed by signal %d" % -rc
    return "exit status %d" % rc


def run_btc(btc, cases_dir, name):
    """Returns (exit status or None on timeout, stderr text)."""
    env = dict(os.environ, LC_ALL="C")
    try:
        p = subprocess.run([btc, name + ".bt", "--emit=manifest"], cwd=cases_dir,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=BTC_TIMEOUT, env=env)
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode("utf-8", "replace") if e.stderr else ""
        return None, err
    return p.returncode, p.stderr.decode("utf-8", "replace")


def record_oracle(bpftrace, cases_dir, name):
    p = subprocess.run(["timeout", "5", bpftrace, name + ".bt"], cwd=cases_dir,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    lines = p.stderr.decode("utf-8", "replace").splitlines(keepends=True)
    text = "".join(l for l in lines if not l.startswith(RLIMIT_LINE))
    with open(os.path.join(cases_dir, name + ".bpftrace"), "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description="btc diagnostics golden suite")
    ap.add_argument("--btc", required=True, help="path to the btc executable")
    ap.add_argument("--cases", default=os.path.join(HERE, "cases"), help="case directory")
    ap.add_argument("--update", action="store_true", help="rewrite the .err goldens")
    ap.add_argument("--record-oracle", action="store_true",
                    help="rewrite the .bpftrace reference files (needs root and bpftrace)")
    ap.add_argument("--bpftrace", default="bpftrace", help="bpftrace used by --record-oracle")
    ap.add_argument("names", nargs="*", help="only run these cases")
    args = ap.parse_args()

    btc = os.path.abspath(args.btc)
    cases_dir = os.path.abspath(args.cases)
    if not os.access(btc, os.X_OK):
        print("btc not executable: " + btc)
        return 2
    names = sorted(f[:-3] for f in os.listdir(cases_dir) if f.endswith(".bt"))
    if args.names:
        unknown = [n for n in args.names if n not in names]
        if unknown:
            print("unknown case(s): " + ", ".join(unknown))
            return 2
        names = [n for n in names if n in args.names]

    tracefs_ok, tracefs_reason = tracefs_readable()
    passed = failed = skipped = 0
    for name in names:
        with open(os.path.join(cases_dir, name + ".bt")) as f:
            text = f.read()
        reqs, exit_override = directives(text)
        unknown_reqs = reqs - {"tracefs"}
        if unknown_reqs:
            print("FAIL %s: unknown requirement(s) %s" % (name, ", ".join(sorted(unknown_reqs))))
            failed += 1
            continue
        if "tracefs" in reqs and not tracefs_ok:
            print("SKIP %s: %s" % (name, tracefs_reason))
            skipped += 1
            continue
        if args.record_oracle:
            record_oracle(args.bpftrace, cases_dir, name)

        want_rc = 0 if name.startswith("warn_") else 1
        if exit_override is not None:
            want_rc = exit_override
        rc, err = run_btc(btc, cases_dir, name)
        problems = []
        if rc is None:
            problems.append("btc hung (no exit after %ds)" % BTC_TIMEOUT)
        elif rc != want_rc:
            problems.append("expected exit status %d, got %s" % (want_rc, describe_status(rc)))

        golden_path = os.path.join(cases_dir, name + ".err")
        if args.update and rc is not None:
            with open(golden_path, "w") as f:
                f.write(err)
        if os.path.exists(golden_path):
            with open(golden_path) as f:
                golden = f.read()
            if golden != err:
                diff = difflib.unified_diff(golden.splitlines(keepends=True),
                                            err.splitlines(keepends=True),
                                            name + ".err (golden)", name + " (btc stderr)")
                problems.append("stderr differs from golden:\n" + "".join(diff).rstrip("\n"))
        else:
            problems.append("missing golden " + name + ".err (run with --update)")

        if problems:
            failed += 1
            print("FAIL " + name)
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            passed += 1
            note = "" if exit_override is None else " (known difference: btc exits %d)" % rc
            print("PASS " + name + note)

    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
