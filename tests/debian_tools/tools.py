# tools.py: the expected class of each of Debian's 38 bpftrace tools (/usr/sbin/*.bt, bpftrace
# 0.17) compiled with btc on this kind of host (kernel 6.18 with BTF, no CONFIG_KPROBES, glibc
# 2.36), with the workload and expected output of those that run. Read by run_debian_tools.py.
#
# Keys: class (runs | loads | start-fails-expected | compile-fails-expected), reason (why a
# tool cannot run here), known_issue (a btc bug the tool currently trips over, shown when it
# fails), workload (shell commands run once the probes are attached; `key=value` lines they
# print become {key} placeholders), stop_after_ms (SIGINT this long after the workload, default
# 300), stdout_regex / stderr_regex / stderr_not_regex (re.M; placeholders are inserted as
# literal text), values ({"regex": with one integer group, "min", "sum_min", "count"}),
# stderr_allow (runs: stderr lines that may appear; by default stderr must be empty),
# attach_error (loads: the expected stderr line), start_error, compile_error.
# Placeholders: {work} (this tool's work directory), {tmp} (a short scratch directory: str()
# keeps 63 characters of a path), {uniq} (a unique name), {python},
# {helper} (`python workload.py`, see workload.py).

TIME = r"\d\d:\d\d:\d\d"

KPROBES_OFF = "kprobes cannot attach: CONFIG_KPROBES is off on this kernel"

