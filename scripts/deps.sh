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
  libcli11-dev googletest libgtest-dev bpftool bpftrace
# The fuzz targets (tests/fuzz) build with clang-19 and its libFuzzer, which match LLVM 19.
install_missing -- clang-19 libclang-rt-19-dev
# The dw_ustack tests compare its stacks with gdb's backtraces.
install_missing --no-install-recommends -- gdb
# Kernel suite (tests/kernels): qemu boots Debian's 6.1 kernel with a busybox initramfs.
# Without recommends: the suite needs only the TCG system emulator, not qemu's GUI stack.
install_missing --no-install-recommends -- qemu-system-x86 busybox-static
