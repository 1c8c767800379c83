#!/usr/bin/env python3
"""workload.py: small, deterministic workloads for the Debian tool suite (run_debian_tools.py).

Input:  `workload.py ACTION [ARGS...]` (actions below), run as root while a tool is attached.
Output: `key=value` lines on stdout (pid, tid, comm, ...); the runner substitutes them into the
        tool's expected-output regexes as {key}. Exit status 0 when the workload did its job.

Every action does something a specific tool observes, in this process (so the tool's output
must name this pid and comm) unless noted.
"""

import ctypes
import ctypes.util
import os
import socket
import ssl
import sys
import threading
import time

LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
SYS_NANOSLEEP = 35  # x86_64


def say(**values) -> None:
    for key, value in values.items():
        print(f"{key}={value}")
    sys.stdout.flush()


def me() -> None:
    say(pid=os.getpid(), tid=threading.get_native_id(),
        comm=open("/proc/self/comm").read().strip())


def act_open(prefix: str) -> None:
    """opensnoop: one open that succeeds, one that fails with ENOENT."""
    me()
    with open(prefix + ".present", "w") as f:
        f.write("x")
    fd = os.open(prefix + ".present", os.O_RDONLY)
    os.close(fd)
    try:
        os.open(prefix + ".missing", os.O_RDONLY)
    except FileNotFoundError:
        pass


def act_kill() -> None:
    """killsnoop: signal 28 (SIGWINCH, ignored) to itself."""
    me()
    os.kill(os.getpid(), 28)


def act_nanosleep() -> None:
    """naptime: the nanosleep syscall itself (glibc's sleep functions use clock_nanosleep)."""
    me()
    ppid = os.getppid()
    say(ppid=ppid, pcomm=open(f"/proc/{ppid}/comm").read().strip())

    class Timespec(ctypes.Structure):
        _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]

    req = Timespec(0, 20_000_000)
    if LIBC.syscall(SYS_NANOSLEEP, ctypes.byref(req), None) != 0:
        sys.exit("nanosleep failed: " + os.strerror(ctypes.get_errno()))


def act_setuid() -> None:
    """setuids: setuid(0), setfsuid(4242) then back to 0, setresuid(0, 0, 0) (needs root)."""
    me()
    os.setuid(0)
    LIBC.setfsuid(4242)
    LIBC.setfsuid(0)
    os.setresuid(0, 0, 0)


def act_sync(path: str) -> None:
    """syncsnoop: fsync, fdatasync and sync_file_range on a file."""
    me()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"data")
    os.fsync(fd)
    os.fdatasync(fd)
    if LIBC.sync_file_range(fd, ctypes.c_long(0), ctypes.c_long(0), 0) != 0:
        sys.exit("sync_file_range failed: " + os.strerror(ctypes.get_errno()))
    os.close(fd)


def act_getaddrinfo() -> None:
    """gethostlatency: libc getaddrinfo("localhost")."""
    me()
    socket.getaddrinfo("localhost", None)


def linger(seconds: float) -> None:
    """Returns in a child that lives on for SECONDS in its own session after the command
    returned (so that a tool can still resolve its user symbols when it prints at exit); the
    parent waits for the child to finish its work, then exits."""
    done_r, done_w = os.pipe()
    child = os.fork()
    if child:
        os.close(done_w)
        os.read(done_r, 1)
        os._exit(0)
    os.close(done_r)
    os.setsid()

    def finish():
        sys.stdout.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.write(done_w, b"x")
        time.sleep(seconds)
        os._exit(0)

    import atexit
    atexit.register(finish)


def act_ssl_handshake(linger_s: str = "0") -> None:
    """sslsnoop/ssllatency: SSL_do_handshake on a client with no peer (returns -1, WANT_READ).
    With LINGER_S, the process stays alive that long after the command returned."""
    if float(linger_s) > 0:
        linger(float(linger_s))
    me()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    conn = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="localhost")
    try:
        conn.do_handshake()
    except ssl.SSLWantReadError:
        pass


def act_busy(seconds: str) -> None:
    """cpuwalk: spin on the last CPU for SECONDS."""
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    me()
    say(cpu=cpu)
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        pass


def act_pingpong(rounds: str) -> None:
    """runqlat: ROUNDS wakeups each way between this process and a child through pipes."""
    n = int(rounds)
    a_r, a_w = os.pipe()
    b_r, b_w = os.pipe()
    child = os.fork()
    if child == 0:
        for _ in range(n):
            os.read(a_r, 1)
            os.write(b_w, b"y")
        os._exit(0)
    me()
    for _ in range(n):
        os.write(a_w, b"x")
        os.read(b_r, 1)
    os.waitpid(child, 0)


def act_udp_overflow() -> None:
    """tcpdrop: 50 datagrams into a connected UDP socket with the smallest receive buffer."""
    me()
    rcv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rcv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    rcv.bind(("127.0.0.1", 0))
    snd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    snd.bind(("127.0.0.1", 0))
    rcv.connect(snd.getsockname())
    snd.connect(rcv.getsockname())
    for _ in range(50):
        snd.send(b"z" * 100)


ACTIONS = {
    "open": act_open, "kill": act_kill, "nanosleep": act_nanosleep, "setuid": act_setuid,
    "sync": act_sync, "getaddrinfo": act_getaddrinfo, "ssl_handshake": act_ssl_handshake,
    "busy": act_busy, "pingpong": act_pingpong,
    "udp_overflow": act_udp_overflow,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ACTIONS:
        sys.exit("usage: workload.py {%s} [ARGS]" % "|".join(ACTIONS))
    ACTIONS[sys.argv[1]](*sys.argv[2:])
