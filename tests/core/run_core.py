#!/usr/bin/env python3
"""run_core.py: CO-RE portability suite for btc.

Proves that a tool compiled against another kernel's BTF reads correct values on this one.
btf_shift writes shifted.btf, a "foreign kernel" in which SHIFTED_RECORDS have every member
moved by +64 bytes (and records embedding them by value laid out again). Then:
  btf_shift          shifted.btf really differs where intended and nowhere else (bpftool dump).
  CASE/host/run      the case's script compiled against the running kernel's BTF, run against
                     a workload; its output lines are checked.
  CASE/shifted/run   the same script compiled with `btc --btf shifted.btf`, same checks.
  CASE/shifted/relocs  core_reloc_check on the object (`--emit=bpf-obj`): each listed field
                     has a CO-RE record whose baked offset is the shifted one, not this kernel's,
                     and the tool's libbpf log (-v) shows it being patched.
  CASE/host/relocs   the host object bakes exactly this kernel's offsets.
  CASE/MODE/min_core_btf  `bpftool gen min_core_btf` keeps exactly the expected members.
  renamed_field_runqlen  Debian's runqlen.bt compiled against a BTF where cfs_rq.nr_queued is
                     still called nr_running compiles; on this kernel it refuses to load,
                     naming the field at its line.
  btf_env            BPFTRACE_BTF: a tool relocated against a BTF file instead of sysfs (a copy
                     with sysfs hidden: right values; shifted.btf: wrong ones; neither: refused).
  negative_control   reading this kernel's task_struct at the offsets baked into the shifted
                     object (a raw `*(int32*)(curtask + off)` in a second tool) gives values
                     that are NOT the pid/comm the relocated tool printed.

Cases: cases/NAME.case, a Python dict literal with keys
  script    bpftrace text; {uniq} (the workload's comm) and {nbytes} are substituted
  expect    list of regexes (or {"re": .., "count": N} for exactly N lines); each must fully
            match some stdout line. Placeholders (values regex-escaped): {pid} {ppid} {comm}
            {file} {nbytes} {flags} {exe_base} {cwd_base}
  every     {prefix: regex}: every stdout line starting with prefix must fully match
  relocs    field paths (as core_reloc_check prints them) that must be relocated
  min_core  {record: [members]}: the named records and members of the minimized BTF
The workload is python3 run through a symlink named {uniq} (so comm == {uniq}), started by
this runner (so its parent is {ppid}), in directory {cwd_base}; it opens {file} (a name
relative to that directory, so str() does not truncate it; openat with
flags {flags}), reads {nbytes} bytes with one read(), closes it and sleeps a few times.

Output: `PASS name`, `FAIL name (why)` with details, `SKIP name (reason)`, then
`N passed, N failed, N skipped`. Exit status 1 if anything failed.
Every tool relocates against the cut-down kernel BTF it makes at start (host/core_btf.h);
with --full-btf against all of it (BTC_FULL_BTF=1). ctest runs both (core, core_full_btf).
Usage: run_core.py --btc BTC --btf-shift BIN --reloc-check BIN --cases DIR --workdir DIR
                   [--bpftool PATH] [-k PATTERN] [--shift BYTES] [--full-btf]
"""

import argparse
import ast
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

VMLINUX = "/sys/kernel/btf/vmlinux"
SHIFTED_RECORDS = ["task_struct", "mm_struct", "fs_struct", "file", "path", "dentry", "qstr",
                   "syscall_trace_enter", "syscall_trace_exit", "trace_event_raw_sched_switch"]
# Records that embed no other shifted record: each member moves by exactly the shift.
PLAIN_SHIFTED = ["task_struct", "mm_struct", "syscall_trace_enter", "syscall_trace_exit",
                 "trace_event_raw_sched_switch", "path", "qstr"]
NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"

WORKLOAD = r'''
import os, sys, time
path, n, sleeps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fd = os.open(path, os.O_RDONLY)
data = os.read(fd, n)
os.close(fd)
for _ in range(sleeps):
    time.sleep(0.02)
sys.stdout.write("%d\n" % len(data))
'''


