# tools.py: the expected class of each of bpftrace v0.26.1's 39 tools (v0.26.1/*.bt) compiled
# with btc on this kind of host (kernel 6.18 with BTF, no CONFIG_KPROBES, fentry refused,
# glibc 2.36), with the workload and the output of those that run. Read by
# ../debian_tools/run_debian_tools.py, whose header documents the keys and placeholders.

TIME = r"\d\d:\d\d:\d\d"
STIME = r"\d\d:\d\d:\d\d\.\d{6}"  # strftime("%H:%M:%S.%f")

KPROBES_OFF = "kprobes cannot attach: CONFIG_KPROBES is off on this kernel"
IGNORED = ("its probes are kprobes, which cannot attach here, and its config block says "
           "missing_probes = ignore: the tool runs with BEGIN only, silently")

TOOLS = {
    # ---- runs -----------------------------------------------------------------------------
    "bashreadline": {
        "class": "runs",
        # missing_probes = ignore: uretprobe:libreadline:readline (no such library here) is
        # skipped without a word.
        "workload": ["echo 'echo {uniq}' | bash --norc -i >/dev/null 2>&1"],
        "stdout_regex": [r"^TIME      PID    COMMAND$", TIME + r"  \d+ +echo {uniq}$"],
    },
    "biolatency": {
        "class": "runs",
        "workload": ["dd if=/dev/zero of={work}/{uniq}.dat bs=64k count=32 oflag=direct "
                     "status=none"],
        "stdout_regex": [r"^Tracing block device I/O\.\.\. Hit Ctrl-C to end\.$", r"^@usecs: $"],
        "values": [{"regex": r"^\[[^\]\n]*[\])] +(\d+) \|@* *\|$", "sum_min": 16}],
    },
    "biolatency-kp": {
        "class": "runs", "reason": IGNORED,
        "stdout_regex": [r"^Tracing block device I/O\.\.\. Hit Ctrl-C to end\.$"],
    },
    "biosnoop": {
        "class": "runs",
        "workload": ["dd if=/dev/zero of={work}/{uniq}.dat bs=64k count=8 oflag=direct "
                     "status=none"],
        "stdout_regex": [r"^TIME\(ms\)     DISK ID        COMM             PID    LAT\(ms\)$",
                         r"^\d+ +\d+ +\d+ +dd +\d+ +\d+$"],
    },
    "biostacks": {
        "class": "runs",
        "workload": ["dd if=/dev/zero of={work}/{uniq}.dat bs=64k count=8 oflag=direct "
                     "status=none"],
        "stdout_regex": [r"^Tracing block I/O with init stacks\. Hit Ctrl-C to end\.$",
                         r"^@usecs\[$", r"^    \w+\+\d+$"],
    },
    "bitesize": {
        "class": "runs",
        "workload": ["dd if=/dev/zero of={work}/{uniq}.dat bs=64k count=32 oflag=direct "
                     "status=none"],
        "stdout_regex": [r"^I/O size \(bytes\) histograms by process name:$"],
        "values": [{"regex": r"^@\[dd\]: \n(?:\[.*\n)*?\[64K, 128K\) +(\d+) \|@+ *\|$",
                    "min": 16}],
    },
    "cpuwalk": {
        "class": "runs",
        "workload": ["{helper} busy 1"],
        "stdout_regex": [r"^Sampling CPU at 99hz\.\.\. Hit Ctrl-C to end\.$", r"^@cpu: $"],
        "values": [{"regex": r"^\[{cpu}, \d+\) +(\d+) \|@* *\|$", "min": 40}],
    },
    "execsnoop": {
        "class": "runs",
        "workload": ["sh -c 'echo pid=$$; exec /bin/true {uniq} second_arg'"],
        "stdout_regex": [r"^TIME            PID     PPID    ARGS$",
                         STIME + r" {pid} +\d+ +/bin/true {uniq} second_arg$"],
    },
    "gethostlatency": {
        "class": "runs",
        "workload": ["{helper} getaddrinfo"],
        "stdout_regex": [r"^TIME      PID    COMM              LATms HOST$",
                         TIME + r"  {pid} +{comm} +\d+ localhost$"],
    },
    "killsnoop": {
        "class": "runs",
        "workload": ["{helper} kill"],
        "stdout_regex": [r"^TIME                 PID COMM                    SIG     TPID RESULT$",
                         STIME + r" +{pid} {comm} +SIGWINCH +{pid} +0$"],
    },
    "naptime": {
        "class": "runs",
        "workload": ["{helper} nanosleep"],
        "stdout_regex": [r"^TIME     PPID   PCOMM            PID    COMM             SECONDS$",
                         TIME + r" {ppid} +{pcomm} +{pid} +{comm} +0\.020$"],
    },
    "opensnoop": {
        "class": "runs",
        "workload": ["{helper} open {tmp}/{uniq}"],
        "stdout_regex": [r"^PID    COMM               FD  ERR PATH$",
                         r"^{pid} +{comm} +\d+ +0 {tmp}/{uniq}\.present$",
                         r"^{pid} +{comm} +-1 +2 {tmp}/{uniq}\.missing$"],
    },
    "pidpersec": {
        "class": "runs",
        "workload": ["i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i+1)); done"],
        "stop_after_ms": 2300,
        "stdout_regex": [r"^Tracing new processes\.\.\. Hit Ctrl-C to end\.$"],
        "values": [{"regex": TIME + r" PIDs/sec: @: (\d+)$", "sum_min": 100}],
    },
    "runqlat": {
        "class": "runs",
        "workload": ["{helper} pingpong 3000"],
        "stdout_regex": [r"^Tracing CPU scheduler\.\.\. Hit Ctrl-C to end\.$", r"^@usecs: $"],
        "values": [{"regex": r"^\[[^\]\n]*[\])] +(\d+) \|@* *\|$", "sum_min": 6000}],
    },
    "runqlen": {
        "class": "runs",
        # 0.26.1 reads cfs_rq.nr_queued, the 6.13+ name (0.17's runqlen.bt reads nr_running).
        "workload": ["{helper} busy 1"],
        "stdout_regex": [r"^Sampling run queue length at 99 Hertz\.\.\. Hit Ctrl-C to end\.$",
                         r"^@runqlen: $"],
        "values": [{"regex": r"^\[0, 1\) +(\d+) \|@* *\|$", "min": 40}],
    },
    "setuids": {
        "class": "runs",
        "workload": ["{helper} setuid"],
        "stdout_regex": [
            r"^TIME     PID    COMM             UID    SYSCALL   ARGS \(RET\)$",
            TIME + r" {pid} +{comm} +0 +setuid    uid=0 \(0\)$",
            TIME + r" {pid} +{comm} +0 +setfsuid  uid=4242 \(prevuid=0\)$",
            TIME + r" {pid} +{comm} +0 +setresuid ruid=0 euid=0 suid=0 \(0\)$",
        ],
    },
    "ssllatency": {
        "class": "runs",
        # missing_probes = ignore: the libcrypto symbols libcrypto.so.3 lacks are skipped
        # silently (0.17's ssllatency.bt warns about each).
        "workload": ["{helper} ssl_handshake 3"],
        "stdout_regex": [r"^Latency distribution in microsecond:$",
                         r"^@histF\[SSL_do_handshake\]: \n\[\d+, [^\n]*\) +1 \|@+\|$",
                         r"^@statF\[SSL_do_handshake\]: count 1, average \d+, total \d+$"],
    },
    "sslsnoop": {
        "class": "runs",
        "workload": ["{helper} ssl_handshake"],
        "stdout_regex": [r"^TIME\(us\)   TID      COMM     LAT\(us\)   RET FUNC$",
                         r"^\d+ +{tid} +{comm} +\d+ +-1 SSL_do_handshake$"],
    },
    "statsnoop": {
        "class": "runs",
        "workload": ["sh -c 'echo pid=$$; exec stat {tmp}/{uniq}.missing' || true",
                     "sh -c 'echo fpid=$$; exec stat -f {tmp} >/dev/null'"],
        "stdout_regex": [r"^PID    COMM             ERR PATH$",
                         r"^{pid} +stat +2 {tmp}/{uniq}\.missing$",
                         r"^{fpid} +stat +0 {tmp}$"],
    },
    "swapin": {
        "class": "runs", "reason": IGNORED + " (and its interval prints a time each second)",
        "stop_after_ms": 1500,
        "stdout_regex": [r"^" + TIME + r"$"],
    },
    "syncsnoop": {
        "class": "runs",
        "workload": ["{helper} sync {work}/{uniq}.dat"],
        "stdout_regex": [
            r"^TIME      PID    COMM             EVENT$",
            TIME + r"  {pid} +{comm} +tracepoint:syscalls:sys_enter_fsync$",
            TIME + r"  {pid} +{comm} +tracepoint:syscalls:sys_enter_fdatasync$",
            TIME + r"  {pid} +{comm} +tracepoint:syscalls:sys_enter_sync_file_range$",
        ],
    },
    "syscount": {
        "class": "runs",
        "workload": ["dd if=/dev/zero of=/dev/null bs=1 count=100000 status=none"],
        "stdout_regex": [r"^Counting syscalls\.\.\. Hit Ctrl-C to end\.$",
                         r"^Top 10 syscalls IDs:$", r"^Top 10 processes:$"],
        "values": [{"regex": r"^@syscall\[0\]: (\d+)$", "min": 100000},
                   {"regex": r"^@syscall\[1\]: (\d+)$", "min": 100000},
                   {"regex": r"^@process\[dd\]: (\d+)$", "min": 200000}],
    },
    "tcpdrop": {
        "class": "runs",
        # As Debian's tcpdrop.bt: the probe fires (UDP receive-buffer drops) but the tool only
        # reports drops of inet sockets, which cannot be provoked here; headers only.
        "workload": ["{helper} udp_overflow"],
        "stdout_regex": [r"^Tracing tcp drops\. Hit Ctrl-C to end\.$",
                         r"^TIME     PID      COMM             SADDR:SPORT           "
                         r"DADDR:DPORT           STATE   $"],
    },
    "threadsnoop": {
        "class": "runs",
        # uprobe:libpthread:pthread_create is skipped silently (missing_probes = ignore: glibc
        # 2.36's libpthread.so.0 is a stub); uprobe:libc:pthread_create fires.
        "workload": ["{python} -c 'import threading; t = threading.Thread(target=print); "
                     "t.start(); t.join()'"],
        "stdout_regex": [r"^TIME                PID COMM             FUNC$",
                         STIME + r" +\d+ +python3 +\S+$"],
    },
    "vfsstat": {
        "class": "runs",
        "stop_after_ms": 1500,
        "stderr_allow": [r"^WARNING: could not attach probe kprobe:vfs_\w+, skipping\.$"],
        "stderr_regex": [r"^WARNING: could not attach probe kprobe:vfs_fsync, skipping\.$"],
        "stdout_regex": [r"^Tracing key VFS calls\.\.\. Hit Ctrl-C to end\.$",
                         r"^\d\d:\d\d:\d\d$"],
    },
    "writeback": {
        "class": "runs",
        "workload": ["dd if=/dev/urandom of={work}/{uniq}.dat bs=64k count=16 status=none",
                     "sync"],
        "stdout_regex": [r"^TIME      DEVICE   PAGES    REASON           ms$",
                         TIME + r"  \S+ +\d+ +sync +\d+\.\d{3}$"],
    },
    "xfsdist": {
        "class": "runs", "reason": IGNORED,
        "stdout_regex": [r"^Tracing XFS operation latency\.\.\. Hit Ctrl-C to end\.$"],
    },
    # ---- loads: the programs pass the verifier, attaching fails on this host ---------------
    "capable": {"class": "loads", "reason": KPROBES_OFF},
    "dcsnoop": {
        "class": "loads", "reason": KPROBES_OFF,
        "attach_error": r"^ERROR: Error attaching probe: 'kretprobe:d_lookup'$",
    },
    "mdflush": {"class": "loads", "reason": KPROBES_OFF},
    "oomkill": {"class": "loads", "reason": KPROBES_OFF},
    "tcpaccept": {"class": "loads", "reason": KPROBES_OFF},
    "tcpconnect": {"class": "loads", "reason": KPROBES_OFF},
    "tcplife": {"class": "loads", "reason": KPROBES_OFF},
    "tcpretrans": {"class": "loads", "reason": KPROBES_OFF},
    "tcpsynbl": {"class": "loads", "reason": KPROBES_OFF},
    "undump": {"class": "loads", "reason": KPROBES_OFF},
    "vfscount": {
        "class": "loads", "reason": KPROBES_OFF + " (only the wildcard kprobe:vfs_*: each match "
        "is skipped with a warning, then btc refuses to trace nothing)",
        "stderr_regex": [r"^WARNING: could not attach probe kprobe:vfs_read, skipping\.$"],
        "attach_error": r"^ERROR: none of the \d+ attach points could be attached$",
    },
    # ---- cannot run on this host ----------------------------------------------------------
    "loads": {
        "class": "start-fails-expected",
        "reason": "kaddr(\"avenrun\"): /proc/kallsyms lists text symbols only "
                  "(no CONFIG_KALLSYMS_ALL), and btc resolves kaddr where the tool starts",
        "start_error": r"ERROR: Failed to resolve kernel symbol: avenrun$",
    },
}
