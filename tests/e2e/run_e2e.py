#!/usr/bin/env python3
"""run_e2e.py: end-to-end tests of btc-generated tools.

Input:  a directory of cases (cases/NAME.case, a Python dict literal, optionally with the
        script in cases/NAME.bt) and the btc compiler. Also every bundled tools/*.bt script.
Output: one line per case, `PASS name`, `FAIL name (why)` followed by the tool's stdout and
        stderr, or `SKIP name (reason)`, then `N passed, N failed, N skipped`.
        Exit status 1 if any case failed, 0 otherwise, 2 on usage errors.

A case is compiled with btc in its own work directory, the tool is started as root (with
__BPFTRACE_NOTIFY_PROBES_ATTACHED set), and once it reports its probes attached the case's
workload commands run; the tool is then stopped (it exits by itself, or gets a signal after a
delay) and its stdout, stderr, exit status and output files are checked. Every process runs in
its own process group under a hard timeout and the whole group is killed on expiry.

Case keys (all optional; strings, the script included, may use the placeholders {work}
{tool} {btc} {python} {uniq} (15 characters, fits a comm) {case} {srcdir} {runner_pid} {runner_comm} {python_comm} (comm of a process running
{python}), {bg_pid} (see background) and {tool_pid} (workloads only)):
  description   text shown nowhere but documents the case
  requires      list of: root btf hardware breakpoint (hardware breakpoints fire) ldd
                file:PATH (PATH exists) kallsyms:SYMBOL (listed in /proc/kallsyms), or !NAME for
                "NAME unavailable"
                (default: root btf)
  program       script text compiled with `btc -e` (else NAME.bt is compiled as a file)
  stdin_script  true: the script (NAME.bt or program) is fed to `btc - -o tool`
  compile_args  extra btc arguments;   compile_env  environment overrides for btc
  compile       expectations on btc: status (0), stderr_regex, stdout_regex, stdout_contains,
                dir_only (the work directory afterwards holds exactly these names)
  run           false: compile only (then `files` checks still apply)
  setup         shell commands run before the tool starts;  cleanup  run at the end
  after_compile shell commands run after btc, before the tool starts (what the compiler
                must not have seen, e.g. a binary built after the tool)
  background    shell commands started (not awaited) before the tool, killed at the end; the
                first one's pid is {bg_pid} (the shell execs the command; its parent is the
                runner, whose pid is {runner_pid})
  args          tool arguments;  env  environment overrides;  env_clear  start from an empty
                environment (only the attach notification variable is kept)
  workload      shell commands run one after another once the probes are attached
  stop          "exit" (the tool exits by itself, possibly because a workload signals
                {tool_pid}) or {"signal": "INT"|"TERM", "after_ms": N} (N ms after the
                workload ended); with "output_while_attached": regex, that output must
                appear while the tool still holds perf event fds (before it detaches)
  timeout_s     hard limit of the tool's lifetime (default 20)
  status        expected exit status of the tool (default 0)
  stdout        exact expected stdout;  stdout_regex / stdout_not_regex  lists of regexes
                (re.M);  stdout_lines  lines that must appear verbatim;  stderr, stderr_regex,
                stderr_not_regex  likewise on stderr (the attach notification line removed)
  values        list of {"regex": r"..(\\d+)..", "min": N, "max": N, "count": K,
                "max_count": M, "increasing": bool}: group 1 of each match is an integer
                within bounds, at least K (default 1) and at most M matches, strictly
                increasing if asked
  json_lines    true: every non-empty stdout line is a JSON document
  files         list of {"path": .., "absent": bool, "exact": .., "regex": [..],
                "contains": [..], "bytes": {offset: value}}
  commands      list of {"cmd": shell command, "regex": [..], "status": N} run after the tool
                (e.g. ldd on it); output is stdout+stderr

Usage: run_e2e.py --btc PATH/TO/btc [--cases DIR] [--tools DIR] [--workdir DIR] [-k PATTERN]
"""