class Results:
    def __init__(self):
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def record(self, status, name, why="", details=""):
        self.counts[status] += 1
        line = f"{status} {name}" + (f" ({why})" if why else "")
        print(line, flush=True)
        if details:
            for d in details.rstrip("\n").split("\n"):
                print("    " + d)
            sys.stdout.flush()


def run(cmd, timeout=60, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                          timeout=timeout, **kw)


# ---- BTF dumps ---------------------------------------------------------------------------

def parse_bpftool_raw(text):
    """`bpftool btf dump file F` text -> {id: [kind, name, size, [(member, type_id, bits, bf)],
    referenced type_id]}."""
    types, cur = {}, None
    head = re.compile(r"^\[(\d+)\] (\w+) '([^']*)'(.*)$")
    member = re.compile(r"^\s+'([^']*)' type_id=(\d+) bits_offset=(\d+)(?: bitfield_size=(\d+))?")
    for line in text.splitlines():
        m = head.match(line)
        if m:
            size = re.search(r"\bsize=(\d+)", m.group(4))
            ref = re.search(r"\btype_id=(\d+)", m.group(4))
            cur = [m.group(2), m.group(3), int(size.group(1)) if size else None, [],
                   int(ref.group(1)) if ref else None]
            types[int(m.group(1))] = cur
            continue
        m = member.match(line)
        if m and cur is not None:
            cur[3].append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)))
    return types


def records_by_name(types):
    out = {}
    for kind, name, size, members, _ in types.values():
        if kind in ("STRUCT", "UNION") and name != "(anon)":
            out.setdefault(name, []).append((size, members))
    return out


def flat_members(types, tid, seen=()):
    """Member names of record `tid` as C sees them (anonymous members' members inlined)."""
    names = []
    for name, mtype, _, _ in types[tid][3]:
        if name != "(anon)":
            names.append(name)
            continue
        t = mtype
        while t in types and types[t][0] in ("CONST", "VOLATILE", "TYPEDEF", "RESTRICT"):
            t = types[t][4]
        if t in types and types[t][0] in ("STRUCT", "UNION") and t not in seen:
            names.extend(flat_members(types, t, seen + (t,)))
    return names


# ---- core_reloc_check output -------------------------------------------------------------

def parse_relocs(text):
    out = []
    for line in text.splitlines():
        if not line.startswith("reloc "):
            continue
        out.append(dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv))
    return out


# ---- running a tool against the workload ------------------------------------------------

