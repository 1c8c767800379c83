#!/usr/bin/env python3
"""run_kernels.py: btc's tools on other, real kernels under qemu (Debian 12's 6.1 and 6.12).

Input:  the btc compiler, the build directory (the host suites' compiled tools), the case table
        cases.py, the guest files in guest/.
Output: per kernel and CPU shape, one line per case (`PASS name [6.1.0-57-amd64 1cpu] (sha)`,
        `FAIL ... (why)` with the tool's output, `SKIP ... (why)`), then `N passed, N failed,
        N skipped`. Exit status 1 if a case failed; 0 when everything is skipped (no qemu, no
        package registry).

Steps:
  1. each kernel package: `apt-get download` into the cache (never installed on the host),
     extracted once; its vmlinuz, and the modules the cases need with their dependencies;
  2. each case's tool: the host suite's own binary when that suite built it (build/tests/e2e/
     work, build/tests/debian_tools/work, build/tools), else compiled here with the same btc and
     the host's BTF: one build for every kernel, never rebuilt for a guest;
  3. static test programs (cc -static) and an initramfs (busybox-static, /init, the runner
     library, the tools, one run.sh per case) written by this script as a newc cpio;
  4. qemu boots each kernel once per CPU shape (1 vCPU with 4 possible; 2 vCPUs), /init runs
     the cases and prints each result between @@ markers (outputs base64-encoded) on the serial
     console, then powers off; the results are checked here like the e2e suite's.

Usage: run_kernels.py --btc PATH/TO/btc --build-dir BUILD [--cache DIR] [--workdir DIR]
                      [--cpus 1,2] [--kernel-package PKG]... [--kernel-image BZIMAGE]...
                      [--modules DIR] [-k PATTERN]
Default kernels: Debian 12's linux-image-amd64 (6.1) and linux-image-6.12-amd64. More:
docs/testing.md.
"""

import argparse
import ast
import base64
import gzip
import hashlib
import lzma
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "e2e"))
from suite_report import finish, print_case  # noqa: E402
from run_e2e import check_values  # noqa: E402
from cases import CASES, CANNOT_RUN, DEBIAN_TOOLS_DIR  # noqa: E402

# Debian 12's own kernel (the meta-package depends on linux-image-6.1.0-N-amd64) and the 6.12
# it also carries (bookworm-security): 6.12 has IBT, compressed modules and renamed functions.
# 6.12 boots with 2 vCPUs only: with `-smp 1,maxcpus=4` it reports one possible CPU, so that
# boot would repeat the 2-vCPU one without the possible-vs-online shape.
DEFAULT_KERNELS = {"linux-image-amd64": [1, 2], "linux-image-6.12-amd64": [2]}
BOOT_TIMEOUT_S = 480
# Quiet (kernel messages would interleave with the results on the console); a soft lockup
# panics and powers off at once (-no-reboot) instead of hanging until BOOT_TIMEOUT_S.
KERNEL_CMDLINE = ["console=ttyS0", "quiet",
                  f"loglevel={os.environ.get('BTC_KERNELS_LOGLEVEL', '1')}", "panic=-1",
                  "softlockup_panic=1", "rdinit=/init"]
COMPILE_TIMEOUT_S = 120
CC_FLAGS = ["-O0", "-g", "-static", "-fno-omit-frame-pointer"]


class Skip(Exception):
    """The whole suite cannot run here."""


# ---------------------------------------------------------------------------------------------
# The kernel