TOOLS = {
    # ---- runs -----------------------------------------------------------------------------
    "bashreadline": {
        "class": "runs",
        "workload": ["echo 'echo {uniq}' | bash --norc -i >/dev/null 2>&1"],
        "stdout_regex": [r"^TIME      PID    COMMAND$",
                         TIME + r"  \d+ +echo {uniq}$"],
    },
    "bitesize": {
        "class": "runs",
        # 32 direct 64 KiB writes: block requests issued by dd itself.
        "workload": ["dd if=/dev/zero of={work}/{uniq}.dat bs=64k count=32 oflag=direct "
                     "status=none"],
        "stdout_regex": [r"^Tracing block device I/O\.\.\. Hit Ctrl-C to end\.$",
                         r"^I/O size \(bytes\) histograms by process name:$"],
        "values": [{"regex": r"^@\[dd\]: \n(?:\[.*\n)*?\[64K, 128K\) +(\d+) \|@+ *\|$",
                    "min": 16}],
    },
    "cpuwalk": {
        "class": "runs",
        # The workload spins on the last CPU for 1 s: at 99 Hz that CPU's bucket fills.
        "workload": ["{helper} busy 1"],
        "stdout_regex": [r"^Sampling CPU at 99hz\.\.\. Hit Ctrl-C to end\.$", r"^@cpu: $"],
        "values": [{"regex": r"^\[{cpu}, \d+\) +(\d+) \|@* *\|$",
                    "min": 40}],
    },
    "execsnoop": {
        "class": "runs",
        "known_issue": "args on a wildcard tracepoint (sys_enter_exec*) is being added",
        "workload": ["sh -c 'echo pid=$$; exec /bin/true {uniq} second_arg'"],
        "stdout_regex": [r"^TIME\(ms\)   PID   ARGS$",
                         r"^\d+ +{pid} +/bin/true {uniq} second_arg$"],
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
        "stdout_regex": [r"^TIME      PID    COMM             SIG  TPID   RESULT$",
                         TIME + r"  {pid} +{comm} +28 +{pid} +0$"],
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
        "stdout_regex": [r"^PID    COMM               FD ERR PATH$",
                         r"^{pid} +{comm} +\d+ +0 {tmp}/{uniq}\.present$",
                         r"^{pid} +{comm} +-1 +2 {tmp}/{uniq}\.missing$"],
    },
    "pidpersec": {
        "class": "runs",
        # 100 forks, then long enough for the 1 s interval to print them (with margin: once, on a
        # busy machine, 1.3 s after the workload saw no interval output).
        "workload": ["i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i+1)); done"],
        "stop_after_ms": 2300,
        "stdout_regex": [r"^Tracing new processes\.\.\. Hit Ctrl-C to end\.$"],
        "values": [{"regex": TIME + r" PIDs/sec: @: (\d+)$", "sum_min": 100}],
    },
    "runqlat": {
        "class": "runs",
        # 3000 pipe round trips: >= 6000 wakeups followed by a switch to the woken task.
        "workload": ["{helper} pingpong 3000"],
        "stdout_regex": [r"^Tracing CPU scheduler\.\.\. Hit Ctrl-C to end\.$",
                         # The first bucket printed is the lowest non-empty one ([0] or [1]
                         # on a quiet machine, higher under load).
                         r"^@usecs: \n\[\d+(?:, \d+[KMG]?\))?\]? +\d+ \|"],
        "values": [{"regex": r"^\[[^\]\n]*[\])] +(\d+) \|@* *\|$", "sum_min": 6000}],
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
        # libcrypto.so.3 lacks the local rsa_ossl_*/ossl_ecdsa_*/ecdh_* symbols: as in 0.17
        # those attach points (one of several in their probe) are skipped with a warning.
        "stderr_allow": [r"^WARNING: could not attach probe u(ret)?probe:libcrypto:\w+, skipping\.$"],
        # A client handshake with no peer: SSL_do_handshake returns -1 (a failed call). The
        # process lingers so that the func value (a user address) resolves when @ is printed.
        "workload": ["{helper} ssl_handshake 3"],
        "stdout_regex": [r"^Latency distribution in microsecond:$",
                         r"^@histF\[SSL_do_handshake\]: \n\[\d+, [^\n]*\) +1 \|@+\|$",
                         r"^@statF\[SSL_do_handshake\]: count 1, average \d+, total \d+$"],
    },
    "sslsnoop": {
        "class": "runs",
        "stderr_allow": [r"^WARNING: could not attach probe u(ret)?probe:libcrypto:\w+, skipping\.$"],
        "workload": ["{helper} ssl_handshake"],
        "stdout_regex": [r"^TIME\(us\)   TID      COMM     LAT\(us\)   RET FUNC$",
                         r"^\d+ +{tid} +{comm} +\d+ +-1 SSL_do_handshake$"],
    },
    "statsnoop": {
        "class": "runs",
        # coreutils stat uses statx; -f uses statfs.
        "workload": ["sh -c 'echo pid=$$; exec stat {tmp}/{uniq}.missing' || true",
                     "sh -c 'echo fpid=$$; exec stat -f {tmp} >/dev/null'"],
        "stdout_regex": [r"^PID    COMM             ERR PATH$",
                         r"^{pid} +stat +2 {tmp}/{uniq}\.missing$",
                         r"^{fpid} +stat +0 {tmp}$"],
    },
    "syncsnoop": {
        "class": "runs",
        "workload": ["{helper} sync {work}/{uniq}.dat"],
        "stdout_regex": [
            r"^TIME      PID    COMM             EVENT$",
            TIME + r"  {pid} +{comm} +tracepoint:syscalls:sys_enter_fsync$",
            TIME + r"  {pid} +{comm} +tracepoint:syscalls:sys_enter_fdatasync$",
            # matched through the wildcard sys_enter_sync_file_range*
            TIME + r"  {pid} +{comm} +tracepoint:syscalls:sys_enter_sync_file_range$",
        ],
    },
    "syscount": {
        "class": "runs",
        # dd copies 1-byte blocks: 100000 reads (syscall 0) and 100000 writes (syscall 1).
        "workload": ["dd if=/dev/zero of=/dev/null bs=1 count=100000 status=none"],
        "stdout_regex": [r"^Counting syscalls\.\.\. Hit Ctrl-C to end\.$",
                         r"^Top 10 syscalls IDs:$", r"^Top 10 processes:$"],
        "values": [{"regex": r"^@syscall\[0\]: (\d+)$", "min": 100000},
                   {"regex": r"^@syscall\[1\]: (\d+)$", "min": 100000},
                   {"regex": r"^@process\[dd\]: (\d+)$", "min": 200000}],
    },
    "tcpdrop": {
        "class": "runs",
        # Only the headers are checked: no drop this tool reports can be provoked without
        # changing the network setup. It needs skb->sk to be an inet socket, but the receive
        # paths steal skb->sk before dropping and loopback orphans sent skbs. The workload
        # still makes the probe fire: UDP datagrams overflowing a receive buffer (reason
        # SOCKET_RCVBUFF, skb->sk NULL, so filtered out by the tool).
        "workload": ["{helper} udp_overflow"],
        "stdout_regex": [r"^Tracing tcp drops\. Hit Ctrl-C to end\.$",
                         r"^TIME     PID      COMM             SADDR:SPORT           "
                         r"DADDR:DPORT           STATE   $"],
    },
    "writeback": {
        "class": "runs",
        # Dirty pages then sync(1): the flusher writes back with reason "sync".
        "workload": ["dd if=/dev/urandom of={work}/{uniq}.dat bs=64k count=16 status=none",
                     "sync"],
        "stdout_regex": [r"^TIME      DEVICE   PAGES    REASON           ms$",
                         TIME + r"  \S+ +\d+ +sync +\d+\.\d{3}$"],
    },
    # ---- loads: the programs pass the verifier, attaching fails on this host ---------------
    "biolatency": {"class": "loads", "reason": KPROBES_OFF},
    "biosnoop": {"class": "loads", "reason": KPROBES_OFF},
    "biostacks": {"class": "loads", "reason": KPROBES_OFF},
    "capable": {"class": "loads", "reason": KPROBES_OFF},
    "dcsnoop": {
        "class": "loads", "reason": KPROBES_OFF,
        # Return probes are attached first and the others in reverse (so blocks on one event
        # run in script order): kretprobe:d_lookup fails first, as in 0.17.
        "attach_error": r"^ERROR: Error attaching probe: 'kretprobe:d_lookup'$",
    },
    "mdflush": {"class": "loads", "reason": KPROBES_OFF},
    "oomkill": {"class": "loads", "reason": KPROBES_OFF},
    "swapin": {"class": "loads", "reason": KPROBES_OFF},
    "tcpaccept": {"class": "loads", "reason": KPROBES_OFF},
    "tcpconnect": {"class": "loads", "reason": KPROBES_OFF},
    "tcplife": {"class": "loads", "reason": KPROBES_OFF},
    "tcpretrans": {"class": "loads", "reason": KPROBES_OFF},
    "tcpsynbl": {"class": "loads", "reason": KPROBES_OFF},
    "undump": {"class": "loads", "reason": KPROBES_OFF},
    "vfscount": {
        "class": "loads", "reason": KPROBES_OFF + " (only the wildcard kprobe:vfs_*: each match "
        "is skipped with a warning, then btc refuses to trace nothing; 0.17 runs on with BEGIN)",
        "stderr_regex": [r"^WARNING: could not attach probe kprobe:vfs_read, skipping\.$"],
        "attach_error": r"^ERROR: none of the \d+ attach points could be attached$",
    },
    "vfsstat": {
        # Its kprobes are five attach points of one probe: as in 0.17 each is skipped with a
        # warning (no kprobes here) and the tool runs on with BEGIN and interval:s:1, printing
        # a timestamp per second and no counts.
        "class": "runs",
        "stop_after_ms": 1500,
        "stderr_allow": [r"^WARNING: could not attach probe kprobe:vfs_\w+, skipping\.$"],
        "stderr_regex": [r"^WARNING: could not attach probe kprobe:vfs_fsync, skipping\.$"],
        "stdout_regex": [r"^Tracing key VFS calls\.\.\. Hit Ctrl-C to end\.$",
                         r"^\d\d:\d\d:\d\d$"],
    },
    "xfsdist": {"class": "loads", "reason": KPROBES_OFF},
    "threadsnoop": {
        "class": "loads",
        "reason": "glibc 2.36 moved pthread_create into libc: libpthread.so.0 is a stub "
                  "without it, so uprobe:libpthread:pthread_create cannot attach",
        "attach_error": r"^ERROR: Error attaching probe: 'uprobe:libpthread:pthread_create'$",
    },
    # ---- cannot run on this host ----------------------------------------------------------
    "loads": {
        "class": "start-fails-expected",
        "reason": "kaddr(\"avenrun\"): /proc/kallsyms lists text symbols only "
                  "(no CONFIG_KALLSYMS_ALL), and btc resolves kaddr where the tool starts",
        "start_error": r"ERROR: Failed to resolve kernel symbol: avenrun$",
    },
    "runqlen": {
        "class": "compile-fails-expected",
        "reason": "struct cfs_rq has no nr_running in 6.18's BTF (renamed nr_queued in 6.13); "
                  "bpftrace 0.17 fails the same way. Against a BTF that has the field it "
                  "compiles and then refuses to load here: tests/core renamed_field_runqlen",
        "compile_error": r"ERROR: Struct/union of type 'struct cfs_rq' does not contain a "
                         r"field named 'nr_running'",
    },
}
