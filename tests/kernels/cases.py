"""cases.py: what the kernel suite runs on Debian 12's 6.1 kernel (run_kernels.py).

Each case is a dict:
  name          unique; also the tool's name in the guest (/tools/NAME)
  program       script compiled with `btc -e` on the host (with compile_args); or
  script        a .bt file of the repository compiled the same way; unless
  host_binary   "e2e:CASE" / "tools:NAME": the binary the host suite built (build/tests/e2e/
                work/CASE/CASE, build/tools/NAME), used as is when present and not older than
                btc and its runtime, else compiled here from the e2e case's own script (or
                `script`) the same way; or
  debian        NAME: /usr/sbin/NAME.bt, the binary tests/debian_tools built when present
  args, env     the tool's arguments and environment in the guest
  modules       kernel modules of the package the case needs (loaded by its setup with insmod
                from /modules, dependencies first)
  module_btf    MODULE: compile against the first kernel's own BTF and that module's
                (btc --btf, --module-btf), for fentry/rawtracepoint probes of the module
  setup, workload, cleanup
                busybox sh commands in the guest (before the tool; once it reports its probes
                attached; at the end). /bin/kload is tests/kernels/guest/kload.c; {progs}/uvalues
                is tests/targets/uvalues.c, at the same absolute path on the host (btc reads its
                DWARF) and in the guest; both static.
  stop          "exit" or {"signal": "INT"|"TERM", "after_ms": N} (default INT after 300 ms)
  timeout_s     the tool's limit after the workload (default 20)
  status, stdout_regex, stdout_not_regex, stderr_regex, stderr_not_regex, values
                as in tests/e2e/run_e2e.py (values: group 1 within min/max)
  background    a command started before the tool (killed at the end); "{bg_pid}" in args is
                its pid
  programs      {guest path: C source}: test programs built static at those paths (an e2e
                binary names its targets by their host path: {build}/tests/e2e/work/CASE/...)
  program_cflags
                cc flags for `programs` instead of -O0 -g -fno-omit-frame-pointer (-static is
                still needed)
  e2e_checks    true: the e2e case's status/stdout/stderr/values checks apply where this case
                sets none (the binary behaves on the guest as on the host)
  cpus          the vCPU counts it runs with (default: every boot)
  kernels       a regex on the kernel's name (6.1.0-57-amd64): the case runs on those only

CANNOT_RUN lists what neither kernel can run, and why.
"""

from pathlib import Path

DEBIAN_TOOLS_DIR = Path("/usr/sbin")

# Loads a module from /modules with the ones it depends on (run_kernels.py ships them).
INSMOD = "for m in {mods}; do insmod /modules/$m.ko {params} 2>/dev/null; done"

