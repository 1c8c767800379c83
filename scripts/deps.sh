#!/usr/bin/env bash
# Installs what building and testing btc needs on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# install_missing [apt flags...] -- packages...: installs those not yet installed.
install_missing() {
  local flags=() missing=()
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq "${flags[@]}" "${missing[@]}"
  fi
}

install_missing -- build-essential cmake ninja-build ccache python3 pkg-config \
  llvm-19-dev liblld-19-dev lld-19 libbpf-dev libelf-dev zlib1g-dev libzstd-dev \
  libcli11-dev googletest libgtest-dev bpftool bpftrace libevent-dev
# A tool's --metrics endpoint is scraped by a real Prometheus server in the tests
# (tests/metrics), and promtool checks the exposition.
install_missing --no-install-recommends -- prometheus
# The fuzz targets (tests/fuzz) build with clang-19 and its libFuzzer, which match LLVM 19.
install_missing -- clang-19 libclang-rt-19-dev
# The dw_ustack tests compare its stacks with gdb's backtraces.
install_missing --no-install-recommends -- gdb
# Shipping (tests/docs, tests/package): man pages rendered by groff/man-db, Debian packages
# built with debhelper and checked by lintian.
install_missing --no-install-recommends -- groff man-db bash-completion file debhelper \
  devscripts lintian fakeroot dpkg-dev
# arm64 tools from this host (btc --target aarch64, -DBTC_TARGETS="x86_64;aarch64"): Debian's
# cross toolchain and the arm64 multiarch static libraries the aarch64 runtime links, and
# qemu-user to run the tools' --help/--version/argument checks (tests/targets/check_aarch64.sh).
if [ "$(dpkg --print-architecture)" = amd64 ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt-get update -qq
  fi
  install_missing -- crossbuild-essential-arm64 libbpf-dev:arm64 libelf-dev:arm64 \
    zlib1g-dev:arm64 qemu-user-static
  # libevent-dev is not Multi-Arch: same (arm64's would replace the host's): its two static
  # libraries the runtime links are unpacked from the arm64 package into /opt/btc-cross/aarch64
  # (its headers are the host's).
  if [ ! -f /opt/btc-cross/aarch64/libevent_extra.a ]; then
    tmp=$(mktemp -d)
    chmod 755 "$tmp"
    (cd "$tmp" && apt-get download -qq libevent-dev:arm64 2>/dev/null)
    dpkg -x "$tmp"/libevent-dev_*_arm64.deb "$tmp/x"
    mkdir -p /opt/btc-cross/aarch64
    cp "$tmp"/x/usr/lib/aarch64-linux-gnu/libevent_{core,extra}.a /opt/btc-cross/aarch64/
    rm -rf "$tmp"
  fi
  # ...and to boot Debian's arm64 kernel with them (tests/kernels/run_arm64.py).
  install_missing --no-install-recommends -- qemu-system-arm
fi
# Kernel suite (tests/kernels): qemu boots Debian's 6.1 kernel with a busybox initramfs.
# Without recommends: the suite needs only the TCG system emulator, not qemu's GUI stack.
install_missing --no-install-recommends -- qemu-system-x86 busybox-static
