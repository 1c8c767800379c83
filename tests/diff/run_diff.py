#!/usr/bin/env python3
"""run_diff.py: differential test of btc against bpftrace v0.17.

Input:  a corpus directory of small deterministic scripts NAME.bt, each with the recorded
        bpftrace 0.17 stdout in NAME.expected (written by record.py) and optionally
        NAME.btc-expected, our own expected output where docs/compat.md lists a deliberate
        deviation from 0.17.
Output: one line per script (`PASS name`, `FAIL name`, `SKIP name (reason)`), a unified diff
        for each failure, and the final line `N passed, N failed, N skipped`.
        Exit status 1 if any script failed, 0 otherwise (also when everything is skipped
        because the machine cannot load BPF programs), 2 on usage errors.

For each script: `btc NAME.bt -o WORKDIR/NAME` (a compile failure fails the test), then the
binary runs with a 20 s timeout and its stdout is compared byte for byte with the expected
output. conventions.py says which options a script's name and leading comments add (`--unsafe`,
`-f json`, `// args:` positional parameters, `// run:` options such as `-c {target:uvalues}`,
which traces a test program of tests/targets); record.py applies the same ones to bpftrace.
The expected output is, in order of preference:
  1. NAME.btc-expected (deliberate deviation; the result line says so);
  2. the live output of `bpftrace NAME.bt` when --live-bpftrace is given and bpftrace is
     installed (the live output is also compared with NAME.expected, and a difference is
     reported as a stale recording);
  3. NAME.expected.

Usage: run_diff.py --btc PATH/TO/btc --corpus DIR [--workdir DIR] [--live-bpftrace]
                   [-k PATTERN]...
"""

import argparse
import concurrent.futures
import difflib
import fnmatch
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

from conventions import ConventionError, Prepared, Targets

RUN_TIMEOUT_S = 20
COMPILE_TIMEOUT_S = 300
MAX_WORKERS = 2
BTF_PATH = Path("/sys/kernel/btf/vmlinux")
DEFAULT_TARGETS = Path(__file__).resolve().parent.parent / "targets"
DEVIATION_NOTE = "btc-expected: deliberate deviation from bpftrace 0.17"


@dataclass
class Result:
    """Outcome of one script: status is PASS, FAIL or SKIP."""

    name: str
    status: str
    note: str = ""
    details: List[str] = field(default_factory=list)
    stale_recording: bool = False


@dataclass
class Settings:
    btc: Path
    workdir: Path
    bpftrace: Optional[str]  # path of bpftrace when live comparison is on
    targets: Targets


def parse_args(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compile each corpus script with btc, run it and compare its stdout "
        "with bpftrace 0.17's output.")
    parser.add_argument("--btc", required=True, help="path to the btc compiler")
    parser.add_argument("--corpus", required=True, help="directory holding NAME.bt files")
    parser.add_argument("--targets", help="directory of the test programs scripts name as "
                        "{target:NAME} (default: tests/targets)")
    parser.add_argument("--workdir", help="where compiled tools go (default: a temporary "
                        "directory, removed unless a test failed)")
    parser.add_argument("--live-bpftrace", action="store_true",
                        help="take the expected output from a live bpftrace run when "
                        "bpftrace is installed, and check it still equals NAME.expected")
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        metavar="PATTERN",
                        help="only scripts whose name contains PATTERN (or matches it as "
                        "a glob if it has * ? or [); may be repeated")
    return parser.parse_args(argv)


def selected(name: str, patterns: List[str]) -> bool:
    if not patterns:
        return True
    for pattern in patterns:
        if any(c in pattern for c in "*?["):
            if fnmatch.fnmatchcase(name, pattern):
                return True
        elif pattern in name:
            return True
    return False


def environment_problem() -> Optional[str]:
    """Why BPF programs cannot be loaded here, or None when they can."""
    if os.geteuid() != 0:
        return "not running as root"
    if not BTF_PATH.exists():
        return f"{BTF_PATH} is missing"
    return None


