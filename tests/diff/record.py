#!/usr/bin/env python3
"""record.py: record the oracle output for the differential corpora.

Input:  scripts NAME.bt or directories of them (default: corpus/ and user/ beside this file).
Output: for each script, NAME.expected = stdout of Debian's bpftrace 0.17 run the way
        conventions.py says (options from the name and the leading comments, test programs
        from tests/targets), stderr discarded. A script bpftrace rejects (non-zero exit or a
        30 s timeout) is reported as REJECTED and gets no .expected file.
        --check compares with the existing .expected files instead of writing them (run it a
        few times to confirm a recording is deterministic).
Exit status 1 when a script was rejected or differs, 2 on usage errors. Must run as root.

Usage: record.py [--check] [SCRIPT.bt | DIR ...]
"""

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List

from conventions import ConventionError, Prepared, Targets

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 30


def scripts_of(paths: List[str]) -> List[Path]:
    out: List[Path] = []
    for p in map(Path, paths or [str(HERE / "corpus"), str(HERE / "user")]):
        out += sorted(p.glob("*.bt")) if p.is_dir() else [p]
    return out


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description="Record bpftrace 0.17's output for scripts.")
    parser.add_argument("--check", action="store_true",
                        help="compare with the existing .expected files instead of writing")
    parser.add_argument("paths", nargs="*", help="scripts or directories of scripts")
    args = parser.parse_args(argv)
    bpftrace = shutil.which("bpftrace")
    if bpftrace is None:
        print("record.py: bpftrace not found", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("record.py: must run as root", file=sys.stderr)
        return 2
    failed = False
    with tempfile.TemporaryDirectory(prefix="btc-record-") as tmp:
        workdir = Path(tmp)
        targets = Targets(HERE.parent / "targets", workdir)
        for script in scripts_of(args.paths):
            name = script.stem
            expected = script.with_suffix(".expected")
            try:
                prepared = Prepared(script.resolve(), workdir, targets)
                proc = subprocess.run(prepared.bpftrace_argv(bpftrace), capture_output=True,
                                      timeout=TIMEOUT_S, cwd=workdir, stdin=subprocess.DEVNULL)
            except ConventionError as err:
                print(f"REJECTED {name} ({err})")
                failed = True
                continue
            except subprocess.TimeoutExpired:
                print(f"REJECTED {name} (bpftrace timed out after {TIMEOUT_S} s)")
                failed = True
                continue
            if proc.returncode != 0:
                print(f"REJECTED {name} (bpftrace exit status {proc.returncode})")
                failed = True
                continue
            if not args.check:
                expected.write_bytes(proc.stdout)
                print(f"RECORDED {name}")
            elif not expected.exists():
                print(f"MISSING {name}")
                failed = True
            elif expected.read_bytes() == proc.stdout:
                print(f"SAME {name}")
            else:
                print(f"DIFFERS {name}")
                sys.stdout.writelines(difflib.unified_diff(
                    expected.read_text(errors="replace").splitlines(True),
                    proc.stdout.decode(errors="replace").splitlines(True),
                    str(expected), "bpftrace (now)"))
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
