#!/usr/bin/env python3
"""staging_status.py: how far btc is from passing the staged differential scripts.

Input:  tests/diff/staging/NAME.bt (first line `// needs: tag,tag,...`) with the recorded
        bpftrace 0.17 output NAME.expected (or a deliberate deviation NAME.btc-expected),
        recorded by record.py; a btc compiler (--btc).
Output: a Markdown report (default tests/diff/staging/STATUS.md): one row per script with
        its tags and the current result, `PASS`, `FAIL compile: <first error line>`,
        `FAIL run: <reason>` or `FAIL output: <first differing line>`, then per-tag totals.
        Progress lines go to stdout. Exit status 0 (the report is the result), 2 on usage
        errors or when BPF programs cannot be loaded here (no report is written then).

Scripts are compiled and run exactly as run_diff.py does (same options for unsafe_* and
json_* names and `// args:` lines), two at a time.

Usage: staging_status.py --btc PATH/TO/btc [--staging DIR] [--output FILE]
                         [--workdir DIR] [--compile-timeout S] [-k PATTERN]...
"""

import argparse
import concurrent.futures
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_diff  # noqa: E402  (shares the compile/run conventions)

HERE = Path(__file__).resolve().parent
NEEDS_PREFIX = "// needs:"
MAX_CELL = 110


@dataclass
class Status:
    name: str
    tags: List[str]
    result: str  # PASS or FAIL ...

    @property
    def passed(self) -> bool:
        return self.result.startswith("PASS")


def parse_args(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run every staged script through btc and "
                                     "write a Markdown status table.")
    parser.add_argument("--btc", required=True, help="path to the btc compiler")
    parser.add_argument("--staging", default=str(HERE / "staging"),
                        help="directory of staged NAME.bt scripts")
    parser.add_argument("--output", help="report path (default: STAGING/STATUS.md)")
    parser.add_argument("--workdir", help="where compiled tools go (default: temporary)")
    parser.add_argument("--compile-timeout", type=int, default=120, metavar="S",
                        help="seconds before a btc compile counts as hung (default 120)")
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        metavar="PATTERN", help="only matching scripts (as in run_diff.py)")
    return parser.parse_args(argv)


def script_tags(script: Path) -> List[str]:
    with script.open(errors="replace") as f:
        first = f.readline().strip()
    if not first.startswith(NEEDS_PREFIX):
        return []
    return [t.strip() for t in first[len(NEEDS_PREFIX):].split(",") if t.strip()]


def clip(text: str) -> str:
    text = " ".join(text.split())
    text = text.replace("|", "\\|")
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 3] + "..."


def first_indented(details: List[str], label: str) -> Optional[str]:
    """First non-empty line of an indent_output() block labelled `label`."""
    text = "".join(details).split("\n")
    for i, line in enumerate(text):
        if line.startswith(label + ":"):
            for sub in text[i + 1:]:
                if not sub.startswith("    "):
                    break
                if sub.strip():
                    return sub.strip()
    return None


def compile_failure(details: List[str]) -> str:
    joined = "".join(details)
    status = re.search(r"btc exited with status (-?\d+)", joined)
    if "btc timed out" in joined:
        return "btc timed out (hung?)"
    if status and int(status.group(1)) < 0:
        return f"btc crashed (signal {-int(status.group(1))})"
    for line in joined.split("\n"):
        line = line.strip()
        if "ERROR:" in line:
            # Drop the directory from `path/NAME.bt:L:C: ERROR: ...`.
            return line.rsplit("/", 1)[-1] if line.startswith("/") else line
    line = first_indented(details, "btc stderr")
    if line:
        return line
    return details[0].strip() if details else "unknown failure"


def output_failure(details: List[str]) -> str:
    """First removed/added line pair of the unified diff."""
    expected = actual = None
    for chunk in details:
        for line in chunk.split("\n"):
            if line.startswith("---") or line.startswith("+++"):
                continue
            if expected is None and line.startswith("-"):
                expected = line[1:]
            elif actual is None and line.startswith("+"):
                actual = line[1:]
    if expected is None and actual is None:
        return "differs"
    return f"expected `{expected or ''}` got `{actual or ''}`"


def run_failure(details: List[str]) -> str:
    reason = details[0].strip() if details else "failed"
    err = first_indented(details, "tool stderr")
    return f"{reason}: {err}" if err else reason


