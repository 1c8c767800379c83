#!/usr/bin/env python3
"""run_arm64.py: btc's aarch64 tools (btc --target aarch64) on a real arm64 kernel, under
qemu-system-aarch64 (TCG: the CPU is emulated, the kernel, its verifier, BPF JIT, kprobes,
fentry, tracepoints and uprobes are Debian 12's own arm64 ones).

Input:  the btc compiler (built with -DBTC_TARGETS="x86_64;aarch64"), the source tree.
Output: one line per case (`PASS name [6.1.0-57-arm64]`, `FAIL name (why)` with the guest's
        output, `SKIP ...`), then `N passed, N failed, N skipped`; exit 1 if a case failed.

Steps: `apt-get download` Debian's linux-image-arm64 (its versioned package) and
busybox-static for arm64 into the cache (never installed); compile each case's script with
`btc --target aarch64` and a static arm64 test program with aarch64-linux-gnu-gcc; write an
initramfs (busybox, /init, the tools); boot once; /init runs every case and prints its
output between markers on the serial console; check each case's lines here.

Usage: run_arm64.py --btc PATH/TO/btc [--cache DIR] [--workdir DIR]
"""

import argparse
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent
SRC = HERE.parent.parent
sys.path.insert(0, str(HERE))
from run_kernels import write_cpio  # noqa: E402

BOOT_TIMEOUT_S = 600
CAT = '-c "/bin/cat /etc/hostname"'

# name -> (script, tool arguments, environment, lines the output must contain (regex)).
# Each checks one of the target's conventions on the real kernel.
CASES: List[Tuple[str, str, str, str, List[str]]] = [
    ("begin_syscall_names",
     'BEGIN { printf("begin %s %s\\n", syscall_name(56), syscall_name(63)); exit(); }',
     "", "", [r"^begin openat read$"]),
    ("tracepoint_args",
     'tracepoint:syscalls:sys_enter_openat /comm == "cat"/ '
     '{ printf("tp %s\\n", str(args->filename)); }',
     CAT, "", [r"^tp /etc/hostname$"]),
    ("kprobe_args_fentry_twin",
     'kprobe:do_sys_openat2 /comm == "cat"/ { printf("dfd=%d\\n", (int32)arg0); }\n'
     'kretprobe:do_sys_openat2 /comm == "cat"/ { printf("ret=%d\\n", (int32)retval); }',
     CAT, "", [r"^dfd=-100$", r"^ret=3$"]),
    ("kprobe_args_registers",
     'kprobe:do_sys_openat2 /comm == "cat"/ { printf("dfd=%d\\n", (int32)arg0); }\n'
     'kretprobe:do_sys_openat2 /comm == "cat"/ { printf("ret=%d\\n", (int32)retval); }',
     CAT, "BTC_NO_FENTRY=1", [r"^dfd=-100$", r"^ret=3$"]),
    ("kprobe_reg_pc_sp",
     'kprobe:do_sys_openat2 /comm == "cat"/ '
     '{ printf("pc=%s sp=%d\\n", ksym(reg("pc")), reg("sp") > 0xffff000000000000); }',
     CAT, "BTC_NO_FENTRY=1", [r"^pc=do_sys_openat2 sp=1$"]),
    ("uprobe_args_retval_usermode",
     'uprobe:/t/prog:add { printf("add(%d, %d) usermode=%d\\n", arg0, arg1, usermode); }\n'
     'uretprobe:/t/prog:add { printf("add returned %d\\n", retval); }\n'
     'uprobe:/t/prog:nine { printf("sarg0=%d\\n", sarg0); }',
     "-c /t/prog", "", [r"^add\(40, 2\) usermode=1$", r"^add returned 42$", r"^sarg0=9$"]),
    ("usdt_operands",
     'usdt:/t/usdtprog:btc:probe { printf("usdt %d %lld %d\\n", arg0, arg1, arg2); }',
     "-c /t/usdtprog", "", [r"^usdt -42 77 -7$", r"^usdt 5 1234567890123 -7$"]),
    ("opensnoop",
     None, CAT, "", [r"^\d+\s+cat\s+3\s+0 /etc/hostname$"]),
]

