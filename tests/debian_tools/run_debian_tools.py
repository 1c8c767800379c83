#!/usr/bin/env python3
"""run_debian_tools.py: compiles and runs Debian's bpftrace tools (/usr/sbin/*.bt) with btc.

Input:  the btc compiler, the tool directory (default /usr/sbin) and the table tools.py beside
        this file, which lists every tool with its expected class on this kind of host:
          runs                    compiles, attaches; a workload runs, the tool is stopped with
                                  SIGINT and its stdout must show the workload (per-tool regexes)
          loads                   compiles, its programs load through the verifier, attaching
                                  fails: exit status != 0 and `ERROR: Error attaching probe:
                                  '...'` (or the table's attach_error) and no load error
          start-fails-expected    compiles, the tool refuses to start with a given error
          compile-fails-expected  btc rejects it with a given error (reason in the table)
Output: `PASS name`, `FAIL name (why)` with the tool's output, or `SKIP name (reason)`, then
        `N passed, N failed, N skipped`. Exit status 1 if any tool failed, 0 otherwise, 2 on
        usage errors. Everything is skipped (visibly) without root, BTF or the tool scripts.

Usage: run_debian_tools.py --btc PATH/TO/btc [--tools-dir /usr/sbin] [--workdir DIR] [-k NAME]
"""

import argparse
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from suite_report import finish, print_case  # noqa: E402

HERE = Path(__file__).resolve().parent
NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
COMPILE_TIMEOUT_S = 120
ATTACH_TIMEOUT_S = 20
WORKLOAD_TIMEOUT_S = 20
TOOL_TIMEOUT_S = 20
SHOW_MAX = 2500
CLASSES = ("runs", "loads", "start-fails-expected", "compile-fails-expected")
KEYS = {"class", "reason", "known_issue", "workload", "stop_after_ms", "stdout_regex",
        "stderr_regex", "stderr_not_regex", "stderr_allow", "values", "compile_error", "attach_error",
        "start_error"}
# A load or verifier failure must never be mistaken for the expected attach failure.
LOAD_ERRORS = [r"verifier", r"refused to load", r"BPF program load failed",
               r"failed to load", r"Permission denied", r"Invalid argument"]


class Failure(Exception):
    pass


