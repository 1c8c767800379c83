#!/usr/bin/env python3
"""kill9_leftovers.py TOOL NAME: starts TOOL (a btc tool whose BPF object is named NAME), waits
until its probes are attached, kills it with SIGKILL and lists what it left in the kernel.

The tool's BPF objects are found while it runs: its global-data maps (NAME.rodata, NAME.bss
...), the programs using them, the links of those programs (bpftool -j). After the kill each
must be gone, and no perf event of the process may be listed (`bpftool perf`).
Prints "attached: P programs, M maps, L links" then "left: none" or what remained; exit status
0 when nothing remained, 1 otherwise, 2 when the tool did not start.
"""
import json
import os
import signal
import subprocess
import sys
import time


def bpftool(*args):
    out = subprocess.run(["bpftool", "-j", *args], capture_output=True, text=True)
    return json.loads(out.stdout or "[]") if out.returncode == 0 else []


def main():
    tool, name = sys.argv[1], sys.argv[2]
    env = dict(os.environ, __BPFTRACE_NOTIFY_PROBES_ATTACHED="1")
    proc = subprocess.Popen([tool], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 20
    line = b""
    while time.time() < deadline and b"__BPFTRACE_NOTIFY_PROBES_ATTACHED" not in line:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
    if b"__BPFTRACE_NOTIFY_PROBES_ATTACHED" not in line:
        print("the tool did not attach")
        proc.kill()
        return 2
    maps = [m["id"] for m in bpftool("map", "show") if m.get("name", "").startswith(name + ".")]
    progs = [p for p in bpftool("prog", "show") if set(p.get("map_ids", [])) & set(maps)]
    maps = sorted(set(maps).union(*(p.get("map_ids", []) for p in progs)))  # and its other maps
    progs = [p["id"] for p in progs]
    links = [l["id"] for l in bpftool("link", "show") if l.get("prog_id") in progs]
    print(f"attached: {len(progs)} programs, {len(maps)} maps, {len(links)} links")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # the kernel frees objects after the last reference (RCU)
    left = []
    left += [f"map {m['id']}" for m in bpftool("map", "show") if m["id"] in maps]
    left += [f"prog {p['id']}" for p in bpftool("prog", "show") if p["id"] in progs]
    left += [f"link {l['id']}" for l in bpftool("link", "show") if l["id"] in links]
    left += [f"perf event of pid {e.get('pid')}" for e in bpftool("perf") if e.get("pid") == proc.pid]
    print("left: " + (", ".join(left) if left else "none"))
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