# A static arm64 program: add() takes its arguments in x0/x1; nine() takes its ninth on the
# stack (x0..x7 hold the first eight).
PROG = r"""
#include <stdio.h>
#include <unistd.h>
__attribute__((noinline)) long add(long a, long b) { return a + b; }
__attribute__((noinline)) long nine(long a, long b, long c, long d, long e, long f, long g,
                                    long h, long i) { return a + b + c + d + e + f + g + h + i; }
int main(void) {
  usleep(300000);
  printf("%ld %ld\n", add(40, 2), nine(1, 2, 3, 4, 5, 6, 7, 8, 9));
  return 0;
}
"""

# A static arm64 program with a USDT probe whose operands gcc writes in arm64 syntax:
# a register ("-4@x0"), memory at a register plus offset ("8@[x1, 8]") and a constant ("-4@-7").
USDT_PROG = r"""
#include "btc_sdt.h"
#include <stdio.h>
#include <unistd.h>
struct pair { long a, b; };
struct pair g = {0, 1234567890123};
__attribute__((noinline)) void fire(int a, struct pair* p) {
  BTC_NOTE("btc", "probe", "0", "-4@%0 8@%1 -4@%2", "r"(a), "m"(p->b), "n"(-7));
}
int main(void) {
  usleep(300000);
  struct pair v = {0, 77};
  fire(-42, &v);
  fire(5, &g);
  puts("done");
  return 0;
}
"""


class Skip(Exception):
    pass


def print_case(status: str, name: str, why: str = "") -> None:
    print(f"{status} {name}" + (f" ({why})" if why else ""), flush=True)


def finish(passed: int, failed: int, skipped: int) -> int:
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