import argparse
import ast
import ctypes
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from suite_report import finish, print_case  # noqa: E402

HERE = Path(__file__).resolve().parent
BTF_PATH = Path("/sys/kernel/btf/vmlinux")
NOTIFY_VAR = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
NOTIFY_LINE = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
COMPILE_TIMEOUT_S = 120
WORKLOAD_TIMEOUT_S = 20
DEFAULT_TOOL_TIMEOUT_S = 20
ATTACH_TIMEOUT_S = 30
SHOW_MAX = 3000
RUNNER_COMM = Path("/proc/self/comm").read_text().strip() if Path("/proc/self/comm").exists() \
    else "?"


class CaseFailure(Exception):
    """Raised inside one case to fail it with a reason."""


class CaseSkip(Exception):
    """Raised inside one case to skip it with a reason."""


@dataclass
class ToolRun:
    status: Optional[int] = None
    stdout: str = ""
    stderr: str = ""
    attached: bool = False
    timed_out: bool = False


@dataclass
class Result:
    name: str
    status: str
    note: str = ""
    details: List[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Machine capabilities


class PerfEventAttr(ctypes.Structure):
    """struct perf_event_attr, as far as these checks set it (112 bytes: PERF_ATTR_SIZE_VER5)."""
    _fields_ = [("type", ctypes.c_uint32), ("size", ctypes.c_uint32),
                ("config", ctypes.c_uint64), ("sample_period", ctypes.c_uint64),
                ("sample_type", ctypes.c_uint64), ("read_format", ctypes.c_uint64),
                ("flags", ctypes.c_uint64), ("wakeup_events", ctypes.c_uint32),
                ("bp_type", ctypes.c_uint32), ("bp_addr", ctypes.c_uint64),
                ("bp_len", ctypes.c_uint64), ("pad", ctypes.c_uint8 * 64)]


def hardware_events_work() -> Optional[str]:
    """None when perf_event_open(PERF_TYPE_HARDWARE, cpu-cycles) works, else the reason."""
    if os.uname().machine != "x86_64":
        return "hardware probe check only implemented on x86_64"
    libc = ctypes.CDLL(None, use_errno=True)
    attr = PerfEventAttr()
    attr.type = 0  # PERF_TYPE_HARDWARE
    attr.size = 112
    attr.config = 0  # PERF_COUNT_HW_CPU_CYCLES
    attr.sample_period = 1000000
    attr.flags = 1  # disabled
    fd = libc.syscall(298, ctypes.byref(attr), -1, 0, -1, 0)  # all tasks on CPU 0
    if fd < 0:
        return "perf_event_open(hardware cpu-cycles) failed: " + os.strerror(ctypes.get_errno())
    os.close(fd)
    return None


def breakpoints_fire() -> Optional[str]:
    """None when a hardware breakpoint on a variable of this process counts its writes, else
    the reason. Some VMs open PERF_TYPE_BREAKPOINT events that never fire."""
    if os.uname().machine != "x86_64":
        return "breakpoint check only implemented on x86_64"
    libc = ctypes.CDLL(None, use_errno=True)
    target = ctypes.c_int(0)
    attr = PerfEventAttr()
    attr.type = 5  # PERF_TYPE_BREAKPOINT
    attr.size = 112
    attr.bp_type = 2  # HW_BREAKPOINT_W
    attr.bp_addr = ctypes.addressof(target)
    attr.bp_len = 4
    attr.flags = (1 << 5) | (1 << 6)  # exclude_kernel, exclude_hv
    fd = libc.syscall(298, ctypes.byref(attr), 0, -1, -1, 0)  # this thread, any CPU
    if fd < 0:
        return "perf_event_open(breakpoint) failed: " + os.strerror(ctypes.get_errno())
    try:
        for i in range(100):
            target.value = i
        count = int.from_bytes(os.read(fd, 8), "little")
    finally:
        os.close(fd)
    if count == 0:
        return "hardware breakpoints open but never fire on this machine (0 of 100 writes " \
               "counted)"
    return None


@functools.lru_cache(maxsize=None)
def breakpoints_fire_cached() -> Optional[str]:
    return breakpoints_fire()


def requirement_missing(req: str) -> Optional[str]:
    if req.startswith("!"):
        if requirement_missing(req[1:]) is None:
            return f"needs a machine without {req[1:]} (it is available here)"
        return None
    if req == "root":
        return None if os.geteuid() == 0 else "needs root"
    if req == "btf":
        return None if BTF_PATH.exists() else f"{BTF_PATH} missing"
    if req == "hardware":
        return hardware_events_work()
    if req == "breakpoint":
        return breakpoints_fire_cached()
    if req == "ldd":
        return None if shutil.which("ldd") else "ldd not installed"
    if req.startswith("file:"):
        return None if Path(req[5:]).exists() else f"{req[5:]} missing"
    if req.startswith("kallsyms:"):
        try:
            names = {line.split()[2] for line in open("/proc/kallsyms") if len(line.split()) > 2}
        except OSError as e:
            return f"cannot read /proc/kallsyms: {e}"
        return None if req[9:] in names else f"{req[9:]} not in /proc/kallsyms"
    return f"unknown requirement {req!r}"


# ---------------------------------------------------------------------------------------------
# Processes


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_bounded(argv, timeout_s: float, **kwargs) -> subprocess.CompletedProcess:
    """Run argv in its own process group; kill the group on timeout (CaseFailure)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, **kwargs)
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, err = proc.communicate()
        raise CaseFailure(f"timed out after {timeout_s} s: {argv}\nstdout:\n"
                          f"{shorten(out.decode(errors='replace'))}\nstderr:\n"
                          f"{shorten(err.decode(errors='replace'))}")
    kill_group(proc)  # leftovers of the group
    return subprocess.CompletedProcess(argv, proc.returncode, out.decode(errors="replace"),
                                       err.decode(errors="replace"))


def shorten(text: str) -> str:
    if len(text) <= SHOW_MAX:
        return text
    return text[:SHOW_MAX // 2] + "\n[... %d chars cut ...]\n" % (len(text) - SHOW_MAX) + \
        text[-SHOW_MAX // 2:]


class Reader(threading.Thread):
    """Collects a pipe; sets `attached` when the notification line is seen."""

    def __init__(self, pipe, watch: bool):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.watch = watch
        self.chunks: List[bytes] = []
        self.attached = threading.Event()

    def run(self) -> None:
        for line in iter(self.pipe.readline, b""):
            self.chunks.append(line)
            if self.watch and line.strip() == NOTIFY_LINE.encode():
                self.attached.set()
        self.pipe.close()

    def text(self) -> str:
        return b"".join(self.chunks).decode(errors="replace")


# ---------------------------------------------------------------------------------------------
# One case


class Case:
    def __init__(self, name: str, spec: dict, script: Optional[str], btc: Path, work: Path):
        self.name = name
        self.spec = spec
        self.script = script
        self.btc = btc
        self.work = work
        self.tool = work / name
        self.subst = {
            "{work}": str(work), "{tool}": str(self.tool), "{btc}": str(btc),
            "{python}": sys.executable,
            "{uniq}": "btce2e" + uuid.uuid4().hex[:9], "{case}": name, "{srcdir}": str(HERE),
            "{runner_pid}": str(os.getpid()), "{runner_comm}": RUNNER_COMM,
            "{python_comm}": os.path.basename(sys.executable)[:15],
        }
        self.background: List[subprocess.Popen] = []

    def s(self, value):
        """Substitute placeholders in strings, recursively in lists and dicts."""
        if isinstance(value, str):
            for key, rep in self.subst.items():
                value = value.replace(key, rep)
            return value
        if isinstance(value, list):
            return [self.s(v) for v in value]
        if isinstance(value, dict):
            return {k: self.s(v) for k, v in value.items()}
        return value

    def get(self, key, default=None):
        return self.s(self.spec.get(key, default))

    # -- compile -------------------------------------------------------------------------------

    def compile(self) -> None:
        env = dict(os.environ)
        env.update(self.get("compile_env", {}))
        argv = [str(self.btc)]
        stdin_text = None
        program = self.get("program")
        text = program if program is not None else self.s(self.script or "")
        if self.spec.get("stdin_script"):
            argv += ["-"]
            stdin_text = text
        elif program is not None:
            argv += ["-e", program]
        else:
            (self.work / f"{self.name}.bt").write_text(text)
            argv += [f"{self.name}.bt"]
        argv += ["-o", self.name] + self.get("compile_args", [])
        proc = subprocess.Popen(argv, cwd=self.work, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            out, err = proc.communicate(stdin_text.encode() if stdin_text is not None else b"",
                                        timeout=COMPILE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            raise CaseFailure(f"btc timed out after {COMPILE_TIMEOUT_S} s")
        out, err = out.decode(errors="replace"), err.decode(errors="replace")
        expect = self.get("compile", {})
        want_status = expect.get("status", 0)
        where = f"\nbtc stdout:\n{shorten(out)}\nbtc stderr:\n{shorten(err)}"
        if proc.returncode != want_status:
            raise CaseFailure(f"btc exited {proc.returncode}, expected {want_status}{where}")
        for rx in expect.get("stderr_regex", []):
            if not re.search(rx, err, re.M):
                raise CaseFailure(f"btc stderr does not match /{rx}/{where}")
        for rx in expect.get("stdout_regex", []):
            if not re.search(rx, out, re.M):
                raise CaseFailure(f"btc stdout does not match /{rx}/{where}")
        for needle in expect.get("stdout_contains", []):
            if needle not in out:
                raise CaseFailure(f"btc stdout lacks {needle!r}{where}")
        if "dir_only" in expect:
            have = sorted(p.name for p in self.work.iterdir())
            if have != sorted(expect["dir_only"]):
                raise CaseFailure(f"work directory holds {have}, expected "
                                  f"{sorted(expect['dir_only'])}{where}")

    # -- run -----------------------------------------------------------------------------------

    def run_tool(self) -> ToolRun:
        if self.spec.get("env_clear"):
            env = {}
        else:
            env = dict(os.environ)
        env.update(self.get("env", {}))
        env[NOTIFY_VAR] = "1"
        argv = [str(self.tool)] + self.get("args", [])
        timeout_s = self.spec.get("timeout_s", DEFAULT_TOOL_TIMEOUT_S)
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=self.work, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        out_reader = Reader(proc.stdout, False)
        err_reader = Reader(proc.stderr, True)
        out_reader.start()
        err_reader.start()
        run = ToolRun()
        failure = None
        try:
            deadline = start + min(ATTACH_TIMEOUT_S, timeout_s)
            while not err_reader.attached.is_set() and proc.poll() is None:
                if time.monotonic() > deadline:
                    raise CaseFailure("probes not attached in time (no notification)")
                err_reader.attached.wait(0.02)
            run.attached = err_reader.attached.is_set()
            if proc.poll() is None:
                self.subst["{tool_pid}"] = str(proc.pid)
                for cmd in self.get("workload", []):
                    res = run_bounded(["/bin/sh", "-c", cmd],
                                      min(WORKLOAD_TIMEOUT_S, timeout_s), cwd=self.work)
                    if res.returncode != 0:
                        raise CaseFailure(f"workload {cmd!r} exited {res.returncode}:\n"
                                          f"{shorten(res.stdout + res.stderr)}")
                stop = self.spec.get("stop", "exit")
                if isinstance(stop, dict):
                    time.sleep(stop.get("after_ms", 0) / 1000.0)
                    if proc.poll() is None:
                        os.kill(proc.pid, getattr(signal, "SIG" + stop["signal"]))
                    if "output_while_attached" in stop:
                        self.wait_output_while_attached(proc, out_reader,
                                                        self.s(stop["output_while_attached"]),
                                                        start + timeout_s)
            remaining = timeout_s - (time.monotonic() - start)
            try:
                proc.wait(timeout=max(remaining, 0.1))
            except subprocess.TimeoutExpired:
                run.timed_out = True
                raise CaseFailure(f"tool still running after {timeout_s} s (killed)")
        except CaseFailure as exc:
            failure = exc
        finally:
            kill_group(proc)
            proc.wait()
            out_reader.join(5)
            err_reader.join(5)
        run.status = proc.returncode
        run.stdout = out_reader.text()
        run.stderr = "".join(line for line in err_reader.text().splitlines(True)
                             if line.strip() != NOTIFY_LINE)
        if failure is not None:
            raise CaseFailure(f"{failure}{show(run)}")
        return run

    @staticmethod
    def wait_output_while_attached(proc, reader: Reader, regex: str, deadline: float) -> None:
        while not re.search(regex, reader.text(), re.M):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise CaseFailure(f"no output matching {regex!r} before the tool exited")
            time.sleep(0.01)
        try:
            fds = [os.readlink(f"/proc/{proc.pid}/fd/{fd}")
                   for fd in os.listdir(f"/proc/{proc.pid}/fd")]
        except OSError:
            fds = []
        if "anon_inode:[perf_event]" not in fds:
            raise CaseFailure(f"output matching {regex!r} only appeared once the tool had "
                              "closed its perf events")

    # -- checks --------------------------------------------------------------------------------

    def check_run(self, run: ToolRun) -> None:
        def fail(why: str):
            raise CaseFailure(why + show(run))

        want_status = self.spec.get("status", 0)
        if run.status != want_status:
            fail(f"tool exited {run.status}, expected {want_status}")
        if "stdout" in self.spec and run.stdout != self.get("stdout"):
            fail(f"stdout differs from expected {self.get('stdout')!r}")
        if "stderr" in self.spec and run.stderr != self.get("stderr"):
            fail(f"stderr differs from expected {self.get('stderr')!r}")
        for rx in self.get("stdout_regex", []):
            if not re.search(rx, run.stdout, re.M):
                fail(f"stdout does not match /{rx}/")
        for rx in self.get("stdout_not_regex", []):
            if re.search(rx, run.stdout, re.M):
                fail(f"stdout matches /{rx}/ but must not")
        lines = run.stdout.splitlines()
        for line in self.get("stdout_lines", []):
            if line not in lines:
                fail(f"stdout lacks the line {line!r}")
        for rx in self.get("stderr_regex", []):
            if not re.search(rx, run.stderr, re.M):
                fail(f"stderr does not match /{rx}/")
        for rx in self.get("stderr_not_regex", []):
            if re.search(rx, run.stderr, re.M):
                fail(f"stderr matches /{rx}/ but must not")
        for spec in self.get("values", []):
            why = check_values(spec, run.stdout)
            if why:
                fail(why)
        if self.spec.get("json_lines"):
            for line in lines:
                if line.strip():
                    try:
                        json.loads(line)
                    except ValueError as exc:
                        fail(f"stdout line is not JSON ({exc}): {line!r}")

    def check_files(self, run: Optional[ToolRun]) -> None:
        extra = show(run) if run else ""
        for spec in self.get("files", []):
            path = Path(spec["path"])
            if spec.get("absent"):
                if path.exists():
                    raise CaseFailure(f"{path} exists but must not{extra}")
                continue
            if not path.exists():
                raise CaseFailure(f"{path} missing{extra}")
            data = path.read_bytes()
            text = data.decode(errors="replace")
            shown = f"\n{path}:\n{shorten(text)}{extra}"
            if "exact" in spec and text != spec["exact"]:
                raise CaseFailure(f"{path} differs from expected {spec['exact']!r}{shown}")
            for rx in spec.get("regex", []):
                if not re.search(rx, text, re.M):
                    raise CaseFailure(f"{path} does not match /{rx}/{shown}")
            for needle in spec.get("contains", []):
                if needle not in text:
                    raise CaseFailure(f"{path} lacks {needle!r}{extra}")
            for offset, value in spec.get("bytes", {}).items():
                if len(data) <= int(offset) or data[int(offset)] != value:
                    got = data[int(offset)] if len(data) > int(offset) else None
                    raise CaseFailure(f"{path}: byte {offset} is {got}, expected {value}"
                                      f"{extra}")

    def check_commands(self) -> None:
        for spec in self.get("commands", []):
            res = run_bounded(["/bin/sh", "-c", spec["cmd"]], WORKLOAD_TIMEOUT_S, cwd=self.work)
            output = res.stdout + res.stderr
            if "status" in spec and res.returncode != spec["status"]:
                raise CaseFailure(f"{spec['cmd']!r} exited {res.returncode}, expected "
                                  f"{spec['status']}:\n{shorten(output)}")
            for rx in spec.get("regex", []):
                if not re.search(rx, output, re.M):
                    raise CaseFailure(f"{spec['cmd']!r} output does not match /{rx}/:\n"
                                      f"{shorten(output)}")

    def execute(self) -> None:
        for req in self.spec.get("requires", ["root", "btf"]):
            why = requirement_missing(req)
            if why:
                raise CaseSkip(why)
        try:
            for cmd in self.get("setup", []):
                res = run_bounded(["/bin/sh", "-c", cmd], WORKLOAD_TIMEOUT_S, cwd=self.work)
                if res.returncode != 0:
                    raise CaseFailure(f"setup {cmd!r} exited {res.returncode}:\n"
                                      f"{shorten(res.stdout + res.stderr)}")
            for cmd in self.get("background", []):
                proc = subprocess.Popen(["/bin/sh", "-c", "exec " + cmd], cwd=self.work,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
                self.background.append(proc)
                self.subst.setdefault("{bg_pid}", str(proc.pid))
            self.compile()
            for cmd in self.get("after_compile", []):
                res = run_bounded(["/bin/sh", "-c", cmd], WORKLOAD_TIMEOUT_S, cwd=self.work)
                if res.returncode != 0:
                    raise CaseFailure(f"after_compile {cmd!r} exited {res.returncode}:\n"
                                      f"{shorten(res.stdout + res.stderr)}")
            run = None
            if self.spec.get("run", True) and self.get("compile", {}).get("status", 0) == 0:
                run = self.run_tool()
                self.check_run(run)
            self.check_files(run)
            self.check_commands()
        finally:
            for proc in self.background:
                kill_group(proc)
                proc.wait()
            for cmd in self.get("cleanup", []):
                try:
                    run_bounded(["/bin/sh", "-c", cmd], WORKLOAD_TIMEOUT_S, cwd=self.work)
                except CaseFailure:
                    pass


def check_values(spec: dict, text: str) -> Optional[str]:
    rx = spec["regex"]
    values = [int(m.group(1)) for m in re.finditer(rx, text, re.M)]
    if len(values) < spec.get("count", 1):
        return f"/{rx}/ matched {len(values)} times, expected at least {spec.get('count', 1)}"
    if "max_count" in spec and len(values) > spec["max_count"]:
        return f"/{rx}/ matched {len(values)} times, expected at most {spec['max_count']}"
    for v in values:
        if "min" in spec and v < spec["min"]:
            return f"/{rx}/ gave {v} < {spec['min']}"
        if "max" in spec and v > spec["max"]:
            return f"/{rx}/ gave {v} > {spec['max']}"
    if spec.get("increasing") and any(b <= a for a, b in zip(values, values[1:])):
        return f"/{rx}/ values are not increasing: {values}"
    return None


def show(run: Optional[ToolRun]) -> str:
    if run is None:
        return ""
    return (f"\n  exit status: {run.status}\n  stdout:\n{indent(shorten(run.stdout))}"
            f"\n  stderr:\n{indent(shorten(run.stderr))}")


def indent(text: str) -> str:
    return "".join("    | " + line + "\n" for line in text.splitlines()) or "    (empty)\n"


# ---------------------------------------------------------------------------------------------
# Case discovery


CASE_KEYS = {"description", "requires", "program", "stdin_script", "compile_args",
             "compile_env", "compile", "run", "setup", "cleanup", "after_compile", "background",
             "args", "env", "env_clear", "workload", "stop", "timeout_s", "status", "stdout",
             "stdout_regex", "stdout_not_regex", "stdout_lines", "stderr", "stderr_regex",
             "stderr_not_regex", "values", "json_lines", "files", "commands"}


def load_cases(cases_dir: Path, tools_dir: Optional[Path]) -> Dict[str, tuple]:
    """name -> (spec dict or error string, script text or None)."""
    found: Dict[str, tuple] = {}
    for path in sorted(cases_dir.glob("*.case")):
        name = path.stem
        try:
            spec = ast.literal_eval(path.read_text())
            if not isinstance(spec, dict):
                raise ValueError("not a dict literal")
            unknown = sorted(set(spec) - CASE_KEYS)
            if unknown:  # a misspelt key would be a check that silently never runs
                raise ValueError(f"unknown keys {unknown}")
        except (ValueError, SyntaxError) as exc:
            found[name] = (f"bad case file {path}: {exc}", None)
            continue
        bt = path.with_suffix(".bt")
        found[name] = (spec, bt.read_text() if bt.exists() else None)
    if tools_dir and tools_dir.is_dir():
        for bt in sorted(tools_dir.glob("*.bt")):
            # A bundled tool: attaches, prints its header line, ends on SIGINT.
            spec = {
                "description": f"bundled tool {bt.name}",
                "workload": ["ls / >/dev/null; cat /etc/hostname >/dev/null; sleep 0.2"],
                "stop": {"signal": "INT", "after_ms": 300},
                # the line after "Attaching" is the tool's own header (BEGIN printf)
                "stdout_regex": [r"\AAttaching \d+ probes?\.\.\.\n\S.*\n"],
            }
            found["tool_" + bt.stem] = (spec, bt.read_text())
    return found


def matches(name: str, patterns: List[str]) -> bool:
    return not patterns or any(p in name or re.fullmatch(p.replace("*", ".*"), name)
                               for p in patterns)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description="End-to-end tests of btc-generated tools.")
    parser.add_argument("--btc", required=True, help="path to the btc compiler")
    parser.add_argument("--cases", default=str(HERE / "cases"), help="case directory")
    parser.add_argument("--tools", default=str(HERE.parent.parent / "tools"),
                        help="directory of bundled tools (*.bt) to smoke-test")
    parser.add_argument("--workdir", help="keep work files here (default: a temporary "
                        "directory, removed unless a case failed)")
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        metavar="PATTERN", help="only cases whose name contains PATTERN")
    args = parser.parse_args(argv)
    btc = Path(args.btc).resolve()
    if not btc.is_file():
        print(f"run_e2e.py: btc not found: {btc}", file=sys.stderr)
        return 2
    cases = load_cases(Path(args.cases), Path(args.tools) if args.tools else None)
    if not cases:
        print(f"run_e2e.py: no cases in {args.cases}", file=sys.stderr)
        return 2
    root = Path(args.workdir).resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="btc-e2e-"))
    root.mkdir(parents=True, exist_ok=True)
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    suite_start = time.monotonic()
    for name, (spec, script) in cases.items():
        if not matches(name, args.patterns):
            continue
        work = root / name
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        started = time.monotonic()
        if isinstance(spec, str):
            result = Result(name, "FAIL", spec)
        else:
            try:
                Case(name, spec, script, btc, work).execute()
                result = Result(name, "PASS")
            except CaseSkip as exc:
                result = Result(name, "SKIP", str(exc))
            except CaseFailure as exc:
                result = Result(name, "FAIL", str(exc))
            except OSError as exc:
                result = Result(name, "FAIL", f"runner error: {exc}")
        counts[result.status] += 1
        print_case(name, result.status, result.note, time.monotonic() - started)
    return finish(counts, suite_start, root, bool(args.workdir))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
