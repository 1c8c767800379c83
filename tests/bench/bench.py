#!/usr/bin/env python3
"""bench.py: measurements of btc and the tools it builds (not a test: it prints numbers).

  sudo tests/bench/bench.py --btc build/compiler/driver/btc [--runs 5]

Side by side, btc tools against a hand-written static libbpf tool for the same scripts
(tests/bench/ref/, built here with clang-19 and bpftool) and bpftrace 0.17 when installed:
  * size on disk; exec -> probes attached (or -> exit for BEGIN) and peak RSS, medians of
    --runs paired starts, through a small static launcher (ref/maxrss.c);
  * ns per event of @[comm] = count() and @ = hist(args->ret) on raw_syscalls, on each CPU:
    (workload time with the tool - without) / events, workload ref/load.c pinned to the CPU;
    and the programs' own ns per run from the kernel's BPF statistics (bpf_stats_enabled);
  * printf events: tracer CPU per event (openat with a path) and events delivered of a storm.
Also, as medians over --runs:
  * compile time and size of each bundled tool (tools/*.bt), and the compile times of
    bpftrace v0.26.1's tools (tests/bpftrace_tools/v0.26.1, with PATH empty);
  * SIGINT -> map dump printed, and -> exited, for a 360-tracepoint wildcard (once: the
    kernel takes ~80 ms per tracepoint to detach).
"""
import argparse, os, signal, statistics, subprocess, sys, tempfile, time

import side_by_side

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MANY_TP = 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); }'


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def compile_tools_026(btc, work, runs):
    print("== compile time of bpftrace v0.26.1's tools (PATH empty; median of runs)")
    src_dir = os.path.join(ROOT, "tests", "bpftrace_tools", "v0.26.1")
    medians = {}
    for name in sorted(os.listdir(src_dir)):
        if not name.endswith(".bt"):
            continue
        out = os.path.join(work, "v026_" + name[:-3])
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([btc, os.path.join(src_dir, name), "-o", out], check=True,
                           env={"PATH": ""}, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
        medians[name[:-3]] = median(times) * 1000
    for name, ms in sorted(medians.items(), key=lambda kv: kv[1]):
        print(f"  {name:16s} {ms:7.1f} ms")
    values = sorted(medians.values())
    print(f"  all {len(values)}: median {median(values):.1f} ms, max {values[-1]:.1f} ms")


def compile_tools(btc, work, runs):
    print("== compile time and tool size")
    for name in sorted(os.listdir(os.path.join(ROOT, "tools"))):
        if not name.endswith(".bt"):
            continue
        src = os.path.join(ROOT, "tools", name)
        out = os.path.join(work, name[:-3])
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([btc, src, "-o", out], check=True)
            times.append(time.perf_counter() - t0)
        print(f"  {name:16s} compile {median(times)*1000:7.1f} ms   size {os.path.getsize(out)/1e6:5.2f} MB")


def start_attached(cmd, stdout):
    """Starts cmd and returns once it announced that its probes are attached."""
    return side_by_side.start(cmd, stdout)[0]


def contenders(btc, work, name, script):
    """The script as a btc tool, and under bpftrace 0.17 when installed: [(label, argv)]."""
    tool = os.path.join(work, name)
    subprocess.run([btc, "-e", script, "-o", tool], check=True)
    rows = [("btc tool", [tool])]
    if subprocess.run(["which", "bpftrace"], capture_output=True).returncode == 0:
        rows.append(("bpftrace 0.17", ["bpftrace", "-e", script]))
    return rows


def stop_latency(btc, work):
    print("== SIGINT -> map dump on stdout, -> exit (tracepoint:syscalls:sys_enter_*)")
    for label, cmd in contenders(btc, work, "many_tp", MANY_TP):
        p = start_attached(cmd, subprocess.PIPE)
        time.sleep(1.0)
        t0 = time.perf_counter()
        os.killpg(p.pid, signal.SIGINT)
        dumped = None
        for line in p.stdout:
            if line.startswith(b"@["):
                dumped = time.perf_counter() - t0
                break
        p.communicate(timeout=120)
        exited = time.perf_counter() - t0
        dump_ms = dumped * 1000 if dumped is not None else float("nan")
        print(f"  {label:14s} dump after {dump_ms:8.1f} ms   exit after {exited:6.2f} s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--btc", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--events", type=int, default=2000000,
                    help="system calls per workload run of the side-by-side comparison")
    ap.add_argument("--only-side-by-side", action="store_true")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("bench.py needs root (BPF); nothing measured")
        return 0
    print(f"== side by side ({time.strftime('%Y-%m-%d')}, {os.uname().release}, "
          f"{os.cpu_count()} CPUs; medians of {a.runs} runs)")
    side_by_side.run(a.btc, a.runs, a.events)
    if a.only_side_by_side:
        return 0
    with tempfile.TemporaryDirectory() as work:
        compile_tools(a.btc, work, a.runs)
        compile_tools_026(a.btc, work, a.runs)
        stop_latency(a.btc, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
