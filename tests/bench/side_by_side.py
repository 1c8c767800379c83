"""side_by_side.py: the benchmark's comparison of btc tools with a hand-written libbpf tool
(ref/) and bpftrace, one script at a time (see bench.py). Prints a Markdown table."""
import os, shutil, signal, statistics, subprocess, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"

SCRIPTS = {
    "openat_one": 'tracepoint:syscalls:sys_enter_openat { printf("%s %s\\n", comm, str(args->filename)); exit(); }',
    "begin": 'BEGIN { exit(); }',
    "count_comm": 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }',
    "hist_ret": 'tracepoint:raw_syscalls:sys_exit { @ = hist(args->ret); }',
    "openat": 'tracepoint:syscalls:sys_enter_openat { printf("%s %s\\n", comm, str(args->filename)); }',
    "storm": 'tracepoint:syscalls:sys_enter_getppid /comm == "btc_bench_storm"/ { printf("%d\\n", tid); }',
}


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def build_ref(work):
    """Builds ref, load and maxrss with clang-19 (and vmlinux.h/skeletons with bpftool)."""
    clang = shutil.which("clang-19") or shutil.which("clang")
    bpftool = shutil.which("bpftool") or "/usr/sbin/bpftool"
    if not clang or not os.path.exists(bpftool):
        return "needs clang-19 and bpftool"
    def run(cmd, **kw):
        r = subprocess.run(cmd, cwd=work, capture_output=True, text=True, **kw)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}: {r.stderr[-2000:]}")
        return r.stdout
    with open(os.path.join(work, "vmlinux.h"), "w") as f:
        f.write(run([bpftool, "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"]))
    for name in ("ref", "ref_begin"):
        run([clang, "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I", work, "-c",
             os.path.join(HERE, "ref", name + ".bpf.c"), "-o", name + ".bpf.o"])
        with open(os.path.join(work, name + ".skel.h"), "w") as f:
            f.write(run([bpftool, "gen", "skeleton", name + ".bpf.o"]))
    run([clang, "-O2", "-static", "-s", "-I", work, os.path.join(HERE, "ref", "ref.c"), "-o", "ref",
         "-lbpf", "-lelf", "-lz"])
    for name in ("load", "maxrss"):
        run([clang, "-O2", "-static", "-s", os.path.join(HERE, "ref", name + ".c"), "-o", name])
    return None


def contenders(btc, work, name, with_bpftrace=True):
    tool = os.path.join(work, "btc_" + name)
    subprocess.run([btc, "-e", SCRIPTS[name], "-o", tool], check=True)
    rows = [("btc", [tool]), ("ref", [os.path.join(work, "ref"), name])]
    if with_bpftrace and shutil.which("bpftrace"):
        rows.append(("bpftrace", ["bpftrace", "-e", SCRIPTS[name]]))
    return rows


def trigger_openat():
    with open("/etc/hostname"):
        pass


def start(cmd, stdout=subprocess.DEVNULL):
    """Starts cmd; returns (process, seconds until it said its probes are attached)."""
    env = dict(os.environ, **{NOTIFY: "1"})
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env,
                         start_new_session=True)
    for line in p.stderr:
        if NOTIFY.encode() in line:
            return p, time.perf_counter() - t0
    return p, None