def text_lines(data: bytes) -> List[str]:
    return data.decode("utf-8", errors="backslashreplace").splitlines(keepends=True)


def unified_diff(expected: bytes, actual: bytes, expected_label: str,
                 actual_label: str) -> List[str]:
    lines = []
    for line in difflib.unified_diff(text_lines(expected), text_lines(actual),
                                     fromfile=expected_label, tofile=actual_label):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return lines


def indent_output(label: str, data: bytes) -> List[str]:
    """Show a process' stderr (or similar) under a label, indented."""
    text = data.decode("utf-8", errors="backslashreplace").rstrip("\n")
    if not text:
        return [f"{label}: (empty)\n"]
    return [f"{label}:\n"] + [f"    {line}\n" for line in text.split("\n")]


def run(argv: List[str], timeout: int, cwd: Path) -> subprocess.CompletedProcess:
    """Run a command in its own process group; on timeout the whole group is killed
    (so no child keeps the pipes open) and subprocess.TimeoutExpired is raised."""
    with subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, cwd=cwd, start_new_session=True) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            stdout, stderr = proc.communicate()
            raise subprocess.TimeoutExpired(argv, timeout, output=stdout, stderr=stderr)
        return subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr)


def live_bpftrace_output(settings: Settings, script: Prepared,
                         result: Result) -> Optional[bytes]:
    """stdout of a live bpftrace run, or None (with a note) when bpftrace failed."""
    assert settings.bpftrace is not None
    try:
        proc = run(script.bpftrace_argv(settings.bpftrace), RUN_TIMEOUT_S, settings.workdir)
    except subprocess.TimeoutExpired:
        result.details.append(f"note: live bpftrace timed out after {RUN_TIMEOUT_S} s; "
                              "using the recorded output\n")
        return None
    if proc.returncode != 0:
        result.details.append(f"note: live bpftrace exited with status {proc.returncode}; "
                              "using the recorded output\n")
        result.details.extend(indent_output("bpftrace stderr", proc.stderr))
        return None
    return proc.stdout


def choose_expected(settings: Settings, script: Path, prepared: Prepared,
                    result: Result) -> Optional[Tuple[bytes, str]]:
    """The expected output and its label (see the module banner), or None to skip."""
    recorded_path = script.with_suffix(".expected")
    deviation_path = script.with_suffix(".btc-expected")
    recorded = recorded_path.read_bytes() if recorded_path.exists() else None

    live = None
    if settings.bpftrace is not None:
        live = live_bpftrace_output(settings, prepared, result)
        if live is not None and recorded is not None and live != recorded:
            result.stale_recording = True
            result.details.append(f"note: live bpftrace output differs from the recorded "
                                  f"{recorded_path.name} (re-run record.py?):\n")
            result.details.extend(unified_diff(recorded, live, recorded_path.name,
                                               "bpftrace (live)"))

    if deviation_path.exists():
        result.note = DEVIATION_NOTE
        return deviation_path.read_bytes(), deviation_path.name
    if live is not None:
        return live, "bpftrace (live)"
    if recorded is not None:
        return recorded, recorded_path.name
    return None


def compile_script(settings: Settings, script: Prepared, binary: Path,
                   result: Result) -> bool:
    """Run btc on the script; on failure record the reason and return False."""
    argv = script.btc_argv(settings.btc, binary)
    try:
        proc = run(argv, COMPILE_TIMEOUT_S, settings.workdir)
    except subprocess.TimeoutExpired:
        result.details.append(f"btc timed out after {COMPILE_TIMEOUT_S} s\n")
        return False
    except OSError as err:
        result.details.append(f"cannot run btc: {err}\n")
        return False
    if proc.returncode != 0:
        result.details.append(f"btc exited with status {proc.returncode}\n")
        result.details.extend(indent_output("btc stderr", proc.stderr))
        return False
    if not binary.exists():
        result.details.append(f"btc succeeded but wrote no {binary}\n")
        return False
    return True