def run(argv: List[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def kernel_package(name: str) -> str:
    """`name` itself, or the versioned package a meta-package depends on
    (linux-image-amd64 -> linux-image-6.1.0-N-amd64)."""
    proc = run(["apt-cache", "depends", name])
    if proc.returncode != 0:
        raise Skip(f"apt-cache knows no {name} (not a Debian package source?)")
    for line in proc.stdout.splitlines():
        m = re.match(r"\s*Depends:\s*(linux-image-\S+)", line)
        if m:
            return kernel_package(m.group(1))
    return name


def fetch_kernel(cache: Path, name: str) -> Tuple[Path, Path, str]:
    """(vmlinuz, modules root, package name), downloaded and extracted once into `cache`."""
    pkg = kernel_package(name)
    root = cache / pkg
    done = root / ".extracted"
    if not done.exists():
        cache.mkdir(parents=True, exist_ok=True)
        debs = list(cache.glob(f"{pkg}_*.deb"))
        if not debs:
            proc = run(["apt-get", "download", pkg], cwd=cache)
            if proc.returncode != 0:  # stale lists: refresh once
                run(["apt-get", "update", "-qq"])
                proc = run(["apt-get", "download", pkg], cwd=cache)
            debs = list(cache.glob(f"{pkg}_*.deb"))
            if proc.returncode != 0 or not debs:
                raise Skip(f"cannot download {pkg} (no network to the package registry?): "
                           f"{proc.stderr.strip()[-300:]}")
        shutil.rmtree(root, ignore_errors=True)
        proc = run(["dpkg-deb", "-x", str(debs[0]), str(root)])
        if proc.returncode != 0:
            raise Skip(f"dpkg-deb -x {debs[0]} failed: {proc.stderr.strip()}")
        done.write_text(debs[0].name + "\n")
    vmlinuz = next((root / "boot").glob("vmlinuz-*"), None)
    if vmlinuz is None:
        raise Skip(f"{pkg} holds no /boot/vmlinuz-*")
    return vmlinuz, root / "lib" / "modules", pkg


def module_bytes(ko: Path) -> bytes:
    """A module file's contents, decompressed (.ko.xz, .ko.gz: Debian 6.12 ships xz)."""
    data = ko.read_bytes()
    if ko.name.endswith(".xz"):
        return lzma.decompress(data)
    if ko.name.endswith(".gz"):
        return gzip.decompress(data)
    return data


def elf_section(data: bytes, wanted: str) -> Optional[bytes]:
    """The contents of section `wanted` of a 64-bit little-endian ELF file."""
    import struct
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    def header(i: int) -> Tuple[int, int, int]:
        name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        return name, off, size
    _, str_off, _ = header(shstrndx)
    for i in range(shnum):
        name, off, size = header(i)
        end = data.index(b"\0", str_off + name)
        if data[str_off + name:end].decode() == wanted:
            return data[off:off + size]
    return None


def vmlinux_btf(vmlinuz: Path, out: Path) -> Path:
    """The kernel's own BTF (the .BTF section of the vmlinux inside the bzImage: its payload
    is xz or zstd), written raw to `out` once."""
    import struct
    if out.exists():
        return out
    image = vmlinuz.read_bytes()
    setup_sects = image[0x1f1] or 4
    payload_offset, payload_length = struct.unpack_from("<II", image, 0x248)
    start = (setup_sects + 1) * 512 + payload_offset
    payload = image[start:start + payload_length]
    if payload.startswith(b"\xfd7zXZ"):  # (the stream ends past payload_length: read on)
        vmlinux = lzma.LZMADecompressor().decompress(image[start:])
    elif payload.startswith(b"\x28\xb5\x2f\xfd"):
        vmlinux = subprocess.run(["zstd", "-dc"], input=payload, capture_output=True,
                                 check=True).stdout
    else:
        raise RuntimeError(f"{vmlinuz}: unknown compression of the kernel payload")
    btf = elf_section(vmlinux, ".BTF")
    if btf is None:
        raise RuntimeError(f"{vmlinuz}: the kernel has no .BTF section")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(btf)
    return out


def module_name(ko: Path) -> str:
    return ko.name.split(".ko")[0].replace("-", "_")


def module_deps(ko: Path) -> List[str]:
    """The `depends=` of a module's .modinfo."""
    m = re.search(rb"(?:^|\0)depends=([^\0]*)", module_bytes(ko))
    return [d for d in m.group(1).decode().split(",") if d] if m else []


def find_modules(modroot: Path, names: List[str]) -> List[Path]:
    """The module files of `names` and what they depend on, dependencies first (a module
    built into the kernel has none: its insmod fails quietly and it is there anyway)."""
    index: Dict[str, Path] = {}
    for pattern in ("*/kernel/**/*.ko", "*/kernel/**/*.ko.xz", "*/kernel/**/*.ko.gz"):
        for ko in modroot.glob(pattern):
            index[module_name(ko)] = ko
    out: List[Path] = []

    def add(name: str) -> None:
        ko = index.get(name.replace("-", "_"))
        if ko is None or ko in out:
            return
        for dep in module_deps(ko):
            add(dep)
        out.append(ko)

    for n in names:
        add(n)
    return out


# ---------------------------------------------------------------------------------------------
# Tools and programs


E2E_CASES = HERE.parent / "e2e/cases"
# What a case may take over from the e2e case whose binary it runs (`e2e_checks`).
E2E_CHECK_KEYS = ("status", "stdout_regex", "stdout_not_regex", "stderr_regex",
                  "stderr_not_regex", "values")


def e2e_case(case: dict) -> Optional[dict]:
    """The tests/e2e case a `host_binary: "e2e:NAME"` case runs, or None."""
    ref = case.get("host_binary", "")
    if not ref.startswith("e2e:"):
        return None
    return ast.literal_eval((E2E_CASES / (ref[4:] + ".case")).read_text())


def with_e2e_checks(case: dict) -> dict:
    """`e2e_checks`: the e2e case's own expectations, where this case sets none: the binary
    must behave on the guest as on the host."""
    e2e = e2e_case(case) if case.get("e2e_checks") else None
    if e2e is None:
        return case
    merged = {k: v for k, v in e2e.items() if k in E2E_CHECK_KEYS}
    merged.update(case)
    return merged


class Builder:
    """Compiles what the guest runs, reusing the host suites' binaries where they exist."""

    def __init__(self, btc: Path, build: Path, work: Path):
        self.btc, self.build, self.work = btc, build, work
        self.reused: List[str] = []
        self.compiled: List[str] = []
        self.stale: List[str] = []  # host binaries older than btc or the runtime: not used
        self.kernels: List[Kernel] = []  # the first one's BTF compiles module_btf cases
        inputs = [btc, build / "runtime/btc-runtime"]
        self.inputs_mtime = max(p.stat().st_mtime for p in inputs if p.exists())

    def e2e_work(self, case: dict) -> Path:
        """The e2e suite's work directory of the case's host binary (paths in its script)."""
        return self.build / "tests/e2e/work" / case["host_binary"].split(":", 1)[1]

    def host_binary(self, case: dict) -> Optional[Path]:
        ref = case.get("host_binary")
        if ref is None and "debian" in case:
            ref = "debian_tools:" + case["debian"]
        if ref is None:
            return None
        suite, name = ref.split(":", 1)
        where = {"e2e": self.build / "tests/e2e/work" / name / name,
                 "debian_tools": self.build / "tests/debian_tools/work" / name / name,
                 "tools": self.build / "tools" / name}[suite]
        if not where.exists():
            return None
        if where.stat().st_mtime < self.inputs_mtime:  # built by an older btc or runtime
            self.stale.append(case["name"])
            return None
        return where

    def tool(self, case: dict) -> Path:
        """The case's tool: the host suite's binary, else compiled here (same btc, host BTF)."""
        found = self.host_binary(case)
        if found:
            self.reused.append(case["name"])
            return found
        out = self.work / "tools" / case["name"]
        out.parent.mkdir(parents=True, exist_ok=True)
        e2e = e2e_case(case)
        if "debian" in case:
            source = [str(DEBIAN_TOOLS_DIR / (case["debian"] + ".bt"))]
        elif e2e is not None:  # the e2e case's own script, compiled as that suite does
            bt = E2E_CASES / (case["host_binary"].split(":", 1)[1] + ".bt")
            text = e2e.get("program")
            source = ["-e", text.replace("{work}", str(self.e2e_work(case)))] if text else [str(bt)]
            source = e2e.get("compile_args", []) + source
        elif "script" in case:
            source = [str(HERE.parent.parent / case["script"])]
        elif "program" in case:
            source = ["-e", case["program"]]
        else:
            raise ValueError(f"case {case['name']} names no tool")
        argv = [str(self.btc)] + case.get("compile_args", []) + self.module_args(case) + \
            source + ["-o", str(out)]
        proc = run(argv, timeout=COMPILE_TIMEOUT_S)
        if proc.returncode != 0:
            raise RuntimeError(f"btc failed:\n{proc.stderr}")
        self.compiled.append(case["name"])
        return out

    def module_args(self, case: dict) -> List[str]:
        """A case with "module_btf": NAME is compiled against the first kernel's own BTF and
        module NAME's (btc's --btf, --module-btf): the host has neither that kernel nor its
        modules. CO-RE then carries the binary to the other kernels."""
        name = case.get("module_btf")
        if not name:
            return []
        if not self.kernels or self.kernels[0].modroot is None:
            raise RuntimeError("module_btf needs a kernel package with its modules")
        k = self.kernels[0]
        btf = vmlinux_btf(k.vmlinuz, self.work / "btf" / f"{k.name}.btf")
        kos = [ko for ko in find_modules(k.modroot, [name]) if module_name(ko) == name]
        if not kos:
            raise RuntimeError(f"no module {name} in {k.modroot}")
        ko = self.work / "btf" / f"{name}.ko"
        ko.write_bytes(module_bytes(kos[0]))
        return ["--btf", str(btf), "--module-btf", f"{name}={ko}"]

    def program(self, source: Path, name: str, flags: List[str] = CC_FLAGS) -> Path:
        out = self.work / "progs" / name
        out.parent.mkdir(parents=True, exist_ok=True)
        proc = run(["cc", *flags, "-I", str(HERE.parent / "targets"), "-o", str(out),
                    str(source)])
        if proc.returncode != 0:
            raise RuntimeError(f"cc {source} failed:\n{proc.stderr}")
        return out

    def case_programs(self, case: dict) -> Dict[str, Path]:
        """{guest path: static build} of the case's `programs`: the test programs a host e2e
        tool names by their path in that suite's work directory, built static here (the guest
        has no libc) from the same source; the tool finds their symbols and notes where it
        runs, as it would on the host."""
        out: Dict[str, Path] = {}
        for guest_path, source in case.get("programs", {}).items():
            guest_path = guest_path.replace("{build}", str(self.build))
            out[guest_path] = self.program(HERE.parent.parent / source,
                                           f"{case['name']}_{Path(guest_path).name}",
                                           case.get("program_cflags", CC_FLAGS))
        return out


# ---------------------------------------------------------------------------------------------
# The initramfs


def write_cpio(files: Dict[str, Tuple[int, bytes]], out: Path) -> None:
    """A gzip'd newc archive of {path: (mode, content)}; directories are made as needed."""
    entries: Dict[str, Tuple[int, bytes]] = {}
    for path, (mode, body) in sorted(files.items()):
        parts = path.split("/")
        for i in range(1, len(parts)):
            entries.setdefault("/".join(parts[:i]), (stat.S_IFDIR | 0o755, b""))
        entries[path] = (mode, body)
    data = bytearray()
    for ino, (path, (mode, body)) in enumerate(list(entries.items()) + [("TRAILER!!!", (0, b""))]):
        name = path.encode() + b"\0"
        data += ("070701" + "".join(f"{v:08X}" for v in (
            ino + 1, mode, 0, 0, 1, 0, len(body), 0, 0, 0, 0, len(name), 0))).encode()
        data += name
        data += b"\0" * (-len(data) % 4)
        data += body
        data += b"\0" * (-len(data) % 4)
    with gzip.open(out, "wb", compresslevel=1) as f:
        f.write(bytes(data))


def run_script(case: dict, tool: str) -> str:
    """/cases/NAME/run.sh: setup, the tool until attached, the workload, the stop, the report."""
    stop = case.get("stop", {"signal": "INT", "after_ms": 300})
    mode, ms = ("exit", 0) if stop == "exit" else (stop["signal"], stop["after_ms"])
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in case.get("env", {}).items())
    args = " ".join('"$BG_PID"' if a == "{bg_pid}" else shlex.quote(a)
                    for a in case.get("args", []))
    lines = [
        ". /lib/runner.sh",
        f"CASE_DIR=/cases/{case['name']}",
        f"( {case.get('setup', 'true')} ) > $CASE_DIR/workload 2>&1",
        f"{case.get('background', 'true')} >> $CASE_DIR/workload 2>&1 &",
        "BG_PID=$!",
        f"start_tool env {env} {tool} {args}",
        f"( {case.get('workload', 'true')} ) >> $CASE_DIR/workload 2>&1",
        f"stop_tool {mode} {ms} {case.get('timeout_s', 20)}",
        "kill $BG_PID 2>/dev/null; wait $BG_PID 2>/dev/null",
        f"( {case.get('cleanup', 'true')} ) >> $CASE_DIR/workload 2>&1",
        f"report {case['name']}",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Results


def parse_console(text: str) -> Dict[str, dict]:
    """Case blocks of the serial console: {name: {status, attached, timed_out, stdout, ...}}."""
    text = text.replace("\r\n", "\n")
    results: Dict[str, dict] = {}
    for m in re.finditer(r"^@@CASE (\S+) status=(\d+) attached=(\d) timed_out=(\d)\n(.*?)"
                         r"^@@END \1$", text, re.S | re.M):
        r = {"status": int(m.group(2)), "attached": m.group(3) == "1",
             "timed_out": m.group(4) == "1"}
        for part in ("stdout", "stderr", "workload"):
            pm = re.search(rf"^@@{part}\n(.*?)(?=^@@|\Z)", m.group(5), re.S | re.M)
            raw = "".join(pm.group(1).split()) if pm else ""
            r[part] = base64.b64decode(raw).decode(errors="replace") if raw else ""
        results[m.group(1)] = r
    return results


def check(case: dict, r: dict) -> Optional[str]:
    """None when the result meets the case's expectations, else why not."""
    if r["timed_out"]:
        return f"tool still running after {case.get('timeout_s', 20)} s (killed)"
    if not r["attached"] and case.get("status", 0) == 0:
        return "the tool never reported its probes attached"
    if r["status"] != case.get("status", 0):
        return f"exit status {r['status']}, expected {case.get('status', 0)}"
    out, err = r["stdout"], r["stderr"].replace("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", "")
    for key, text, want in (("stdout_regex", out, True), ("stdout_not_regex", out, False),
                            ("stderr_regex", err, True), ("stderr_not_regex", err, False)):
        for rx in case.get(key, []):
            if bool(re.search(rx, text, re.M)) != want:
                return f"{key.split('_')[0]} {'does not match' if want else 'matches'} /{rx}/"
    for spec in case.get("values", []):
        why = check_values(spec, out)
        if why:
            return why
    return None


def show(r: dict) -> str:
    def block(label: str, text: str) -> str:
        body = "\n".join("    | " + line for line in text.rstrip("\n").split("\n")[-60:])
        return f"  {label}:\n{body if text else '    (empty)'}\n"
    return (f"  exit status: {r['status']}\n" + block("stdout", r["stdout"]) +
            block("stderr", r["stderr"]) + block("workload output", r["workload"]))


# ---------------------------------------------------------------------------------------------
# Main


def selected(case: dict, patterns: List[str]) -> bool:
    return not patterns or any(p in case["name"] for p in patterns)


def skip_all(cases: List[dict], shapes: List[int], why: str) -> int:
    print(f"SKIP all ({why})")
    for c in cases:
        for n in shapes:
            print(f"SKIP {c['name']} [{n}cpu] ({why})")
    print(f"0 passed, 0 failed, {len(cases) * len(shapes)} skipped")
    return 0


class Kernel:
    """One kernel under test: its image, the modules tree of the same build, a short label,
    the vCPU counts it boots with."""

    def __init__(self, vmlinuz: Path, modroot: Optional[Path], name: str, shapes: List[int]):
        self.vmlinuz, self.modroot, self.name, self.shapes = vmlinuz, modroot, name, shapes


def kernels_from_args(args: argparse.Namespace) -> Tuple[List[Kernel], List[str]]:
    """(kernels, why others are missing): --kernel-image images as given, --kernel-package
    packages (default DEFAULT_KERNELS), each downloaded or skipped with the reason."""
    shapes = [int(n) for n in args.cpus.split(",")] if args.cpus else [1, 2]
    out = [Kernel(Path(img).resolve(), Path(args.modules).resolve() if args.modules else None,
                  Path(img).name, shapes) for img in args.kernel_image]
    missing = []
    packages = {p: shapes for p in args.kernel_package}
    if not packages and not out:
        packages = {p: [int(n) for n in args.cpus.split(",")] if args.cpus else s
                    for p, s in DEFAULT_KERNELS.items()}
    for pkg, pkg_shapes in packages.items():
        try:
            vmlinuz, modroot, name = fetch_kernel(Path(args.cache), pkg)
        except Skip as e:
            missing.append(f"{pkg}: {e}")
            continue
        out.append(Kernel(vmlinuz, modroot, name.removeprefix("linux-image-"), pkg_shapes))
    return out, missing


def boot(qemu: str, kernel: Kernel, initrd: Path, n: int, root: Path) -> Tuple[str, str]:
    """Boots `kernel` with `n` vCPUs (1: one online of four possible); (console, summary)."""
    # One host thread for all vCPUs: with multi-threaded TCG a vCPU running code the other
    # one live-patches (a static key flipped as a tracepoint attaches) could spin forever in
    # the emulator (seen: 6.1 soft lockup at syscall_trace_enter, 1 boot in 4). Not slower
    # here. With a usable /dev/kvm, BTC_KERNELS_KVM=1 uses it (docs/testing.md).
    accel = ["-accel", "tcg,thread=single"]
    if os.environ.get("BTC_KERNELS_KVM") == "1":
        accel = ["-accel", "kvm"]
    smp = f"{n},maxcpus=4" if n == 1 else str(n)
    started = time.monotonic()
    argv = [qemu, *accel, "-m", "1G", "-smp", smp, "-kernel", str(kernel.vmlinuz),
            "-initrd", str(initrd), "-append", " ".join(KERNEL_CMDLINE),
            "-nographic", "-no-reboot", "-monitor", "none", "-serial", "stdio"]
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=BOOT_TIMEOUT_S)
        console = proc.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        console = (e.stdout or b"").decode(errors="replace")
        console += f"\n(qemu killed after {BOOT_TIMEOUT_S} s)\n"
    (root / f"console-{kernel.name}-{n}cpu.txt").write_text(console)
    booted = re.search(r"@@BOOTED (.*)", console)
    return console, (f"boot of {kernel.name} with {n} vCPU ({smp}): "
                     f"{booted.group(1).strip() if booted else 'no @@BOOTED line'}, "
                     f"{time.monotonic() - started:.0f} s")


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description="Run btc's tools on other kernels in qemu.")
    ap.add_argument("--btc", required=True)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/btc/kernels"))
    ap.add_argument("--workdir")
    ap.add_argument("--cpus", help="vCPU counts to boot every kernel with (default: 1,2 for "
                                    "6.1 and --kernel-* kernels, 2 for 6.12)")
    ap.add_argument("--kernel-package", action="append", default=[],
                    help=f"a Debian kernel package (or meta-package) to boot; repeatable "
                         f"(default {' '.join(DEFAULT_KERNELS)})")
    ap.add_argument("--kernel-image", action="append", default=[],
                    help="a bzImage to boot (with --modules: its lib/modules tree); repeatable")
    ap.add_argument("--modules", help="directory holding KERNELRELEASE/kernel/**/*.ko")
    ap.add_argument("-k", dest="patterns", action="append", default=[])
    args = ap.parse_args(argv)
    cases = [c for c in CASES if selected(c, args.patterns)]
    shapes = [int(n) for n in args.cpus.split(",")] if args.cpus else [1, 2]  # for skip lines
    started = time.monotonic()

    qemu = shutil.which("qemu-system-x86_64")
    busybox = Path("/bin/busybox")
    if qemu is None:
        return skip_all(cases, shapes, "qemu-system-x86_64 is not installed")
    if not busybox.exists() or b"/ld-linux" in busybox.read_bytes()[:4096]:
        return skip_all(cases, shapes, "busybox-static is not installed")
    kernels, missing = kernels_from_args(args)
    if not kernels:
        return skip_all(cases, shapes, "; ".join(missing))

    root = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="btc-kernels-"))
    root.mkdir(parents=True, exist_ok=True)
    builder = Builder(Path(args.btc).resolve(), Path(args.build_dir).resolve(), root)
    builder.kernels = kernels
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    files: Dict[str, Tuple[int, bytes]] = {}
    exe = stat.S_IFREG | 0o755

    def add_file(guest: str, host: Path, mode: int = exe) -> None:
        files[guest.lstrip("/")] = (mode, host.read_bytes())

    for mount_point in ("proc", "sys", "dev", "tmp", "root"):
        files[mount_point] = (stat.S_IFDIR | 0o755, b"")
    add_file("/init", HERE / "guest/init.sh")
    add_file("/lib/runner.sh", HERE / "guest/runner.sh", stat.S_IFREG | 0o644)
    add_file("/bin/busybox", busybox)
    add_file("/bin/kload", builder.program(HERE / "guest/kload.c", "kload"))
    progs = builder.program(HERE.parent / "targets/uvalues.c", "uvalues").parent
    add_file(str(progs / "uvalues"), progs / "uvalues")  # the same path as on the host
    subst = {"{progs}": str(progs), "{build}": str(builder.build)}

    def fill(text: str) -> str:
        for k, v in subst.items():
            text = text.replace(k, v)
        return text

    cases = [with_e2e_checks(c) for c in cases]
    for case in cases:  # {progs} and {build} in every string of the case
        for key, value in list(case.items()):
            if isinstance(value, str):
                case[key] = fill(value)
            elif isinstance(value, list) and all(isinstance(x, str) for x in value):
                case[key] = [fill(x) for x in value]
    runnable = []
    for case in cases:
        try:
            tool = builder.tool(case)
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
            counts["FAIL"] += sum(len(k.shapes) for k in kernels)
            print(f"FAIL {case['name']} (cannot build the tool: {e})")
            continue
        digest = hashlib.sha256(tool.read_bytes()).hexdigest()[:12]
        add_file(f"/tools/{case['name']}", tool)
        for guest_path, built in builder.case_programs(case).items():
            add_file(guest_path, built)
        files[f"cases/{case['name']}/run.sh"] = (
            stat.S_IFREG | 0o644, run_script(case, f"/tools/{case['name']}").encode())
        case["sha"] = digest
        runnable.append(case)
    stale = f" ({len(builder.stale)} of them because the host suite's binary predates btc " \
            f"or its runtime)" if builder.stale else ""
    print(f"{len(builder.reused)} tools are the host suites' own binaries, "
          f"{len(builder.compiled)} were compiled here with the same btc and the host's BTF"
          f"{stale}; each kernel runs these very files (none is rebuilt for a guest)", flush=True)

    wanted_modules = sorted({m for c in cases for m in c.get("modules", [])})
    for kernel in kernels:
        kfiles = dict(files)
        for case in runnable:  # cases for other kernels do not run here
            if not re.search(case.get("kernels", ""), kernel.name):
                del kfiles[f"cases/{case['name']}/run.sh"]
        for ko in find_modules(kernel.modroot, wanted_modules) if kernel.modroot else []:
            kfiles[f"modules/{module_name(ko)}.ko"] = (stat.S_IFREG | 0o644, module_bytes(ko))
        initrd = root / f"initrd-{kernel.name}.gz"
        write_cpio(kfiles, initrd)
        print(f"kernel {kernel.name}: initramfs {initrd.stat().st_size // 1024} KiB", flush=True)
        for n in kernel.shapes:
            console, summary = boot(qemu, kernel, initrd, n, root)
            print(summary, flush=True)
            results = parse_console(console)
            # A guest that died under emulation (seen once: a panic in TCG) says nothing about
            # the tools: boot it once more, saying so; the first console is kept.
            died = "Kernel panic" in console or "(qemu killed" in console
            if died and any(c["name"] not in results for c in runnable):
                first = root / f"console-{kernel.name}-{n}cpu.txt"
                first.rename(first.with_suffix(".first-boot.txt"))
                print(f"the guest died before every case ran (console kept in "
                      f"{first.with_suffix('.first-boot.txt')}): booting it once more", flush=True)
                console, summary = boot(qemu, kernel, initrd, n, root)
                print(summary, flush=True)
                results = parse_console(console)
            for case in runnable:
                label = f"{case['name']} [{kernel.name} {n}cpu]"
                if n not in case.get("cpus", [n]):
                    counts["SKIP"] += 1
                    print(f"SKIP {label} (run with {case['cpus']} vCPUs only)")
                    continue
                if not re.search(case.get("kernels", ""), kernel.name):
                    counts["SKIP"] += 1
                    print(f"SKIP {label} (for kernels /{case['kernels']}/ only)")
                    continue
                r = results.get(case["name"])
                if r is None:
                    counts["FAIL"] += 1
                    print(f"FAIL {label} (no result on the console; see "
                          f"{root}/console-{kernel.name}-{n}cpu.txt)")
                    continue
                why = check(case, r)
                if why is None:
                    counts["PASS"] += 1
                    print(f"PASS {label} (tool sha256 {case['sha']})", flush=True)
                else:
                    counts["FAIL"] += 1
                    print_case(label, "FAIL", why, 0, show(r))
    for why in missing:
        counts["SKIP"] += 1
        print(f"SKIP kernel {why}")
    for name, why in CANNOT_RUN.items():
        counts["SKIP"] += 1
        print(f"SKIP {name} (cannot run on these kernels: {why})")
    return finish(counts, started, root, bool(args.workdir))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
