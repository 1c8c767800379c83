#!/usr/bin/env python3
"""End-to-end checks of `tool --metrics` with real components (ctest `metrics`, root).

  check_metrics.py --btc build/compiler/driver/btc [--workdir DIR]

1. Bad input: a bad address and a busy port end the tool with a clear error before any probe
   is attached.
2. Debian's `prometheus` scrapes fleet.bt's tool (1 s interval, OpenMetrics, the tool run with
   -q -o FILE) while a workload (a copy of dd named btcwork) reads /dev/zero 3000 bytes at a
   time; the server's HTTP API then answers rate() of the syscall counter keyed by comm (> 0
   for btcwork) and histogram_quantile() over the hist of read sizes (in the [2048, 4096)
   bucket, le="4095"). `promtool check metrics` accepts the text exposition; concurrent
   scrapes all succeed; odd requests get HTTP errors and serving goes on; -p works.
3. Serving changes nothing printed: replay.bt's -f json -o output with -c is the same with and
   without --metrics while scrapes run.
4. A map with 100 000 keys (many_keys.bt) is served whole; the scrape time is printed.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import json

HERE = os.path.dirname(os.path.abspath(__file__))
failures = 0
passed = 0


def check(name, ok, detail=""):
    global failures, passed
    if ok:
        passed += 1
        print(f"ok    {name}")
    else:
        failures += 1
        print(f"FAIL  {name}" + (f": {detail!r}" if detail != "" else ""))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http_get(url, accept=None, timeout=10):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, socket.timeout) as e:
        return 0, "", str(e)


def wait_serving(port, proc, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            return False
        if http_get(f"http://127.0.0.1:{port}/", timeout=2)[0] == 200:
            return True
        time.sleep(0.1)
    return False


def stop(proc, sig=signal.SIGINT, timeout=30):
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def compile_tool(btc, name, work):
    out = os.path.join(work, name)
    r = subprocess.run([btc, os.path.join(HERE, name + ".bt"), "-o", out],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr)
        sys.exit(f"btc failed on {name}.bt")
    return out


def bad_input(fleet):
    r = subprocess.run([fleet, "--metrics", "example.com:9100"], capture_output=True, text=True)
    check("bad address: exit 1", r.returncode == 1, r.returncode)
    check("bad address: says why", "invalid --metrics address 'example.com:9100': 'example.com'"
          " is not a numeric IPv4 address" in r.stderr, r.stderr)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    r = subprocess.run([fleet, "--metrics", f"127.0.0.1:{port}"], capture_output=True,
                       text=True, timeout=60)
    busy.close()
    check("busy port: exit 1", r.returncode == 1, r.returncode)
    check("busy port: says so", f"ERROR: cannot serve metrics on 127.0.0.1:{port}: Address "
          "already in use" in r.stderr, r.stderr)
    check("busy port: nothing attached", "Attaching" not in r.stdout, r.stdout)


def prom_query(prom_port, query):
    url = f"http://127.0.0.1:{prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    status, _, body = http_get(url)
    if status != 200:
        return None
    result = json.loads(body)["data"]["result"]
    return [float(r["value"][1]) for r in result]


def prometheus_run(fleet, work):
    dd = os.path.join(work, "btcwork")
    shutil.copy("/bin/dd", dd)
    port, prom_port = free_port(), free_port()
    out_file = os.path.join(work, "fleet.out")
    tool = subprocess.Popen([fleet, "--metrics", f"127.0.0.1:{port}", "-q", "-o", out_file],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait_serving(port, tool):
        check("fleet serves /metrics", False, stop(tool))
        return
    workload = subprocess.Popen(["sh", "-c", f"while :; do {dd} if=/dev/zero of=/dev/null "
                                 "bs=3000 count=200 2>/dev/null; sleep 0.05; done"])
    config = os.path.join(work, "prometheus.yml")
    with open(config, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                "scrape_configs:\n  - job_name: fleet\n    static_configs:\n"
                f"      - targets: ['127.0.0.1:{port}']\n")
    shutil.rmtree(os.path.join(work, "tsdb"), ignore_errors=True) # a fresh database
    prom_log = open(os.path.join(work, "prometheus.log"), "w")
    prom = subprocess.Popen(["prometheus", f"--config.file={config}",
                             f"--storage.tsdb.path={os.path.join(work, 'tsdb')}",
                             f"--web.listen-address=127.0.0.1:{prom_port}"],
                            stdout=prom_log, stderr=prom_log)
    try:
        # Two scrapes or more (and time for rate() over them).
        scrapes = None
        end = time.time() + 60
        while time.time() < end:
            scrapes = prom_query(prom_port, 'count_over_time(up{job="fleet"}[1m])')
            if scrapes and scrapes[0] >= 4:
                break
            time.sleep(0.5)
        check("prometheus scraped the tool at least twice", bool(scrapes) and scrapes[0] >= 2,
              scrapes)
        up = prom_query(prom_port, 'up{job="fleet"}')
        check("the target is up", up == [1.0], up)
        rate = prom_query(prom_port, 'rate(fleet_syscalls_total{comm="btcwork"}[30s])')
        check("rate() of the syscall counter by comm is positive for the workload",
              bool(rate) and rate[0] > 0, rate)
        q = prom_query(prom_port, 'histogram_quantile(0.5, sum by (le) '
                       '(rate(fleet_read_bytes_bucket{comm="btcwork"}[30s])))')
        check("histogram_quantile() of the 3000-byte reads is in the (2047, 4095] bucket",
              bool(q) and 2047 < q[0] <= 4095, q)
        record = prom_query(prom_port, 'fleet_reads_total{op="read"}')
        check("record keys become labels named after the fields", bool(record), record)
        check("string-valued maps are not exported", prom_query(prom_port, "fleet_last") == [])
        info = prom_query(prom_port, 'btc_build_info{tool="fleet",target_arch="x86_64"}')
        check("build info", info == [1.0], info)
        lost = prom_query(prom_port, "btc_events_lost_total")
        check("events lost (none)", lost == [0.0], lost)
        started = prom_query(prom_port, "process_start_time_seconds")
        check("start time", bool(started) and abs(started[0] - time.time()) < 600, started)

        base = f"http://127.0.0.1:{port}"
        status, ctype, text = http_get(base + "/metrics")
        check("text format 0.0.4 by default", status == 200 and
              ctype.startswith("text/plain; version=0.0.4"), (status, ctype))
        lint = subprocess.run(["promtool", "check", "metrics"], input=text,
                              capture_output=True, text=True)
        check("promtool check metrics accepts the exposition", lint.returncode == 0,
              lint.stdout + lint.stderr)
        status, ctype, om = http_get(base + "/metrics", accept="application/openmetrics-text")
        check("OpenMetrics when asked", status == 200 and
              ctype.startswith("application/openmetrics-text") and om.endswith("# EOF\n"),
              (status, ctype, om[-40:]))
        results = []

        def scrape_many():
            for _ in range(5):
                s, _, body = http_get(base + "/metrics")
                results.append(s == 200 and "btc_build_info{" in body)

        threads = [threading.Thread(target=scrape_many) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check("40 concurrent scrapes all succeed", len(results) == 40 and all(results),
              results.count(False))
        check("other paths are 404", http_get(base + "/debug")[0] == 404)
        # Program statistics, while the kernel keeps them.
        stats_file = "/proc/sys/kernel/bpf_stats_enabled"
        before = open(stats_file).read().strip()
        check("no program statistics while bpf_stats_enabled is 0",
              before != "0" or "btc_program_runs_total{" not in http_get(base + "/metrics")[2])
        try:
            with open(stats_file, "w") as f:
                f.write("1")
            time.sleep(0.5)
            body = http_get(base + "/metrics")[2]
            runs = [line for line in body.splitlines() if line.startswith(
                'btc_program_runs_total{probe="tracepoint:raw_syscalls:sys_enter"')]
            check("program run counts while bpf_stats_enabled is 1",
                  len(runs) == 1 and float(runs[0].split()[-1]) > 0, runs)
            check("program run time too", "btc_program_run_seconds_total{probe=" in body)
        finally:
            with open(stats_file, "w") as f:
                f.write(before)
        raw = socket.create_connection(("127.0.0.1", port))
        raw.sendall(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 100000 + b"\r\n\r\n")
        reply = raw.recv(100)
        raw.close()
        check("an oversized request gets an HTTP error", reply.startswith(b"HTTP/1.1 400"), reply)
        check("...and serving goes on", http_get(base + "/metrics")[0] == 200)
        tool.send_signal(signal.SIGUSR1)  # signals stay the tool's: SIGUSR1 prints the maps
        time.sleep(0.5)
    finally:
        stop(prom, signal.SIGTERM)
        prom_log.close()
        workload.kill()
        workload.wait()
    rc = stop(tool)
    stdout, stderr = tool.communicate()
    check("the tool ends cleanly on SIGINT", rc == 0, (rc, stderr))
    with open(out_file) as f:
        printed = f.read()
    check("it printed its maps on SIGUSR1 and at exit (-o)",
          printed.count("@syscalls[btcwork]: ") == 2, printed.count("@syscalls[btcwork]: "))


def output_unchanged(replay, work):
    child = os.path.join(work, "replay_child.sh")
    with open(child, "w") as f:
        f.write("#!/bin/sh\nsleep 1\nexec dd if=/dev/zero of=/dev/null bs=1000 count=300\n")
    os.chmod(child, 0o755)
    outputs = []
    for with_metrics in (False, True):
        out = os.path.join(work, f"replay{int(with_metrics)}.json")
        cmd = [replay, "-f", "json", "-o", out, "-c", child]
        port = free_port()
        if with_metrics:
            cmd += ["--metrics", f"127.0.0.1:{port}"]
        tool = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        scrapes = 0
        if with_metrics:
            while tool.poll() is None:
                if http_get(f"http://127.0.0.1:{port}/metrics", timeout=2)[0] == 200:
                    scrapes += 1
        stdout, stderr = tool.communicate(timeout=60)
        check(f"replay ({'with' if with_metrics else 'without'} --metrics) exits 0",
              tool.returncode == 0, stderr)
        if with_metrics:
            check("scrapes ran while it traced", scrapes >= 3, scrapes)
        with open(out) as f:
            outputs.append(f.read())
    check("-f json -o output is the same with --metrics",
          outputs[0] == outputs[1] and '"@reads": 3' in outputs[0],
          (len(outputs[0]), len(outputs[1])))


def with_pid(fleet, work):
    sleeper = subprocess.Popen(["sleep", "60"])
    port = free_port()
    tool = subprocess.Popen([fleet, "-p", str(sleeper.pid), "--metrics", f":{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ok = wait_serving(port, tool) and http_get(f"http://127.0.0.1:{port}/metrics")[0] == 200
    check("-p with --metrics serves", ok)
    sleeper.kill()
    sleeper.wait()
    rc = stop(tool)
    check("-p: the tool ends when the process does", rc == 0, rc)


def many_keys(tool_path, work):
    seeker = os.path.join(work, "seek.py")
    with open(seeker, "w") as f:
        f.write("import os, time\nfd = os.open('/dev/zero', os.O_RDONLY)\n"
                "for i in range(100000):\n    os.lseek(fd, i, 0)\n"
                "open(os.path.join(os.path.dirname(__file__), 'seek.done'), 'w').close()\n"
                "time.sleep(120)\n")
    done = os.path.join(work, "seek.done")
    if os.path.exists(done):
        os.remove(done)
    port = free_port()
    tool = subprocess.Popen([tool_path, "-q", "-o", os.devnull, "-c",
                             f"{sys.executable} {seeker}", "--metrics", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.time() + 60
    while time.time() < end and not os.path.exists(done) and tool.poll() is None:
        time.sleep(0.1)
    best, body = None, ""
    for _ in range(3):
        start = time.monotonic()
        status, _, body = http_get(f"http://127.0.0.1:{port}/metrics", timeout=30)
        took = time.monotonic() - start
        best = took if best is None else min(best, took)
    print(f"info  a 100 000-key map scraped in {best * 1000:.0f} ms (best of 3), "
          f"{len(body)} bytes")
    # python's own lseeks (reading the script) add a few keys of their own.
    prefix = 'many_keys_offsets_total{key="'
    counts = {}
    for line in body.splitlines():
        if line.startswith(prefix):
            key, value = line[len(prefix):].split('"} ')
            counts[int(key)] = int(value)
    check("all 100 000 keys are served", all(i in counts for i in range(100000)),
          sum(1 for i in range(100000) if i not in counts))
    check("each key counted once", counts.get(99999) == 1 and counts.get(54321) == 1)
    stop(tool)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--btc", required=True)
    ap.add_argument("--workdir")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("SKIP metrics (needs root to load BPF programs)")
        return 0
    for tool in ("prometheus", "promtool"):
        if not shutil.which(tool):
            print(f"SKIP metrics ({tool} is not installed: apt-get install prometheus)")
            return 0
    work = args.workdir or tempfile.mkdtemp(prefix="btc-metrics-")
    os.makedirs(work, exist_ok=True)
    fleet = compile_tool(args.btc, "fleet", work)
    replay = compile_tool(args.btc, "replay", work)
    keys = compile_tool(args.btc, "many_keys", work)
    bad_input(fleet)
    prometheus_run(fleet, work)
    output_unchanged(replay, work)
    with_pid(fleet, work)
    many_keys(keys, work)
    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