def stop(p):
    try:
        os.killpg(p.pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    try:
        p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()


def startup_openat_one(cmd):
    p, t = start(cmd)
    trigger_openat()
    p.communicate(timeout=30)
    return t


def startup_begin(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def peak_rss_kib(work, cmd, trigger=None):
    p = subprocess.Popen([os.path.join(work, "maxrss")] + cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True, text=True)
    if trigger:
        time.sleep(0.5)
        trigger()
    _, err = p.communicate(timeout=60)
    for line in err.splitlines():
        if line.startswith("maxrss_kib="):
            return int(line.split("=")[1])
    return None


def workload_seconds(work, cpu, kind, n):
    t0 = time.perf_counter()
    subprocess.run(["taskset", "-c", str(cpu), os.path.join(work, "load"), kind, str(n)],
                   check=True)
    return time.perf_counter() - t0


def ns_per_event(work, cmd, cpu, n, runs):
    """(workload time with the tool - without) / n, medians of paired runs."""
    deltas = []
    for _ in range(runs):
        base = workload_seconds(work, cpu, "getppid", n)
        p, _ = start(cmd)
        traced = workload_seconds(work, cpu, "getppid", n)
        stop(p)
        deltas.append((traced - base) / n * 1e9)
    return median(deltas)


def bpf_programs():
    """{id: (run_cnt, run_time_ns)} of every loaded BPF program (bpftool's JSON)."""
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, text=True).stdout
    import json
    return {p["id"]: (p.get("run_cnt", 0), p.get("run_time_ns", 0)) for p in json.loads(out or "[]")}


def ns_per_program_run(work, cmd, cpu, n, runs):
    """The program's own time per run as the kernel measures it (kernel.bpf_stats_enabled):
    the busiest program the tool loaded, median over runs. Far less noisy than the workload
    time: it leaves out the system call and the tracepoint's dispatch."""
    stats = "/proc/sys/kernel/bpf_stats_enabled"
    before = open(stats).read().strip()
    per_run = []
    try:
        with open(stats, "w") as f:
            f.write("1")
        for _ in range(runs):
            old = set(bpf_programs())
            p, _ = start(cmd)
            workload_seconds(work, cpu, "getppid", n)
            mine = {i: v for i, v in bpf_programs().items() if i not in old}
            stop(p)
            if mine:
                cnt, ns = max(mine.values())
                if cnt:
                    per_run.append(ns / cnt)
    finally:
        with open(stats, "w") as f:
            f.write(before)
    return median(per_run)


def tracer_cpu_per_event(work, cmd, n):
    """CPU time (user+sys) the tool spends per printf event it delivers: openat storm."""
    out = tempfile.TemporaryFile()
    p, _ = start(cmd, stdout=out)
    subprocess.run(["taskset", "-c", "0", os.path.join(work, "load"), "openat", str(n)],
                   check=True)
    time.sleep(0.5)
    os.killpg(p.pid, signal.SIGINT)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = status
    out.seek(0)
    got = sum(1 for l in out.read().splitlines() if l.endswith(b"/etc/hostname"))
    cpu = ru.ru_utime + ru.ru_stime
    return (cpu / got * 1e9 if got else float("nan")), got


def storm_delivered(work, cmd, n):
    out = tempfile.TemporaryFile()
    p, _ = start(cmd, stdout=out)
    storm = os.path.join(work, "btc_bench_storm")
    if not os.path.exists(storm):
        shutil.copy(os.path.join(work, "load"), storm) # comm is the file's name
    t0 = time.perf_counter()
    subprocess.run(["taskset", "-c", "0", storm, "getppid", str(n)], check=True)
    elapsed = time.perf_counter() - t0
    time.sleep(0.5)
    stop(p)
    out.seek(0)
    got = sum(1 for l in out.read().splitlines() if l.strip().isdigit())
    return got, elapsed


def run(btc, runs, events):
    work = tempfile.mkdtemp(prefix="btc-bench-")
    try:
        why = build_ref(work)
        if why:
            print(f"side by side: skipped ({why})")
            return
        rows = []  # (measure, {contender: text})
        def add(measure, values):
            rows.append((measure, values))

        # Size on disk (the ref is one binary for all scripts; btc's per script).
        subprocess.run([btc, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools",
                                           "opensnoop.bt"), "-o",
                        os.path.join(work, "btc_opensnoop")], check=True)
        add("static tool on disk (opensnoop; ref: all modes)",
            {"btc": f"{os.path.getsize(os.path.join(work, 'btc_opensnoop')) / 2**20:.2f} MiB",
             "ref": f"{os.path.getsize(os.path.join(work, 'ref')) / 2**20:.2f} MiB",
             "bpftrace": "needs LLVM, clang, BTF at run time"})

        for name, label, measure, trigger in (
                ("openat_one", "openat_one: exec -> attached", startup_openat_one, trigger_openat),
                ("begin", "BEGIN { exit(); }: exec -> exit", startup_begin, None)):
            times, rss = {}, {}
            cmds = contenders(btc, work, name)
            for _ in range(runs):
                for who, cmd in cmds:
                    t = measure(cmd)
                    if t is not None:
                        times.setdefault(who, []).append(t)
            for who, cmd in cmds:
                rss[who] = peak_rss_kib(work, cmd, trigger)
            add(label, {w: f"{median(v) * 1000:.1f} ms" for w, v in times.items()})
            add(f"{name}: peak RSS",
                {w: f"{v / 1024:.1f} MiB" for w, v in rss.items() if v})

        for name in ("count_comm", "hist_ret"):
            cmds = contenders(btc, work, name)
            for cpu in (0, 1):
                vals = {who: ns_per_event(work, cmd, cpu, events, max(3, runs // 3))
                        for who, cmd in cmds}
                add(f"{name} on CPU {cpu}: ns per event",
                    {w: f"{v:.0f}" for w, v in vals.items()})
            # BPF statistics: btc and the ref only (bpftrace's programs are not told apart).
            vals = {who: ns_per_program_run(work, cmd, 1, events, max(3, runs))
                    for who, cmd in cmds if who != "bpftrace"}
            add(f"{name}: ns per program run (kernel BPF statistics)",
                {w: f"{v:.1f}" for w, v in vals.items()})

        cmds = contenders(btc, work, "openat")
        vals = {who: tracer_cpu_per_event(work, cmd, events // 4) for who, cmd in cmds}
        add("printf openat: tracer CPU per event", {w: f"{v[0]:.0f} ns ({v[1]} events)"
                                                      for w, v in vals.items()})
        cmds = contenders(btc, work, "storm")
        vals = {who: storm_delivered(work, cmd, events) for who, cmd in cmds}
        add(f"printf storm ({events} getppid): delivered",
            {w: f"{g} ({g / e / 1e3:.0f} k/s)" for w, (g, e) in vals.items()})

        who = ["btc", "ref", "bpftrace"]
        print("| | " + " | ".join(who) + " | btc / ref |")
        print("|---|" + "---|" * (len(who) + 1))
        for measure, values in rows:
            ratio = ""
            try:
                b = float(values["btc"].split()[0])
                r = float(values["ref"].split()[0])
                ratio = f"{b / r:.2f}x" if r else ""
            except (KeyError, ValueError, IndexError):
                pass
            print(f"| {measure} | " + " | ".join(values.get(w, "") for w in who) + f" | {ratio} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