def shorten(text: str) -> str:
    if len(text) <= SHOW_MAX:
        return text
    return text[:SHOW_MAX // 2] + f"\n[... {len(text) - SHOW_MAX} chars cut ...]\n" + \
        text[-SHOW_MAX // 2:]


def indent(label: str, text: str) -> str:
    body = "".join("    | " + line + "\n" for line in shorten(text).splitlines())
    return f"  {label}:\n" + (body or "    (empty)\n")


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_shell(cmd: str, cwd: Path, timeout_s: float) -> subprocess.CompletedProcess:
    proc = subprocess.Popen(["/bin/sh", "-c", cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.communicate()
        raise Failure(f"workload {cmd!r} timed out after {timeout_s} s")
    kill_group(proc)
    return subprocess.CompletedProcess(cmd, proc.returncode, out.decode(errors="replace"),
                                       err.decode(errors="replace"))


class Reader(threading.Thread):
    """Collects a pipe; sets `attached` when the attach notification line is seen."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.lines: List[bytes] = []
        self.attached = threading.Event()

    def run(self) -> None:
        for line in iter(self.pipe.readline, b""):
            if line.strip() == NOTIFY.encode():
                self.attached.set()
            else:
                self.lines.append(line)
        self.pipe.close()

    def text(self) -> str:
        return b"".join(self.lines).decode(errors="replace")


class ToolRun:
    def __init__(self):
        self.status: Optional[int] = None
        self.stdout = ""
        self.stderr = ""
        self.attached = False
        self.workload_out = ""

    def show(self) -> str:
        return (f"\n  exit status: {self.status}\n" + indent("stdout", self.stdout) +
                indent("stderr", self.stderr) +
                (indent("workload output", self.workload_out) if self.workload_out else ""))


class Tool:
    def __init__(self, name: str, spec: dict, script: Path, btc: Path, work: Path):
        self.name, self.spec, self.script, self.btc, self.work = name, spec, script, btc, work
        self.exe = work / name
        self.subst: Dict[str, str] = {
            "{work}": str(work), "{python}": sys.executable,
            "{helper}": f"{sys.executable} {HERE / 'workload.py'}",
            "{uniq}": "btcdt" + uuid.uuid4().hex[:10],
        }
        self.tmp: Optional[Path] = None  # {tmp}: short paths, str() keeps 63 characters

    def short_dir(self) -> Path:
        if self.tmp is None:
            self.tmp = Path(tempfile.mkdtemp(prefix="btcdt"))
            self.subst["{tmp}"] = str(self.tmp)
        return self.tmp

    def cmd(self, text: str) -> str:
        for key, value in self.subst.items():
            text = text.replace(key, value)
        return text

    def rx(self, text: str) -> str:
        """A regex from the table: placeholders become literal (escaped) text."""
        for key, value in self.subst.items():
            text = text.replace(key, re.escape(value))
        return text

    # -- compile -------------------------------------------------------------------------------

    def compile(self) -> subprocess.CompletedProcess:
        proc = subprocess.Popen([str(self.btc), str(self.script), "-o", str(self.exe)],
                                cwd=self.work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=COMPILE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            raise Failure(f"btc timed out after {COMPILE_TIMEOUT_S} s")
        return subprocess.CompletedProcess(proc.args, proc.returncode,
                                           out.decode(errors="replace"),
                                           err.decode(errors="replace"))

    # -- run -----------------------------------------------------------------------------------

    def run(self, with_workload: bool, stop_after_ms: Optional[int]) -> ToolRun:
        """Starts the tool; once attached runs the workload, then SIGINT after stop_after_ms
        (None: wait for the tool to exit by itself)."""
        env = dict(os.environ)
        env[NOTIFY] = "1"
        proc = subprocess.Popen([str(self.exe)], cwd=self.work, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        out, err = Reader(proc.stdout), Reader(proc.stderr)
        out.start()
        err.start()
        run = ToolRun()
        failure = None
        start = time.monotonic()
        try:
            while not err.attached.is_set() and proc.poll() is None:
                if time.monotonic() - start > ATTACH_TIMEOUT_S:
                    raise Failure(f"probes not attached after {ATTACH_TIMEOUT_S} s")
                err.attached.wait(0.02)
            run.attached = err.attached.is_set()
            if proc.poll() is None and with_workload:
                for cmd in self.spec.get("workload", []):
                    res = run_shell(self.cmd(cmd), self.work, WORKLOAD_TIMEOUT_S)
                    run.workload_out += res.stdout + res.stderr
                    if res.returncode != 0:
                        raise Failure(f"workload {self.cmd(cmd)!r} exited {res.returncode}")
                    for m in re.finditer(r"^(\w+)=(.*)$", res.stdout, re.M):
                        self.subst["{" + m.group(1) + "}"] = m.group(2)
            if stop_after_ms is not None and proc.poll() is None:
                time.sleep(stop_after_ms / 1000.0)
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=max(TOOL_TIMEOUT_S - (time.monotonic() - start), 0.1))
            except subprocess.TimeoutExpired:
                raise Failure(f"tool still running after {TOOL_TIMEOUT_S} s (killed)")
        except Failure as exc:
            failure = exc
        finally:
            kill_group(proc)
            proc.wait()
            out.join(5)
            err.join(5)
        run.status = proc.returncode
        run.stdout, run.stderr = out.text(), err.text()
        (self.work / "stdout").write_text(run.stdout)
        (self.work / "stderr").write_text(run.stderr)
        if failure is not None:
            raise Failure(str(failure) + run.show())
        return run

    # -- classes -------------------------------------------------------------------------------

    def execute(self) -> None:
        self.short_dir()
        try:
            self.execute_class()
        finally:
            shutil.rmtree(self.short_dir(), ignore_errors=True)

    def execute_class(self) -> None:
        cls = self.spec["class"]
        res = self.compile()
        where = f"\n  btc exit status: {res.returncode}\n" + indent("btc stderr", res.stderr)
        if cls == "compile-fails-expected":
            if res.returncode == 0:
                raise Failure("btc compiled it but the table expects a compile failure "
                              f"({self.spec['reason']}): reclassify it")
            if not re.search(self.spec["compile_error"], res.stderr, re.M):
                raise Failure(f"btc failed, but not with /{self.spec['compile_error']}/{where}")
            return
        if res.returncode != 0:
            first = next((l for l in res.stderr.splitlines() if l.strip()), "(no message)")
            raise Failure(f"btc failed to compile it (expected class {cls}): {first}{where}")
        if cls == "runs":
            self.check_runs()
        elif cls == "loads":
            self.check_loads()
        elif cls == "start-fails-expected":
            run = self.run(False, None)
            self.expect_exit_error(run, self.spec["start_error"], "start")

    def expect_exit_error(self, run: ToolRun, error_rx: str, what: str) -> None:
        if run.status == 0:
            raise Failure(f"tool exited 0, expected a {what} failure" + run.show())
        if not re.search(error_rx, run.stderr, re.M):
            raise Failure(f"stderr does not match /{error_rx}/" + run.show())
        for rx in LOAD_ERRORS + self.spec.get("stderr_not_regex", []):
            if re.search(rx, run.stderr, re.M | re.I):
                raise Failure(f"stderr matches /{rx}/ (load or verifier error?)" + run.show())

    def check_loads(self) -> None:
        # A probe block with one attach point fails on it; one with several skips each
        # failing point with a warning and fails when none attached.
        attach_rx = self.spec.get("attach_error",
                                  r"^ERROR: (Error attaching probe: 'k(ret)?probe:[^']+'"
                                  r"|none of the \d+ attach points could be attached)$")
        run = self.run(False, None)
        self.expect_exit_error(run, attach_rx, "attach")
        for raw in self.spec.get("stderr_regex", []):
            if not re.search(self.rx(raw), run.stderr, re.M):
                raise Failure(f"stderr does not match /{self.rx(raw)}/" + run.show())
        # The programs were loaded before attaching: the attach line was printed.
        if not re.search(r"^Attaching \d+ probes?\.\.\.$", run.stdout, re.M):
            raise Failure("no `Attaching N probes...` line: the programs were not loaded"
                          + run.show())

    def check_runs(self) -> None:
        run = self.run(True, self.spec.get("stop_after_ms", 300))

        def fail(why: str):
            raise Failure(why + run.show())

        if run.status != 0:
            fail(f"tool exited {run.status}, expected 0 after SIGINT")
        if not run.attached:
            fail("tool never reported its probes attached")
        if not re.search(r"\AAttaching \d+ probes?\.\.\.\n", run.stdout):
            fail("stdout does not start with `Attaching N probes...`")
        allowed = [self.rx(raw) for raw in self.spec.get("stderr_allow", [])]
        for line in run.stderr.splitlines():
            if line.strip() and not any(re.search(rx, line) for rx in allowed):
                fail(f"unexpected stderr line {line!r} (a running tool prints nothing there)")
        for raw in self.spec.get("stdout_regex", []):
            rx = self.rx(raw)
            if not re.search(rx, run.stdout, re.M):
                fail(f"stdout does not match /{rx}/")
        for raw in self.spec.get("stderr_regex", []):
            if not re.search(self.rx(raw), run.stderr, re.M):
                fail(f"stderr does not match /{self.rx(raw)}/")
        for raw in self.spec.get("stderr_not_regex", []):
            if re.search(self.rx(raw), run.stderr, re.M):
                fail(f"stderr matches /{self.rx(raw)}/ but must not")
        for vspec in self.spec.get("values", []):
            rx = self.rx(vspec["regex"])
            values = [int(next(g for g in m.groups() if g is not None))
                      for m in re.finditer(rx, run.stdout, re.M)]
            if len(values) < vspec.get("count", 1):
                fail(f"/{rx}/ matched {len(values)} times, expected at least "
                     f"{vspec.get('count', 1)}")
            if "min" in vspec and any(v < vspec["min"] for v in values):
                fail(f"/{rx}/ gave {values}, each must be >= {vspec['min']}")
            if "sum_min" in vspec and sum(values) < vspec["sum_min"]:
                fail(f"/{rx}/ gave {values}, their sum must be >= {vspec['sum_min']}")


# ---------------------------------------------------------------------------------------------


def check_table(table: dict) -> List[str]:
    errors = []
    for name, spec in table.items():
        unknown = set(spec) - KEYS
        if unknown:
            errors.append(f"{name}: unknown keys {sorted(unknown)}")
        cls = spec.get("class")
        if cls not in CLASSES:
            errors.append(f"{name}: class {cls!r} is not one of {CLASSES}")
        if cls == "runs" and not (spec.get("stdout_regex") or spec.get("values")):
            errors.append(f"{name}: a `runs` tool needs stdout_regex or values")
        if cls == "compile-fails-expected" and not (spec.get("reason") and
                                                    spec.get("compile_error")):
            errors.append(f"{name}: compile-fails-expected needs reason and compile_error")
        if cls == "start-fails-expected" and not (spec.get("reason") and
                                                  spec.get("start_error")):
            errors.append(f"{name}: start-fails-expected needs reason and start_error")
    return errors


def skip_all(names: List[str], why: str) -> int:
    for name in names:
        print(f"SKIP {name} ({why})")
    print(f"0 passed, 0 failed, {len(names)} skipped")
    return 0


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description="Debian's bpftrace tools compiled with btc.")
    parser.add_argument("--btc", required=True, help="path to the btc compiler")
    parser.add_argument("--tools-dir", default="/usr/sbin", help="where the *.bt tools are")
    parser.add_argument("--table", default=str(HERE / "tools.py"), help="the class table")
    parser.add_argument("--workdir", help="keep work files here (default: a temporary "
                        "directory, removed unless a tool failed)")
    parser.add_argument("-k", dest="patterns", action="append", default=[], metavar="NAME",
                        help="only tools whose name contains NAME")
    args = parser.parse_args(argv)
    btc = Path(args.btc).resolve()
    if not btc.is_file():
        print(f"run_debian_tools.py: btc not found: {btc}", file=sys.stderr)
        return 2
    table = runpy.run_path(args.table)["TOOLS"]
    errors = check_table(table)
    if errors:
        print("run_debian_tools.py: bad table " + args.table + ":\n  " + "\n  ".join(errors),
              file=sys.stderr)
        return 2
    names = [n for n in sorted(table) if not args.patterns or
             any(p in n for p in args.patterns)]
    tools_dir = Path(args.tools_dir)
    installed = sorted(p.stem for p in tools_dir.glob("*.bt"))
    if not installed:
        return skip_all(names, f"no {tools_dir}/*.bt: the bpftrace package is not installed")
    if os.geteuid() != 0:
        return skip_all(names, "needs root")
    if not Path("/sys/kernel/btf/vmlinux").exists():
        return skip_all(names, "/sys/kernel/btf/vmlinux missing")

    root = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="btc-dt-"))
    root.mkdir(parents=True, exist_ok=True)
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    started_all = time.monotonic()
    unlisted = [n for n in installed if n not in table and
                (not args.patterns or any(p in n for p in args.patterns))]
    for name in unlisted:
        counts["FAIL"] += 1
        print(f"FAIL {name} ({tools_dir / (name + '.bt')} is not in the table {args.table})")
    for name in names:
        spec = table[name]
        script = tools_dir / f"{name}.bt"
        if not script.exists():
            counts["SKIP"] += 1
            print(f"SKIP {name} ({script} is not installed)")
            continue
        work = root / name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        started = time.monotonic()
        try:
            Tool(name, spec, script, btc, work).execute()
            status, note = "PASS", ""
        except Failure as exc:
            status, note = "FAIL", str(exc)
        except OSError as exc:
            status, note = "FAIL", f"runner error: {exc}"
        counts[status] += 1
        known = spec.get("known_issue")
        print_case(f"{name} [{spec['class']}]", status, note, time.monotonic() - started,
                   f"  known btc issue: {known}" if known else None)
    return finish(counts, started_all, root, bool(args.workdir))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