def check_one(settings: run_diff.Settings, script: Path) -> Status:
    tags = script_tags(script)
    result = run_diff.Result(name=script.stem, status="FAIL")
    try:
        prepared = run_diff.Prepared(script, settings.workdir, settings.targets)
    except run_diff.ConventionError as err:
        return Status(script.stem, tags, f"FAIL prepare: {err}")
    chosen = run_diff.choose_expected(settings, script, prepared, result)
    if chosen is None:
        return Status(script.stem, tags, "SKIP (no .expected)")
    expected, label = chosen
    binary = settings.workdir / script.stem
    if binary.exists():
        binary.unlink()
    if not run_diff.compile_script(settings, prepared, binary, result):
        return Status(script.stem, tags, "FAIL compile: " + compile_failure(result.details))
    before = len(result.details)
    actual = run_diff.run_binary(settings, prepared, binary, result)
    if actual is None:
        return Status(script.stem, tags, "FAIL run: " + run_failure(result.details[before:]))
    against = " (vs .btc-expected)" if label.endswith(".btc-expected") else ""
    if actual == expected:
        return Status(script.stem, tags, "PASS" + against)
    diff = run_diff.unified_diff(expected, actual, label, "btc")
    return Status(script.stem, tags, "FAIL output" + against + ": " + output_failure(diff))


def tag_totals(statuses: List[Status]) -> Dict[str, List[int]]:
    totals: Dict[str, List[int]] = {}
    for st in statuses:
        for tag in st.tags:
            entry = totals.setdefault(tag, [0, 0])
            entry[1] += 1
            if st.passed:
                entry[0] += 1
    return totals


def repository_head() -> str:
    """Short commit id of the checkout holding this script, or "unknown"."""
    try:
        proc = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return proc.stdout.strip() if proc.returncode == 0 else "unknown"


def render(statuses: List[Status], btc: Path) -> str:
    passed = sum(1 for s in statuses if s.passed)
    lines = [
        "# Staged differential scripts: btc status",
        "",
        "Generated by `tests/diff/staging_status.py --btc PATH` (do not edit by hand).",
        "Each script's expected output is bpftrace 0.17's (`record.py staging`), or",
        "NAME.btc-expected for deviations listed in docs/compat.md; a script moves to",
        "`corpus/` once btc passes it.",
        "",
        f"**{passed} of {len(statuses)} pass** (btc built from a checkout at "
        f"{repository_head()}; uncommitted changes may have been included).",
        "",
        "| script | needs | btc result |",
        "|---|---|---|",
    ]
    for st in statuses:
        lines.append(f"| `{st.name}` | {', '.join(st.tags)} | {clip(st.result)} |")
    lines += ["", "## By tag", "", "| tag | pass | scripts |", "|---|---|---|"]
    for tag, (ok, total) in sorted(tag_totals(statuses).items()):
        lines.append(f"| {tag} | {ok} | {total} |")
    return "\n".join(lines) + "\n"


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    staging = Path(args.staging)
    if not staging.is_dir():
        print(f"staging_status.py: {staging} is not a directory", file=sys.stderr)
        return 2
    problem = run_diff.environment_problem()
    if problem is not None:
        print(f"staging_status.py: cannot load BPF programs here ({problem})",
              file=sys.stderr)
        return 2
    btc = Path(args.btc)
    if not btc.is_file():
        print(f"staging_status.py: btc compiler {btc} not found", file=sys.stderr)
        return 2
    run_diff.COMPILE_TIMEOUT_S = args.compile_timeout
    scripts = sorted(p for p in staging.glob("*.bt")
                     if run_diff.selected(p.stem, args.patterns))
    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="btc-staging-")) if temporary \
        else Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    settings = run_diff.Settings(btc=btc.resolve(), workdir=workdir.resolve(), bpftrace=None,
                                 targets=run_diff.Targets(run_diff.DEFAULT_TARGETS,
                                                          workdir.resolve()))

    statuses: List[Status] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=run_diff.MAX_WORKERS) as pool:
        for st in pool.map(lambda s: check_one(settings, s.resolve()), scripts):
            print(f"{st.name}: {st.result}", flush=True)
            statuses.append(st)
    if temporary:
        shutil.rmtree(workdir, ignore_errors=True)

    output = Path(args.output) if args.output else staging / "STATUS.md"
    output.write_text(render(statuses, btc))
    passed = sum(1 for s in statuses if s.passed)
    print(f"{passed} of {len(statuses)} pass; wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