def run(argv: List[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def fetch(cache: Path, pkg: str) -> Path:
    """The arm64 package `pkg` (a meta-package resolves to its versioned one), extracted once."""
    proc = run(["apt-cache", "depends", f"{pkg}:arm64"])
    for line in proc.stdout.splitlines():
        m = re.match(r"\s*Depends:\s*(linux-image-[^\s:]+)", line)
        if m and pkg.startswith("linux-image"):
            pkg = m.group(1)
    root = cache / f"{pkg}-arm64"
    if not (root / ".extracted").exists():
        cache.mkdir(parents=True, exist_ok=True)
        debs = list(cache.glob(f"{pkg}_*_arm64.deb"))
        if not debs:
            proc = run(["apt-get", "download", f"{pkg}:arm64"], cwd=cache)
            debs = list(cache.glob(f"{pkg}_*_arm64.deb"))
            if proc.returncode != 0 or not debs:
                raise Skip(f"cannot download {pkg}:arm64 (dpkg --add-architecture arm64; "
                           f"network?): {proc.stderr.strip()[-300:]}")
        shutil.rmtree(root, ignore_errors=True)
        if run(["dpkg-deb", "-x", str(debs[0]), str(root)]).returncode != 0:
            raise Skip(f"dpkg-deb -x {debs[0]} failed")
        (root / ".extracted").write_text(debs[0].name + "\n")
    return root


def build(btc: str, work: Path) -> Dict[str, Tuple[int, bytes]]:
    """The initramfs files: busybox is added by the caller; the tools and the program."""
    files: Dict[str, Tuple[int, bytes]] = {}
    exe = stat.S_IFREG | 0o755
    prog_c = work / "prog.c"
    prog_c.write_text(PROG)
    proc = run(["aarch64-linux-gnu-gcc", "-static", "-O1", "-o", str(work / "prog"), str(prog_c)])
    if proc.returncode != 0:
        raise Skip(f"aarch64-linux-gnu-gcc failed: {proc.stderr.strip()[-300:]}")
    files["t/prog"] = (exe, (work / "prog").read_bytes())
    usdt_c = work / "usdtprog.c"
    usdt_c.write_text(USDT_PROG)
    proc = run(["aarch64-linux-gnu-gcc", "-static", "-O1", f"-I{SRC / 'tests' / 'targets'}",
                "-o", str(work / "usdtprog"), str(usdt_c)])
    if proc.returncode != 0:
        raise RuntimeError(f"aarch64-linux-gnu-gcc usdtprog.c failed: {proc.stderr}")
    files["t/usdtprog"] = (exe, (work / "usdtprog").read_bytes())
    for name, script, _, _, _ in CASES:
        source = SRC / "tools" / "opensnoop.bt" if script is None else work / f"{name}.bt"
        if script is not None:
            source.write_text(script + "\n")
        out = work / name
        proc = run([btc, "--target", "aarch64", str(source), "-o", str(out)])
        if proc.returncode != 0:
            if "built without the aarch64 runtime" in proc.stderr:
                raise Skip("this btc was built without the aarch64 runtime "
                           "(-DBTC_TARGETS=\"x86_64;aarch64\")")
            raise RuntimeError(f"btc --target aarch64 {name} failed:\n{proc.stderr}")
        files[f"t/{name}"] = (exe, out.read_bytes())
    return files


def init_script() -> str:
    lines = ["#!/bin/sh", "mount -t proc proc /proc", "mount -t sysfs sys /sys",
             "mount -t devtmpfs dev /dev", 'echo "@@BOOTED $(uname -r -m)"', "cd /t"]
    for name, _, args, env, _ in CASES:
        # The tool's output in a file of its own (-o): the -c child writes to the console.
        lines += [f'echo "@@CASE {name}"', f"{env} ./{name} -o /tmp/out {args} > /tmp/log 2>&1",
                  f'echo "@@RC $?"', "cat /tmp/out /tmp/log", f'echo "@@END {name}"']
    return "\n".join(lines + ["poweroff -f", ""])


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--btc", required=True)
    ap.add_argument("--cache", default=str(Path.home() / ".cache" / "btc" / "kernels"))
    ap.add_argument("--workdir")
    args = ap.parse_args(argv)
    names = [c[0] for c in CASES]
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="btc-arm64-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        qemu = shutil.which("qemu-system-aarch64")
        if not qemu:
            raise Skip("qemu-system-aarch64 is missing (package qemu-system-arm)")
        kernel_root = fetch(Path(args.cache), "linux-image-arm64")
        busybox_root = fetch(Path(args.cache), "busybox-static")
        files = build(args.btc, work)
    except Skip as e:
        for n in names:
            print_case("SKIP", n, str(e))
        return finish(0, 0, len(names))
    vmlinuz = next((kernel_root / "boot").glob("vmlinuz-*"))
    files["bin/busybox"] = (stat.S_IFREG | 0o755, (busybox_root / "bin" / "busybox").read_bytes())
    for applet in ["sh", "mount", "cat", "echo", "poweroff", "uname"]:
        files[f"bin/{applet}"] = (stat.S_IFLNK | 0o777, b"busybox")
    files["init"] = (stat.S_IFREG | 0o755, init_script().encode())
    files["etc/hostname"] = (stat.S_IFREG | 0o644, b"arm64-guest\n")
    for d in ["proc", "sys", "dev", "tmp"]:
        files[f"{d}/.keep"] = (stat.S_IFREG | 0o644, b"")
    initrd = work / "initrd.gz"
    write_cpio(files, initrd)

    started = time.monotonic()
    argv_q = [qemu, "-M", "virt", "-cpu", "max", "-accel", "tcg,thread=single", "-smp", "2",
              "-m", "1G", "-kernel", str(vmlinuz), "-initrd", str(initrd),
              "-append", "console=ttyAMA0 panic=-1 quiet", "-nographic", "-no-reboot",
              "-monitor", "none", "-serial", "stdio"]
    try:
        proc = subprocess.run(argv_q, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=BOOT_TIMEOUT_S)
        console = proc.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        console = (e.stdout or b"").decode(errors="replace") + "\n(qemu killed)\n"
    (work / "console.txt").write_text(console)
    booted = re.search(r"@@BOOTED (\S+)", console)
    kernel = booted.group(1) if booted else "no boot"
    print(f"boot of {vmlinuz.name}: {kernel}, {time.monotonic() - started:.0f} s "
          f"(console: {work / 'console.txt'})")
    passed = failed = 0
    for name, _, _, _, wanted in CASES:
        m = re.search(rf"@@CASE {name}\r?\n@@RC (\d+)\r?\n(.*?)@@END {name}", console, re.S)
        if not m:
            print_case("FAIL", f"{name} [{kernel}]", "no output from the guest")
            failed += 1
            continue
        out = m.group(2).replace("\r", "")
        missing = [w for w in wanted if not re.search(w, out, re.M)]
        if m.group(1) != "0" or missing:
            why = f"exit {m.group(1)}" + (f", missing {missing}" if missing else "")
            print_case("FAIL", f"{name} [{kernel}]", why)
            print("    " + out.replace("\n", "\n    "))
            failed += 1
        else:
            print_case("PASS", f"{name} [{kernel}]")
            passed += 1
    return finish(passed, failed, 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
