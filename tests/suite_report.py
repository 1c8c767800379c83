"""suite_report.py: the per-case lines and the closing summary shared by the e2e and
Debian-tools runners (PASS/FAIL/SKIP lines, timing, where failed work files are kept)."""

import shutil
import time
from pathlib import Path
from typing import Dict, Optional


def print_case(label: str, status: str, note: str, took: float,
               extra: Optional[str] = None) -> None:
    """PASS label (took) or STATUS label (first note line), then `extra` and the rest."""
    if status == "PASS":
        print(f"PASS {label} ({took:.1f} s)", flush=True)
        return
    head, _, rest = note.partition("\n")
    print(f"{status} {label} ({head})", flush=True)
    if extra:
        print(extra, flush=True)
    if rest:
        print(rest.rstrip("\n"), flush=True)


def finish(counts: Dict[str, int], started: float, root: Path, keep_root: bool) -> int:
    """Prints the summary, removes `root` unless kept or a case failed; the exit status."""
    print(f"suite took {time.monotonic() - started:.0f} s")
    if counts["FAIL"] == 0 and not keep_root:
        shutil.rmtree(root, ignore_errors=True)
    elif counts["FAIL"]:
        print(f"work files kept in {root}")
    print(f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    return 1 if counts["FAIL"] else 0