CASES = [
    # ---- kprobe / kretprobe: only verifier-loaded on the host (CONFIG_KPROBES is off there) --
    {
        "name": "kprobe_attach_error",
        "host_binary": "e2e:kprobe_attach_error",
        "workload": "kload read /proc/version 20",
        "values": [{"regex": r"^@: (\d+)$", "min": 20}, {"regex": r"^@r: (\d+)$", "min": 20}],
    },
    {
        "name": "kprobe_args_func",
        "program": 'kprobe:vfs_read /comm == "kload"/ { @[func] = count(); @size = max(arg2); '
                   '@fd_file = count(); }',
        "workload": "kload read /proc/version 20",
        "values": [{"regex": r"^@\[vfs_read\]: (\d+)$", "min": 20, "max": 20},
                   {"regex": r"^@size: (\d+)$", "min": 512, "max": 512}],
    },
    {
        "name": "kretprobe_retval",
        "program": 'kretprobe:vfs_read /comm == "kload"/ { @ret[retval] = count(); }',
        "setup": "printf hello > /tmp/five",
        "workload": "kload read /tmp/five 7",
        "values": [{"regex": r"^@ret\[5\]: (\d+)$", "min": 7, "max": 7}],
    },
    {
        # The host's case that attaches none of vfs_rea*: here all of them attach.
        "name": "kprobe_wildcard_none_attached",
        "host_binary": "e2e:kprobe_wildcard_none_attached",
        "workload": "kload read /proc/version 3",
        "stdout_regex": [r"^Attaching \d+ probes\.\.\.$"],
        "stderr_not_regex": [r"WARNING", r"ERROR"],
        "values": [{"regex": r"^@: (\d+)$", "min": 3}],
    },
    {
        "name": "kprobe_wildcard_probe",
        "program": 'kprobe:vfs_rea* /comm == "kload"/ { @[probe] = count(); }',
        "workload": "kload read /proc/version 9",
        "values": [{"regex": r"^@\[kprobe:vfs_read\]: (\d+)$", "min": 9, "max": 9}],
        "stdout_regex": [r"^Attaching \d+ probes\.\.\.$"],
    },
    {
        "name": "kprobe_reg_sarg",
        "program": 'kprobe:vfs_read /comm == "kload"/ { @dx = max(reg("dx")); @di_is_arg0 = '
                   'count(); $s = sarg0; @s = count(); if (reg("di") != arg0) { @bad = count(); } }',
        "workload": "kload read /proc/version 4",
        # A scalar count() that never ran prints 0, as in 0.17.
        "values": [{"regex": r"^@dx: (\d+)$", "min": 512, "max": 512},
                   {"regex": r"^@s: (\d+)$", "min": 4, "max": 4},
                   {"regex": r"^@bad: (\d+)$", "max": 0}],
    },
    {
        "name": "kprobe_stacks",
        # -c: the child's mappings are kept (it lives long enough for the tool to read them), so
        # its stack is symbolized after it exits.
        "program": 'kprobe:vfs_read /comm == "kload"/ { @k[kstack] = count(); @u[ustack] = count(); }',
        "args": ["-c", "/bin/kload read /proc/version 3 500"],
        "stop": "exit",
        "stdout_regex": [r"^\s+vfs_read\+\d+$", r"^\s+ksys_read\+\d+$", r"^\s+read\+\d+$",
                         r"^\s+main\+\d+$"],
    },
    {
        "name": "kprobe_ctx_loads",
        "host_binary": "e2e:kprobe_ctx_loads",
        "workload": "kload read /proc/version 2",
        "stdout_regex": [r"^\{ \.r15 = -?\d+, .*\.di = -?\d+, .*\}$", r"^@\[1, -?\d+\]: \d+$"],
    },
    {
        "name": "kprobe_user_pointer_loads",
        "host_binary": "e2e:kprobe_user_pointer_loads",
        "setup": "printf hello > /tmp/five",
        "workload": "kload read /tmp/five 3",
        "values": [{"regex": r"^@f\[/tmp/five\]: (\d+)$", "min": 3}],
        "stdout_regex": [r"^@\[/tmp/five\]: \d+$"],
    },
    {
        # +5: past the 5-byte ftrace call that opens every traced function of a kernel without
        # IBT (6.1): an ordinary int3 kprobe. `func` still names the function.
        "name": "kprobe_offset",
        "program": 'kprobe:vfs_read+5 /comm == "kload"/ { @[func] = count(); }',
        "kernels": r"^6\.1\.",
        "workload": "kload read /proc/version 4",
        "stdout_regex": [r"^@\[vfs_read\]: 4$"],
    },
    {
        # With IBT (6.12) a 4-byte endbr64 comes first: the first ordinary instruction is at +9.
        "name": "kprobe_offset_ibt",
        "program": 'kprobe:vfs_read+9 /comm == "kload"/ { @[func] = count(); }',
        "kernels": r"^6\.12\.",
        "workload": "kload read /proc/version 4",
        "stdout_regex": [r"^@\[vfs_read\]: 4$"],
    },
    {
        # +1 lands inside that call: the kernel refuses, the tool says so at the probe.
        "name": "kprobe_offset_not_an_instruction",
        "program": 'kprobe:vfs_read+1 { @ = count(); }',
        "stop": "exit",
        "status": 1,
        "stderr_regex": [r"kprobe:vfs_read\+1"],
    },
    # ---- kfunc / kretfunc (fentry / fexit) ---------------------------------------------------
    {
        "name": "kfunc_attach_error",
        "host_binary": "e2e:kfunc_attach_error",
        "workload": "kload read /proc/version 6",
        "values": [{"regex": r"^@\[kload, 512\]: (\d+)$", "min": 6, "max": 6}],
        "stdout_regex": [r"^@r: $"],
    },
    {
        # The host's -v case: there "attaching as nothing"; here fentry works.
        "name": "kfunc_attach_error_verbose",
        "host_binary": "e2e:kfunc_attach_error_verbose",
        "args": ["-v"],
        "workload": "kload read /proc/version 2",
        "stderr_regex": [r"^kretfunc:vfs_read: attaching as fexit$"],
        "stdout_regex": [r"^\d+ vfs_read$"],
    },
    {
        "name": "kfunc_args_retval_path",
        # path() (bpf_d_path) is allowed in a few functions only: security_file_open is one.
        "program": 'kfunc:vfs_read /comm == "kload"/ { @count = max(args->count); } '
                   'kfunc:security_file_open /comm == "kload"/ { '
                   '@path[path(args->file->f_path)] = count(); } kretfunc:vfs_read /comm == '
                   '"kload"/ { @ret[retval] = count(); @f[func] = count(); '
                   '@name[str(args->file->f_path.dentry->d_name.name)] = count(); }',
        "setup": "printf hello > /tmp/five",
        "workload": "kload read /tmp/five 4",
        "values": [{"regex": r"^@count: (\d+)$", "min": 512, "max": 512},
                   {"regex": r"^@ret\[5\]: (\d+)$", "min": 4, "max": 4},
                   {"regex": r"^@path\[/tmp/five\]: (\d+)$", "min": 4, "max": 4}],
        "stdout_regex": [r"^@f\[vfs_read\]: 4$", r"^@name\[five\]: 4$"],
    },
    {
        "name": "socket_cookie",
        # socket_cookie() (0.26) on fentry's BTF-typed args.sk (bpf_get_socket_cookie): a
        # non-zero cookie for each of the three connecting sockets.
        "program": 'fentry:tcp_connect /comm == "kload"/ { '
                   'printf("cookie %lu\\n", socket_cookie(args.sk)); }',
        "workload": "kload tcp 8093 3",
        "values": [{"regex": r"^cookie (\d+)$", "min": 1, "max": 2**64 - 1, "count": 3}],
    },
    {
        "name": "percpu_kaddr",
        # percpu_kaddr() (0.26): typed ksyms of per-CPU variables (Debian's kernels list data
        # symbols in kallsyms; the host's does not). runqueues of CPU 0 and of this CPU know
        # their CPU number; process_counts (forks on this CPU) is not zero.
        "program": 'BEGIN { $r0 = (struct rq *)percpu_kaddr("runqueues", 0); '
                   '$me = (struct rq *)percpu_kaddr("runqueues"); '
                   '$n = percpu_kaddr("process_counts"); '
                   'printf("cpu %d this %d==%d procs %d\\n", $r0->cpu, $me->cpu, cpu, *$n > 0); '
                   'exit(); }',
        "stop": "exit",
        "stdout_regex": [r"^cpu 0 this (\d+)==\1 procs 1$"],
    },
    {
        "name": "write_user",
        # write_user() (0.26, unsafe; bpf_probe_write_user, which this host's locked-down
        # kernel refuses): cat's openat path is rewritten before the kernel reads it, so cat
        # prints the other file.
        "program": 'tracepoint:syscalls:sys_enter_openat /comm == "cat" && '
                   'str(args.filename) == "/tmp/wu_aaaa.txt"/ { $new = "/tmp/wu_bbbb.txt"; '
                   'if (write_user(args.filename, $new, 17)) { '
                   'printf("now %s\\n", str(args.filename)); } }',
        "compile_args": ["--unsafe"],
        "setup": "echo original > /tmp/wu_aaaa.txt; echo redirected > /tmp/wu_bbbb.txt",
        "workload": "cat /tmp/wu_aaaa.txt > /tmp/wu_out.txt; cat /tmp/wu_out.txt",
        "stdout_regex": [r"^now /tmp/wu_bbbb\.txt$"],
    },
    {
        # The e2e suite's kfunc_object.bt, checked there as an object only: CO-RE reads through
        # args->file, a kretfunc with retval and args, a kfunc wildcard (vfs_readv*).
        "name": "kfunc_object_runs",
        "script": "tests/e2e/cases/kfunc_object.bt",
        "setup": "printf hello > /tmp/five",
        "workload": "kload read /tmp/five 3; kload readv /tmp/five 2",
        # The first `func` printed loads /proc/kallsyms (slow under emulation, and its own
        # reads are events); a stop signal drops what is still queued, as in 0.17.
        "stop": {"signal": "INT", "after_ms": 5000},
        "stdout_regex": [r"^vfs_read 512$"],
        "values": [{"regex": r"^@v: (\d+)$", "min": 2},
                   {"regex": r"^\[4, 8\) +(\d+) \|", "min": 3}],
    },
    # ---- the kprobe <-> fentry fallback, forced each way by the tool's test knobs ------------
    {
        "name": "kprobe_falls_back_to_fentry",
        "program": 'kprobe:vfs_read /comm == "kload"/ { @[arg2] = count(); } '
                   'kretprobe:vfs_read /comm == "kload"/ { @r = count(); }',
        "args": ["-v"],
        "env": {"BTC_NO_KPROBES": "1"},
        "workload": "kload read /proc/version 5",
        "stderr_regex": [r"^kprobe:vfs_read: attaching as fentry$",
                         r"^kretprobe:vfs_read: attaching as fexit$"],
        "values": [{"regex": r"^@\[512\]: (\d+)$", "min": 5, "max": 5},
                   {"regex": r"^@r: (\d+)$", "min": 5, "max": 5}],
    },
    {
        "name": "kprobe_prefers_kprobe",
        "program": 'kprobe:vfs_read /comm == "kload"/ { @[arg2] = count(); }',
        "args": ["-v"],
        "workload": "kload read /proc/version 5",
        "stderr_regex": [r"^kprobe:vfs_read: attaching as kprobe$"],
        "values": [{"regex": r"^@\[512\]: (\d+)$", "min": 5, "max": 5}],
    },
    {
        "name": "kfunc_falls_back_to_kprobe",
        "program": 'kfunc:vfs_read /comm == "kload"/ { @[args->count] = count(); } '
                   'kretfunc:vfs_read /comm == "kload"/ { @r = count(); }',
        "args": ["-v"],
        "env": {"BTC_NO_FENTRY": "1"},
        "workload": "kload read /proc/version 5",
        "stderr_regex": [r"^kfunc:vfs_read: attaching as kprobe$",
                         r"^kretfunc:vfs_read: attaching as kretprobe$"],
        "values": [{"regex": r"^@\[512\]: (\d+)$", "min": 5, "max": 5},
                   {"regex": r"^@r: (\d+)$", "min": 5, "max": 5}],
    },
    {
        "name": "kfunc_prefers_fentry",
        "program": 'kfunc:vfs_read /comm == "kload"/ { @[args->count] = count(); }',
        "args": ["-v"],
        "workload": "kload read /proc/version 5",
        "stderr_regex": [r"^kfunc:vfs_read: attaching as fentry$"],
        "values": [{"regex": r"^@\[512\]: (\d+)$", "min": 5, "max": 5}],
    },
    {
        # The kernel as a tool sees one built without CONFIG_DEBUG_INFO_BTF (sysfs BTF hidden
        # under a tmpfs), its BTF from a file instead: CO-RE relocations use BPFTRACE_BTF;
        # fentry needs the kernel's own BTF, so the kfunc probe takes its kprobe twin.
        "name": "kernel_btf_from_file",
        "program": 'kfunc:vfs_read /comm == "kload"/ { @[args->count] = count(); } '
                   'tracepoint:syscalls:sys_enter_getppid { printf("%d %s\\n", '
                   'curtask->tgid == pid, curtask->comm); }',
        "args": ["-v"],
        "env": {"BPFTRACE_BTF": "/tmp/vmlinux.btf"},
        "setup": "cp /sys/kernel/btf/vmlinux /tmp/vmlinux.btf && mount -t tmpfs none /sys/kernel/btf",
        "workload": "kload read /proc/version 5; sh -c 'echo $PPID' > /dev/null",
        "cleanup": "umount /sys/kernel/btf",
        "stderr_regex": [r"^kfunc:vfs_read: attaching as kprobe"],
        "stdout_regex": [r"^1 sh$"],
        "values": [{"regex": r"^@\[512\]: (\d+)$", "min": 5, "max": 5}],
    },
    # ---- a module's function: null_blk from the package, loaded with insmod ------------------
    {
        "name": "kprobe_module_function",
        "program": 'kprobe:null_blk:null_queue_rq { @[comm] = count(); } '
                   'kprobe:null_queue_rq { @plain = count(); }',
        "modules": ["null_blk"],
        "setup": INSMOD.format(mods="configfs null_blk", params="nr_devices=1"),
        "workload": "dd if=/dev/zero of=/dev/nullb0 bs=4k count=10 oflag=direct",
        # (the requests are issued by dd or by a kworker, depending on the CPU shape)
        "values": [{"regex": r"^@\[[^\]]+\]: (\d+)$", "min": 1},
                   {"regex": r"^@plain: (\d+)$", "min": 10}],
    },
    {
        "name": "fentry_module_function",
        # fentry:MODULE:FN (0.26): compiled against the 6.1 kernel's own BTF and null_blk's
        # (module_btf: btc --btf, --module-btf; the host has no modules); args.bd is typed from
        # the module's prototype, the tool finds the function in the module's BTF object and
        # attaches as fentry. Ten 4 KiB direct writes are at least 40960 bytes of requests.
        "program": 'fentry:null_blk:null_queue_rq { @bytes = sum(args.bd->rq->__data_len); }',
        "module_btf": "null_blk",
        "args": ["-v"],
        "modules": ["null_blk"],
        "setup": INSMOD.format(mods="configfs null_blk", params="nr_devices=1"),
        "workload": "dd if=/dev/zero of=/dev/nullb0 bs=4k count=10 oflag=direct",
        "stderr_regex": [r"^kfunc:null_blk:null_queue_rq: attaching as fentry$"],
        "values": [{"regex": r"^@bytes: (\d+)$", "min": 40960}],
    },
    {
        "name": "rawtracepoint_module_args",
        # rawtracepoint:MODULE:NAME with args from the module's BTF (btf_trace_nullb_zone_op):
        # writes to a zoned null_blk device trace their zone (0) and its condition.
        "program": 'rawtracepoint:null_blk:nullb_zone_op { @[args.zone_no, args.zone_cond] = '
                   'count(); }',
        "module_btf": "null_blk",
        "modules": ["null_blk"],
        # (an earlier case loaded null_blk without zones: unload it first)
        "setup": "rmmod null_blk 2>/dev/null; " +
                 INSMOD.format(mods="configfs null_blk", params="nr_devices=1 zoned=1"),
        "cleanup": "rmmod null_blk 2>/dev/null",
        "workload": "dd if=/dev/zero of=/dev/nullb0 bs=4k count=4 oflag=direct",
        "values": [{"regex": r"^@\[0, \d+\]: (\d+)$", "min": 1}],
    },
    # ---- Debian's kprobe tools (only verifier-loaded on the host), each with a workload -------
    {
        "name": "debian_vfscount",
        "debian": "vfscount",
        "workload": "kload read /proc/version 5",
        "values": [{"regex": r"^@\[vfs_read\]: (\d+)$", "min": 5}],
    },
    {
        "name": "debian_capable",
        "debian": "capable",
        "setup": "printf x > /tmp/owned",
        "workload": "chown 1:1 /tmp/owned; mknod /tmp/fifo p",
        "stdout_regex": [r"^TIME\s+UID\s+PID\s+COMM\s+CAP\s+NAME\s+AUDIT$",
                         r"\bchown\s+0\s+CAP_CHOWN\s+\d$"],
    },
    {
        "name": "debian_dcsnoop",
        "debian": "dcsnoop",
        "workload": "ls /sys/kernel/tracing/events/sched > /dev/null",
        "stdout_regex": [r"^\d+\s+\d+\s+ls\s+[RM]\s+\S+"],
    },
    {
        "name": "debian_tcpconnect",
        "debian": "tcpconnect",
        "workload": "kload tcp 8080 3",
        "values": [{"regex": r"^[\d:]+\s+\d+\s+kload\s+127\.0\.0\.1\s+\d+\s+127\.0\.0\.1\s+(8080)\s*$",
                    "count": 3}],
    },
    {
        "name": "debian_tcpaccept",
        "debian": "tcpaccept",
        "workload": "kload tcp 8081 3",
        "values": [{"regex": r"\bkload\s+127\.0\.0\.1\s+\d+\s+127\.0\.0\.1\s+(8081)\s", "count": 3}],
    },
    {
        "name": "debian_tcplife",
        "debian": "tcplife",
        "workload": "kload tcp 8082 3",
        "values": [{"regex": r"\bkload\s+127\.0\.0\.1\s+\d+\s+127\.0\.0\.1\s+(8082)\b", "count": 3}],
    },
    {
        "name": "debian_tcpsynbl",
        "debian": "tcpsynbl",
        "workload": "kload tcp 8083 4",
        "stdout_regex": [r"^@backlog\[16\]: $"],
        "values": [{"regex": r"^\[0\]\s+(\d+) \|", "min": 4}],
    },
    {
        "name": "debian_undump",
        "debian": "undump",
        "workload": "kload unix 3",
        "values": [{"regex": r"^[\d:]+\s+kload\s+\d+\s+(64)\s+[abc]{64}$", "count": 3}],
    },
    {
        "name": "debian_oomkill",
        "debian": "oomkill",
        # A 16 MiB cgroup without swap: kload touching 64 MiB is killed by the OOM killer.
        "setup": "echo +memory > /sys/fs/cgroup/cgroup.subtree_control; mkdir -p "
                 "/sys/fs/cgroup/hog; echo 16M > /sys/fs/cgroup/hog/memory.max; "
                 "echo 0 > /sys/fs/cgroup/hog/memory.swap.max",
        "workload": "sh -c 'echo $$ > /sys/fs/cgroup/hog/cgroup.procs; exec kload hog 64'; true",
        "stdout_regex": [r'OOM kill of PID \d+ \("kload"\), \d+ pages, loadavg: '],
    },
    {
        "name": "debian_swapin",
        "debian": "swapin",
        "kernels": r"^6\.1\.",
        # Swap on a RAM disk (brd) and a 16 MiB cgroup: 48 MiB touched twice swaps back in.
        "modules": ["brd"],
        "setup": INSMOD.format(mods="brd", params="rd_nr=1 rd_size=131072") +
                 "; mkswap /dev/ram0 && swapon /dev/ram0; "
                 "echo +memory > /sys/fs/cgroup/cgroup.subtree_control; mkdir -p "
                 "/sys/fs/cgroup/swap; echo 16M > /sys/fs/cgroup/swap/memory.max",
        "workload": "sh -c 'echo $$ > /sys/fs/cgroup/swap/cgroup.procs; exec kload hog 48'",
        "stop": {"signal": "INT", "after_ms": 1500},
        "cleanup": "swapoff /dev/ram0",
        "values": [{"regex": r"^@\[kload, \d+\]: (\d+)$", "min": 1}],
    },
    {
        # 6.10 renamed swap_readpage (swap_read_folio): the tool cannot attach on 6.12 and
        # says why at the probe, with 0.17's warning, before the attach error.
        "name": "debian_swapin_renamed",
        "debian": "swapin",
        "kernels": r"^6\.12\.",
        "stop": "exit",
        "status": 1,
        "stderr_regex": [r"^/usr/sbin/swapin\.bt:\d+:\d+-\d+: WARNING: swap_readpage is not "
                         r"traceable \(either non-existing, inlined, or marked as \"notrace\"\)",
                         r"^ERROR: Error attaching probe: 'kprobe:swap_readpage'$"],
    },
    {
        # The converse for kfunc: swap_read_folio is in the build host's BTF (6.18) but not in
        # 6.1's; the tool refuses at the probe instead of tracing nothing.
        "name": "kfunc_missing_function",
        "program": 'kfunc:swap_read_folio { @ = count(); }',
        "kernels": r"^6\.1\.",
        "stop": "exit",
        "status": 1,
        "stderr_regex": [r"swap_read_folio"],
    },
    {
        "name": "debian_tcpretrans",
        "debian": "tcpretrans",
        # A SYN into a dummy interface is never answered: the kernel retransmits it after 1 s.
        "modules": ["dummy"],
        "setup": INSMOD.format(mods="dummy", params="") + "; ip link add d0 type dummy; "
                 "ip addr add 10.9.0.1/24 dev d0; ip link set d0 up",
        "workload": "kload syn 10.9.0.2 80",
        "stdout_regex": [r"\b10\.9\.0\.1:\d+\s+10\.9\.0\.2:80\s+SYN_SENT$"],
    },
    # On 6.1 blk_account_io_start is inlined and blk_account_io_done cannot take a kprobe:
    # biosnoop and biolatency attach nothing and say so (0.17 warns and runs tracing nothing,
    # docs/compat.md); biostacks attaches its other probes and reports nothing.
    {
        "name": "debian_biosnoop",
        "debian": "biosnoop",
        "status": 1,
        "stderr_regex": [r"^WARNING: could not attach probe kprobe:blk_account_io_start, skipping\.$",
                         r"^ERROR: none of the 4 attach points could be attached$"],
    },
    {
        "name": "debian_biolatency",
        "debian": "biolatency",
        "status": 1,
        "stderr_regex": [r"^WARNING: could not attach probe kprobe:blk_account_io_done, skipping\.$",
                         r"^ERROR: none of the 4 attach points could be attached$"],
    },
    {
        "name": "debian_biostacks",
        "debian": "biostacks",
        "modules": ["null_blk"],
        "setup": INSMOD.format(mods="configfs null_blk", params="nr_devices=1"),
        "workload": "dd if=/dev/zero of=/dev/nullb0 bs=4k count=10 oflag=direct",
        "stdout_regex": [r"^Tracing block I/O with init stacks\. Hit Ctrl-C to end\.$"],
        "stderr_regex": [r"^WARNING: could not attach probe kprobe:blk_account_io_start, skipping\.$"],
    },
    # ---- bpftrace v0.26.1's kprobe tools (tests/bpftrace_tools; only verifier-loaded on the
    # host): let, `.` through pointers, ntop(AF_INET, ...), constprop wildcards ----------------
    {
        "name": "v026_tcpconnect",
        "script": "tests/bpftrace_tools/v0.26.1/tcpconnect.bt",
        "workload": "kload tcp 8090 3",
        "values": [{"regex": r"^[\d:]+\s+\d+\s+kload\s+127\.0\.0\.1\s+\d+\s+127\.0\.0\.1\s+(8090)\s*$",
                    "count": 3}],
    },
    {
        "name": "v026_tcplife",
        "script": "tests/bpftrace_tools/v0.26.1/tcplife.bt",
        "workload": "kload tcp 8091 3",
        "values": [{"regex": r"\bkload\s+127\.0\.0\.1\s+\d+\s+127\.0\.0\.1\s+(8091)\b", "count": 3}],
    },
    {
        "name": "v026_capable",
        "script": "tests/bpftrace_tools/v0.26.1/capable.bt",
        "setup": "printf x > /tmp/owned26",
        "workload": "chown 1:1 /tmp/owned26",
        "stdout_regex": [r"^TIME\s+UID\s+PID\s+COMM\s+CAP\s+NAME\s+AUDIT$",
                         r"\bchown\s+0\s+CAP_CHOWN\s+\d$"],
    },
    {
        "name": "v026_vfscount",
        "script": "tests/bpftrace_tools/v0.26.1/vfscount.bt",
        "workload": "kload read /proc/version 5",
        "values": [{"regex": r"^@\[vfs_read\]: (\d+)$", "min": 5}],
    },
    {
        "name": "v026_dcsnoop",
        "script": "tests/bpftrace_tools/v0.26.1/dcsnoop.bt",
        "workload": "ls /sys/kernel/tracing/events/sched > /dev/null",
        "stdout_regex": [r"^\d+\s+\d+\s+ls\s+[RM]\s+\S+"],
    },
    # ---- the same binaries as on the host: tracepoints, intervals, CO-RE reads, bundled tools -
    {
        "name": "interval_ms_exit",
        "host_binary": "e2e:interval_ms_exit",
        "stop": "exit",
        "values": [{"regex": r"^@ticks: (\d+)$", "min": 3, "max": 6}],
    },
    {
        "name": "lhist_tracepoint",
        "host_binary": "e2e:lhist_tracepoint",
        "workload": "dd if=/dev/zero bs=512 count=50 of=/dev/null 2>/dev/null",
        "values": [{"regex": r"^\[512, 768\) +(\d+) \|@+\|$", "min": 50}],
    },
    {
        "name": "opensnoop_tool",
        "host_binary": "tools:opensnoop",
        "script": "tools/opensnoop.bt",
        "setup": "printf x > /tmp/opened_here",
        "workload": "cat /tmp/opened_here > /dev/null",
        "stdout_regex": [r"\bcat\b.*/tmp/opened_here"],
    },
    {
        "name": "curtask_core",
        "program": 'tracepoint:syscalls:sys_enter_getppid { printf("%d %d %s\\n", '
                   'curtask->tgid == pid, curtask->real_parent->tgid > 0, curtask->comm); exit(); }',
        "workload": "kload read /proc/version 1; sh -c 'echo $PPID' > /dev/null",
        "stop": "exit",
        "stdout_regex": [r"^1 1 \S+$"],
    },
    {
        "name": "profile_cpu",
        "host_binary": "e2e:profile_cpu",
        "workload": "kload spin 400",
        "e2e_checks": True,
    },
    {
        "name": "software_all_events",
        "host_binary": "e2e:software_all_events",
        "workload": "dd if=/dev/zero of=/dev/null bs=1M count=200 2>/dev/null",
        "stop": "exit",
        "e2e_checks": True,
    },
    {
        # curtask chains through BTF (CO-RE against 6.1's and 6.12's task_struct): the
        # background kload calls getppid; its parent is this case's shell.
        "name": "curtask_fields",
        "host_binary": "e2e:curtask_fields",
        "background": "kload ppid 200 20",
        "args": ["{bg_pid}"],
        "stop": "exit",
        "stdout_regex": [r"^pid=\d+ tid_match=1 parent=\d+$", r"^comm=kload parent_comm=sh$",
                         r"^@\[sh\]: 1$"],
    },
    # ---- user space on the guest kernel -----------------------------------------------------
    {
        # The host's usdt case: its target at the path the binary names (built static here).
        "name": "usdt_args",
        "host_binary": "e2e:usdt_args",
        "programs": {"{build}/tests/e2e/work/usdt_args/usdt_target": "tests/e2e/cases/usdt_target.c"},
        "workload": "{build}/tests/e2e/work/usdt_args/usdt_target 2",
        "e2e_checks": True,
    },
    {
        "name": "uprobe_args",
        "host_binary": "e2e:uprobe_args",
        "programs": {"{build}/tests/e2e/work/uprobe_args/utarget": "tests/e2e/cases/uprobe_target.c"},
        "background": "{build}/tests/e2e/work/uprobe_args/utarget 100",
        "workload": "sleep 0.5",
        "stop": {"signal": "INT", "after_ms": 100},
        "e2e_checks": True,
    },
    {
        "name": "dw_ustack",
        # dw_ustack's BPF unwinder (bpf_loop, bpf_find_vma, bpf_task_pt_regs) through the
        # verifiers of the older kernels: a static program without frame pointers, its
        # .eh_frame read from the -c command's file.
        "program": 'uprobe:/opt/unwind:leaf { printf("%s", dw_ustack); @n = len(dw_ustack); '
                   'exit(); }',
        "programs": {"/opt/unwind": "tests/targets/unwind.c"},
        "program_cflags": ["-O2", "-g", "-static", "-fomit-frame-pointer"],
        "args": ["-c", "/opt/unwind 1 linger"],
        "stop": "exit",
        "stdout_regex": [r"^\s+leaf\+0\n\s+middle\+\d+\n\s+outer\+\d+\n\s+main\+\d+\n"],
        "values": [{"regex": r"^@n: (\d+)$", "min": 5}],
    },
    {
        "name": "uprobe_dwarf_usdt",
        "program": 'uprobe:{progs}/uvalues:take_str { printf("%s %d\\n", str(args->s), args->n); } '
                   'usdt:{progs}/uvalues:uvalues:twice { @[arg0] = count(); } '
                   'uretprobe:{progs}/uvalues:ret_int { printf("ret %d\\n", retval); }',
        "args": ["-c", "{progs}/uvalues"],
        "stop": "exit",
        "stdout_regex": [r"^hello 5$", r"^ret -42$", r"^@\[1\]: 1$", r"^@\[2\]: 1$",
                         r"^Attaching 4 probes\.\.\.$"],
    },
]

CANNOT_RUN = {
    "debian_mdflush": "needs an md array: creating one takes mdadm, which the guest lacks",
    "debian_xfsdist": "needs an XFS file system: mkfs.xfs is on neither the host nor the guest",
    "debian_threadsnoop": "probes pthread_create in libpthread.so.0, which glibc 2.36 no longer "
                          "defines there (the guest has no glibc at all)",
    "override": "override() needs CONFIG_BPF_KPROBE_OVERRIDE, which neither this host's 6.18 "
                "nor Debian's 6.1 and 6.12 set (e2e regs_override_rejected checks the refusal)",
}