class Workload:
    def __init__(self, workdir):
        self.uniq = "cw" + "".join(random.choice("0123456789abcdef") for _ in range(8))
        self.dir = os.path.join(workdir, "d" + self.uniq)
        os.makedirs(self.dir, exist_ok=True)
        self.exe = os.path.join(workdir, self.uniq)
        if not os.path.lexists(self.exe):
            os.symlink(os.path.realpath(sys.executable), self.exe)
        self.script = os.path.join(workdir, "workload.py")
        with open(self.script, "w") as f:
            f.write(WORKLOAD)
        self.nbytes = random.randint(77000, 77999)
        self.file = "f_" + self.uniq + ".dat"  # opened relative to self.dir: fits str()'s 64
        with open(os.path.join(self.dir, self.file), "wb") as f:
            f.write(os.urandom(self.nbytes + 1000))
        self.pid = None

    def facts(self):
        return {"pid": str(self.pid), "ppid": str(os.getpid()), "comm": self.uniq,
                "file": self.file, "nbytes": str(self.nbytes),
                "flags": str(os.O_RDONLY | os.O_CLOEXEC),
                "exe_base": os.path.basename(os.path.realpath(sys.executable)),
                "cwd_base": os.path.basename(self.dir), "uniq": self.uniq}

    def run(self):
        p = subprocess.Popen([self.exe, "-I", "-S", self.script, self.file, str(self.nbytes), "5"],
                             cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        self.pid = p.pid
        out, err = p.communicate(timeout=30)
        if p.returncode != 0 or out.strip() != str(self.nbytes):
            return f"workload failed: status {p.returncode}, out {out!r}, err {err[-300:]!r}"
        return None


def run_tool(tool, workload, args=(), timeout=20, prefix=(), env_extra=None):
    """Starts `tool` (behind the `prefix` command, with `env_extra` added to the environment),
    waits for its probes, runs the workload, stops it with SIGINT.
    Returns (stdout, stderr, status, error-or-None)."""
    env = dict(os.environ)
    env[NOTIFY] = "1"
    env.update(env_extra or {})
    p = subprocess.Popen([*prefix, tool, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, text=True, errors="replace", start_new_session=True)
    err_lines, attached = [], threading.Event()

    def read_err():
        for line in p.stderr:
            if line.strip() == NOTIFY:
                attached.set()
            else:
                err_lines.append(line)
        attached.set()

    out_chunks = []
    t_err = threading.Thread(target=read_err, daemon=True)
    t_out = threading.Thread(target=lambda: out_chunks.append(p.stdout.read()), daemon=True)
    t_err.start()
    t_out.start()
    error = None
    if not attached.wait(15) or p.poll() is not None:
        error = "tool did not report its probes attached"
    else:
        error = workload.run()
        time.sleep(0.5)
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGINT)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        error = error or "tool did not exit after SIGINT"
    t_out.join(5)
    t_err.join(5)
    return "".join(out_chunks), "".join(err_lines), p.returncode, error


def fill(template, facts, escape):
    def sub(m):
        key = m.group(1)
        if key not in facts:
            return m.group(0)
        return re.escape(facts[key]) if escape else facts[key]
    return re.sub(r"\{(\w+)\}", sub, template)


def check_output(case, out, facts):
    problems = []
    lines = out.splitlines()
    for e in case.get("expect", []):
        rx, count = (e["re"], e.get("count")) if isinstance(e, dict) else (e, None)
        rx = fill(rx, facts, True)
        n = sum(1 for l in lines if re.fullmatch(rx, l))
        if (count is None and n == 0) or (count is not None and n != count):
            problems.append(f"expected {count if count is not None else '>=1'} line(s) "
                            f"matching {rx!r}, found {n}")
    for prefix, rx in case.get("every", {}).items():
        rx = fill(rx, facts, True)
        for l in lines:
            if l.startswith(prefix) and not re.fullmatch(rx, l):
                problems.append(f"line {l!r} does not match {rx!r}")
                break
    return problems


# ---- the checks --------------------------------------------------------------------------

def check_btf_shift(args, res, shifted):
    """shifted.btf vs the running kernel's: named records moved, embedding ones regrown,
    bitfield sizes kept, everything else untouched."""
    if not args.bpftool:
        res.record("SKIP", "btf_shift", "bpftool not installed")
        return
    host = parse_bpftool_raw(run([args.bpftool, "btf", "dump", "file", VMLINUX]).stdout)
    new = parse_bpftool_raw(run([args.bpftool, "btf", "dump", "file", shifted]).stdout)
    problems, bits = [], args.shift * 8
    if len(host) != len(new):
        problems.append(f"type count {len(host)} -> {len(new)}")
    moved = set()
    for tid, h in host.items():
        n = new.get(tid)
        if not n or n[0] != h[0] or n[1] != h[1]:
            problems.append(f"type [{tid}] changed kind/name")
            continue
        if h[3] != n[3] or h[2] != n[2]:
            moved.add(h[1])
        if h[0] == "STRUCT" and h[1] in PLAIN_SHIFTED:
            if n[2] != h[2] + args.shift:
                problems.append(f"{h[1]} size {h[2]} -> {n[2]}, expected +{args.shift}")
            for hm, nm in zip(h[3], n[3]):
                if (nm[0], nm[1], nm[2], nm[3]) != (hm[0], hm[1], hm[2] + bits, hm[3]):
                    problems.append(f"{h[1]}.{hm[0]} {hm} -> {nm}")
                    break
    hrec, nrec = records_by_name(host), records_by_name(new)
    # fs_struct embeds two struct path (root, pwd) and is shifted itself.
    fs_growth = nrec["fs_struct"][0][0] - hrec["fs_struct"][0][0]
    if fs_growth != 3 * args.shift:
        problems.append(f"fs_struct grew by {fs_growth}, expected 3 x {args.shift}")
    # nameidata is not listed, yet embeds struct path (twice): it must have grown.
    if "nameidata" in hrec and nrec["nameidata"][0][0] <= hrec["nameidata"][0][0]:
        problems.append("nameidata (embeds struct path) did not grow")
    bitfields = [m for m in new[[i for i, t in new.items() if t[1] == "task_struct"][0]][3] if m[3]]
    if not bitfields:
        problems.append("task_struct has no bitfield members left to check")
    for unrelated in ("cred", "sk_buff", "trace_entry"):
        if unrelated in moved:
            problems.append(f"{unrelated} changed but embeds nothing shifted")
    if problems:
        res.record("FAIL", "btf_shift", "shifted BTF is not as intended", "\n".join(problems))
    else:
        res.record("PASS", "btf_shift",
                   f"{len(moved)} records changed, task_struct +{args.shift} bytes, "
                   f"{len(bitfields)} bitfields kept their width")


def compile_case(args, script_text, out_dir, btf):
    os.makedirs(out_dir, exist_ok=True)
    src = os.path.join(out_dir, "script.bt")
    with open(src, "w") as f:
        f.write(script_text)
    tool = os.path.join(out_dir, "tool")
    cmd = [args.btc, src, "-o", tool, "--emit=bpf-obj"] + (["--btf", btf] if btf else [])
    r = run(cmd, timeout=120)
    if r.returncode != 0:
        return None, f"btc failed ({' '.join(cmd)}): {r.stderr[-2000:]}"
    return tool, None


def check_relocs(args, case, name, mode, obj, log):
    r = run([args.reloc_check, obj])
    relocs = [x for x in parse_relocs(r.stdout) if x.get("kind") == "byte_off"]
    problems, notes = [], []
    if mode == "host":
        for x in relocs:
            if not (x["baked"].lstrip("-").isdigit() and int(x["baked"]) * 8 ==
                    int(x["local_bits"]) == int(x.get("target_bits", "-1").replace("?", "-1"))):
                problems.append(f"host object does not bake this kernel's offset: {x}")
        for want in case.get("relocs", []):
            if not any(x["field"] == want for x in relocs):
                problems.append(f"no CO-RE relocation for {want}")
        return problems, f"{len(relocs)} relocations, baked offsets = this kernel's"
    for want in case.get("relocs", []):
        hits = [x for x in relocs if x["field"] == want]
        if not hits:
            problems.append(f"no CO-RE relocation for {want} in the object "
                            f"(relocations: {sorted(set(x['field'] for x in relocs)) or 'none'})")
            continue
        for x in hits:
            if x["target_bits"] == "?" or int(x["baked"]) * 8 != int(x["local_bits"]):
                problems.append(f"{want}: baked {x['baked']} is not the shifted offset {x}")
            elif int(x["local_bits"]) == int(x["target_bits"]):
                problems.append(f"{want}: shifted offset equals this kernel's ({x['baked']})")
        x = hits[0]
        notes.append(f"{want} baked {x['baked']}, kernel {int(x['target_bits']) // 8}"
                     if x["target_bits"] != "?" else want)
    roots = sorted(set(w.split(".")[0].split("[")[0] for w in case.get("relocs", [])))
    for root in roots:
        if not re.search(r"CO-RE relocating \[\d+\] struct %s: found target" % re.escape(root),
                         log):
            problems.append(f"libbpf log (-v) shows no CO-RE relocation of struct {root}")
    # Which kernel BTF libbpf relocated against (host/core_btf.h): the tool's cut-down copy,
    # or all of it (--full-btf sets BTC_FULL_BTF for every tool run).
    path = re.search(r"^CO-RE: (.*)$", log, re.M)
    if not path:
        problems.append("the tool's -v output does not say which BTF CO-RE used")
    elif args.full_btf and "BTC_FULL_BTF" not in path.group(1):
        problems.append(f"expected the full-BTF path, the tool says: {path.group(1)}")
    elif not args.full_btf and not re.match(r"\d+ bytes of BTF from", path.group(1)):
        problems.append(f"expected the cut-down BTF, the tool says: {path.group(1)}")
    else:
        notes.append(path.group(1))
    patched = re.findall(r"patched insn #\d+ \([^)]*\) (?:imm|off) (-?\d+) -> (-?\d+)", log)
    changed = sum(1 for a, b in patched if a != b)
    notes.append(f"libbpf patched {changed}/{len(patched)} instructions to new values")
    return problems, "; ".join(notes)


def check_min_core(args, case, obj, out_dir):
    out = os.path.join(out_dir, "min_core.btf")
    r = run([args.bpftool, "gen", "min_core_btf", VMLINUX, out, obj])
    if r.returncode != 0:
        return [f"bpftool gen min_core_btf failed: {r.stderr[-1000:]}"], ""
    d = run([args.bpftool, "btf", "dump", "file", out])
    types = parse_bpftool_raw(d.stdout)
    got = {}
    for tid, t in types.items():
        if t[0] in ("STRUCT", "UNION") and t[1] != "(anon)":
            got.setdefault(t[1], set()).update(flat_members(types, tid))
    want = {k: set(v) for k, v in case.get("min_core", {}).items()}
    if got == want:
        return [], ", ".join(f"{k}{{{','.join(sorted(v))}}}" for k, v in sorted(got.items()))
    diff = []
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            diff.append(f"{k}: expected {sorted(want.get(k, []))}, minimized BTF has "
                        f"{sorted(got.get(k, []))}")
    return diff + ["--- bpftool btf dump file:", d.stdout], ""


def negative_control(args, res, work, shifted_relocs):
    """Raw reads at the shifted object's baked task_struct offsets give wrong values here."""
    name = "negative_control"
    pid_r = [x for x in shifted_relocs if x.get("field") == "task_struct.pid"]
    comm_r = [x for x in shifted_relocs if x.get("field") == "task_struct.comm"]
    if not pid_r or not comm_r:
        res.record("SKIP", name, "task_ids/shifted produced no task_struct.pid/comm relocations")
        return
    off_pid, off_comm = int(pid_r[0]["baked"]), int(comm_r[0]["baked"])
    w = Workload(work)
    script = ('tracepoint:syscalls:sys_enter_openat /comm == "%s"/ {\n'
              '  printf("RAW pid=%%d baked_pid=%%d comm=%%s baked_comm=%%s\\n", curtask->pid,\n'
              '         *(int32*)((uint64)curtask + %d), curtask->comm,\n'
              '         str((uint64)curtask + %d));\n}\n') % (w.uniq, off_pid, off_comm)
    tool, err = compile_case(args, script, os.path.join(work, name), None)
    if err:
        res.record("FAIL", name, "compile failed", err)
        return
    out, errout, status, err = run_tool(tool, w)
    lines = [l for l in out.splitlines() if l.startswith("RAW ")]
    facts = w.facts()
    if err or not lines:
        res.record("FAIL", name, err or "no output", out + errout)
        return
    m = re.match(r"RAW pid=(\d+) baked_pid=(-?\d+) comm=(.*) baked_comm=(.*)$", lines[0])
    if not m or m.group(1) != facts["pid"] or m.group(3) != facts["comm"]:
        res.record("FAIL", name, "reference values wrong", out)
    elif m.group(2) == facts["pid"] or m.group(4) == facts["comm"]:
        res.record("FAIL", name, "the baked offsets read the right values: shift not effective",
                   lines[0])
    else:
        res.record("PASS", name,
                   f"at the shifted object's baked offsets this kernel's task_struct holds "
                   f"pid={m.group(2)} (real {facts['pid']}) and comm={m.group(4)[:16]!r} "
                   f"(real {facts['comm']!r}); the relocated tools read the real ones")


# Runs the command after it in a private mount namespace where /sys/kernel/btf is empty: the
# kernel as a tool sees one built without CONFIG_DEBUG_INFO_BTF.
HIDE_SYSFS_BTF = ["unshare", "-m", "sh", "-c",
                  'mount -t tmpfs none /sys/kernel/btf && exec "$0" "$@"']


def btf_env(args, res, work, case, shifted):
    """BPFTRACE_BTF: the task_ids tool (compiled against this kernel) relocated against a file.
    With the sysfs BTF hidden and BPFTRACE_BTF naming a copy of it, the output is right; with
    BPFTRACE_BTF naming shifted.btf, the relocations follow that file and the values are wrong
    (so the file, not sysfs, is what the tool used); with no BTF at all it refuses in words."""
    w = Workload(work)
    text = fill(case["script"], {"uniq": w.uniq, "nbytes": str(w.nbytes)}, False)
    tool, err = compile_case(args, text, os.path.join(work, "btf_env"), None)
    if err:
        return res.record("FAIL", "btf_env", "compile failed", err)
    copy = os.path.join(work, "btf_env", "vmlinux.btf")
    shutil.copyfile(VMLINUX, copy)
    out, errout, status, err = run_tool(tool, w, prefix=HIDE_SYSFS_BTF,
                                        env_extra={"BPFTRACE_BTF": copy})
    problems = ([err] if err else []) + check_output(case, out, w.facts())
    if problems:
        res.record("FAIL", "btf_env/file", problems[0], out + errout)
    else:
        res.record("PASS", "btf_env/file", "sysfs BTF hidden, BPFTRACE_BTF=a copy: values right")
    out, errout, status, err = run_tool(tool, w, env_extra={"BPFTRACE_BTF": shifted})
    problems = check_output(case, out, w.facts())
    if err or not any(l.startswith("TASK ") for l in out.splitlines()):
        res.record("FAIL", "btf_env/shifted", err or "no TASK lines", out + errout)
    elif not problems:
        res.record("FAIL", "btf_env/shifted", "right values: BPFTRACE_BTF was not used", out)
    else:
        res.record("PASS", "btf_env/shifted", "BPFTRACE_BTF=shifted.btf moves the reads: "
                   + next(l for l in out.splitlines() if l.startswith("TASK "))[:90])
    r = run([*HIDE_SYSFS_BTF, tool], timeout=20)
    want = r"^ERROR: the running kernel has no BTF \(/sys/kernel/btf/vmlinux is missing\); "
    if r.returncode != 1 or not re.search(want, r.stderr, re.M):
        res.record("FAIL", "btf_env/none", "expected the no-BTF refusal", r.stdout + r.stderr)
    else:
        res.record("PASS", "btf_env/none", "no BTF and no BPFTRACE_BTF: refused in words")


def run_case(args, res, name, case, work, shifted, have_root):
    reloc_out = None
    for mode in ("host", "shifted"):
        tag = f"{name}/{mode}"
        if not have_root:
            for what in ("run", "relocs", "min_core_btf"):
                res.record("SKIP", f"{tag}/{what}", "needs root (tracefs formats, BPF load)")
            continue
        out_dir = os.path.join(work, name, mode)
        w = Workload(work)
        text = fill(case["script"], {"uniq": w.uniq, "nbytes": str(w.nbytes)}, False)
        tool, err = compile_case(args, text, out_dir, shifted if mode == "shifted" else None)
        if err:
            for what in ("run", "relocs", "min_core_btf"):
                res.record("FAIL", f"{tag}/{what}", "compile failed", err)
            continue
        out, errout, status, err = run_tool(tool, w, args=["-v"])
        facts = w.facts()
        problems = [err] if err else []
        if status not in (0, -signal.SIGINT):
            problems.append(f"tool exit status {status}")
        problems += check_output(case, out, facts)
        if problems:
            stderr_tail = "\n".join(l for l in errout.splitlines() if not l.startswith("libbpf:"))
            res.record("FAIL", f"{tag}/run", problems[0],
                       "\n".join(problems[1:]) + f"\nfacts: {facts}\n--- stdout:\n{out}"
                       f"--- stderr (libbpf lines removed):\n{stderr_tail[-2000:]}")
        else:
            n = len([l for l in out.splitlines() if l and not l.startswith("Attaching")])
            res.record("PASS", f"{tag}/run", f"{n} lines correct")
        obj = tool + ".bpf.o"
        problems, note = check_relocs(args, case, name, mode, obj, errout)
        if problems:
            res.record("FAIL", f"{tag}/relocs", problems[0], "\n".join(problems[1:]))
        else:
            res.record("PASS", f"{tag}/relocs", note)
        if mode == "shifted":
            reloc_out = parse_relocs(run([args.reloc_check, obj]).stdout)
        if not args.bpftool:
            res.record("SKIP", f"{tag}/min_core_btf", "bpftool not installed")
            continue
        problems, note = check_min_core(args, case, obj, out_dir)
        if problems:
            res.record("FAIL", f"{tag}/min_core_btf", problems[0], "\n".join(problems[1:]))
        else:
            res.record("PASS", f"{tag}/min_core_btf", note)
    return reloc_out


RUNQLEN = "/usr/sbin/runqlen.bt"


def renamed_field(args, res, work, have_root):
    """Debian's runqlen.bt reads cfs_rq.nr_running, which 6.13+ kernels call nr_queued: it
    compiles against a BTF that has the old name (this kernel's, renamed by btf_shift), and
    on this kernel the tool then refuses to load, naming the field at its line."""
    name = "renamed_field_runqlen"
    if not os.path.exists(RUNQLEN):
        return res.record("SKIP", name, f"{RUNQLEN} not installed (Debian bpftrace package)")
    btf = os.path.join(work, "renamed.btf")
    r = run([args.btf_shift, "--rename", "cfs_rq.nr_queued=nr_running", "-o", btf])
    if r.returncode != 0:
        return res.record("SKIP", name, "this kernel has no cfs_rq.nr_queued to rename", r.stderr)
    tool = os.path.join(work, "runqlen")
    r = run([args.btc, RUNQLEN, "--btf", btf, "-o", tool], timeout=120)
    if r.returncode != 0:
        return res.record("FAIL", name, "btc rejected runqlen.bt against the renamed BTF", r.stderr)
    if not have_root:
        return res.record("SKIP", name, "compiled; running it needs root")
    r = run([tool], timeout=20)
    want = re.compile(r"^/usr/sbin/runqlen\.bt:\d+:\d+-\d+: ERROR: the running kernel has no "
                      r"'struct cfs_rq\.nr_running' used by the script$", re.M)
    if r.returncode == 0 or not want.search(r.stderr):
        return res.record("FAIL", name, "expected a load failure naming struct cfs_rq.nr_running",
                          r.stdout + r.stderr)
    res.record("PASS", name, "compiles against a kernel that has the field, refuses to load here")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--btc", required=True)
    ap.add_argument("--btf-shift", required=True)
    ap.add_argument("--reloc-check", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--bpftool", default=shutil.which("bpftool") or
                    next((p for p in ("/usr/sbin/bpftool", "/sbin/bpftool")
                          if os.access(p, os.X_OK)), None))
    ap.add_argument("--shift", type=int, default=64)
    ap.add_argument("-k", dest="pattern", default="")
    ap.add_argument("--full-btf", action="store_true",
                    help="tools relocate against all of the kernel BTF (BTC_FULL_BTF=1), "
                         "not the cut-down copy they make by default")
    args = ap.parse_args()
    if args.full_btf:
        os.environ["BTC_FULL_BTF"] = "1"

    res = Results()
    cases = sorted(f[:-5] for f in os.listdir(args.cases) if f.endswith(".case"))
    cases = [c for c in cases if args.pattern in c]
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    if not os.path.exists(VMLINUX):
        for c in ["btf_shift"] + cases + ["negative_control"]:
            res.record("SKIP", c, f"no kernel BTF at {VMLINUX}")
    else:
        shifted = os.path.join(work, "shifted.btf")
        r = run([args.btf_shift, "--shift", str(args.shift), "-o", shifted] + SHIFTED_RECORDS)
        if r.returncode != 0:
            res.record("FAIL", "btf_shift", "btf_shift failed", r.stderr)
            shifted = None
        else:
            check_btf_shift(args, res, shifted)
        have_root = os.geteuid() == 0
        task_relocs = None
        for c in cases:
            with open(os.path.join(args.cases, c + ".case")) as f:
                case = ast.literal_eval(f.read())
            if shifted is None:
                res.record("SKIP", c, "no shifted BTF")
                continue
            relocs = run_case(args, res, c, case, work, shifted, have_root)
            if c == "task_ids":
                task_relocs = relocs
        if not have_root:
            res.record("SKIP", "negative_control", "needs root")
        elif task_relocs is None:
            res.record("SKIP", "negative_control", "the task_ids case did not run")
        else:
            negative_control(args, res, work, task_relocs)
        if args.pattern in "btf_env":
            if not have_root or shifted is None:
                res.record("SKIP", "btf_env", "needs root and shifted.btf")
            else:
                with open(os.path.join(args.cases, "task_ids.case")) as f:
                    btf_env(args, res, work, ast.literal_eval(f.read()), shifted)
        if args.pattern in "renamed_field_runqlen":
            renamed_field(args, res, work, have_root)

    c = res.counts
    print(f"{c['PASS']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
    return 1 if c["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
