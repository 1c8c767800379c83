#!/usr/bin/env bash
# Installs what building and testing btc needs on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(build-essential cmake ninja-build ccache python3 pkg-config
      llvm-19-dev liblld-19-dev lld-19 libbpf-dev libelf-dev zlib1g-dev libzstd-dev
      libcli11-dev googletest libgtest-dev bpftool bpftrace)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