def run_binary(settings: Settings, script: Prepared, binary: Path,
               result: Result) -> Optional[bytes]:
    """Run the compiled tool; returns its stdout, or None (reason recorded) on failure."""
    argv = script.tool_argv(binary)
    try:
        proc = run(argv, RUN_TIMEOUT_S, settings.workdir)
    except subprocess.TimeoutExpired as err:
        result.details.append(f"tool timed out after {RUN_TIMEOUT_S} s\n")
        if err.stdout:
            result.details.extend(indent_output("stdout so far", err.stdout))
        return None
    except OSError as err:
        result.details.append(f"cannot run the tool: {err}\n")
        return None
    if proc.returncode != 0:
        result.details.append(f"tool exited with status {proc.returncode}\n")
        result.details.extend(indent_output("tool stdout", proc.stdout))
        result.details.extend(indent_output("tool stderr", proc.stderr))
        return None
    return proc.stdout


def run_one(settings: Settings, script: Path) -> Result:
    name = script.stem
    result = Result(name=name, status="FAIL")
    try:
        prepared = Prepared(script, settings.workdir, settings.targets)
    except ConventionError as err:
        result.details.append(f"cannot prepare the script: {err}\n")
        return result
    chosen = choose_expected(settings, script, prepared, result)
    if chosen is None:
        result.status = "SKIP"
        result.note = "no .expected file and no live bpftrace output"
        return result
    expected, label = chosen

    binary = settings.workdir / name
    if binary.exists():
        binary.unlink()
    if not compile_script(settings, prepared, binary, result):
        return result
    actual = run_binary(settings, prepared, binary, result)
    if actual is None:
        return result
    if actual == expected:
        result.status = "PASS"
        return result
    result.details.append(f"stdout differs from {label}:\n")
    result.details.extend(unified_diff(expected, actual, label, f"btc {name}"))
    return result


def print_result(result: Result) -> None:
    line = f"{result.status} {result.name}"
    if result.note:
        line += f" ({result.note})"
    lines = [line + "\n"]
    if result.status == "FAIL" or result.stale_recording:
        lines.extend(result.details)
    sys.stdout.write("".join(lines))
    sys.stdout.flush()


def summary(passed: int, failed: int, skipped: int) -> None:
    print(f"{passed} passed, {failed} failed, {skipped} skipped", flush=True)


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"run_diff.py: corpus directory {corpus} does not exist", file=sys.stderr)
        return 2
    scripts = sorted(p for p in corpus.glob("*.bt") if selected(p.stem, args.patterns))

    problem = environment_problem()
    if problem is not None:
        print(f"Skipping all {len(scripts)} scripts: {problem} (BPF programs cannot be "
              "loaded)")
        for script in scripts:
            print(f"SKIP {script.stem} ({problem})")
        summary(0, 0, len(scripts))
        return 0

    btc = Path(args.btc)
    if not (btc.is_file() and os.access(btc, os.X_OK)):
        print(f"run_diff.py: btc compiler {btc} is not an executable file", file=sys.stderr)
        return 2

    bpftrace = None
    if args.live_bpftrace:
        bpftrace = shutil.which("bpftrace")
        if bpftrace is None:
            print("note: bpftrace not found; comparing with the recorded .expected files")

    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="btc-diff-")) if temporary else Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    targets_dir = Path(args.targets) if args.targets else DEFAULT_TARGETS
    settings = Settings(btc=btc.resolve(), workdir=workdir.resolve(), bpftrace=bpftrace,
                        targets=Targets(targets_dir.resolve(), workdir.resolve()))

    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    stale = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
        for result in pool.map(lambda s: run_one(settings, s.resolve()), scripts):
            print_result(result)
            counts[result.status] += 1
            if result.stale_recording:
                stale.append(result.name)

    if stale:
        print(f"note: {len(stale)} recorded .expected file(s) differ from live bpftrace: "
              f"{' '.join(stale)}")
    if temporary:
        if counts["FAIL"]:
            print(f"note: compiled tools kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    summary(counts["PASS"], counts["FAIL"], counts["SKIP"])
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
