#!/usr/bin/env bash
# check_aarch64.sh BTC: arm64 tools written on this (x86-64) host with `btc --target aarch64`.
#   - the tool is a static aarch64 ELF executable (file(1));
#   - qemu-aarch64-static runs its --help, --version and argument validation (the parts of a
#     tool that run before it touches BPF: qemu-user does not emulate the bpf() syscall, which
#     the tool reports in plain words);
#   - a script using registers compiles for aarch64 with arm64 names and is refused x86 ones.
# Skips (with the reason) when btc was built without the aarch64 runtime (BTC_TARGETS).
set -euo pipefail
btc=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../check_lib.sh
source "$(dirname "$0")/../check_lib.sh"

cd "$work"
if ! "$btc" --target aarch64 "$src/tools/opensnoop.bt" -o opensnoop 2> err.txt; then
  if grep -q "built without the aarch64 runtime" err.txt; then
    echo "SKIP: this btc was built without the aarch64 runtime (-DBTC_TARGETS=\"x86_64;aarch64\")"
    exit 0
  fi
  cat err.txt
  exit 1
fi
info=$(file -b opensnoop)
check "file says aarch64" contains "$info" "ARM aarch64"
check "file says statically linked" contains "$info" "statically linked"
echo "arm64 opensnoop: $(stat -c %s opensnoop) bytes"

if ! command -v qemu-aarch64-static > /dev/null; then
  echo "SKIP the qemu checks: qemu-aarch64-static is missing (package qemu-user-static)"
else
  qemu() { qemu-aarch64-static "$@"; }
  help=$(qemu ./opensnoop --help)
  check "qemu: --help starts with the header comment" \
    test "$(head -1 <<< "$help")" = "opensnoop       Trace open() and openat() calls, system-wide."
  check "qemu: --help lists the options" contains "$help" "-p PID         trace only process PID"
  version=$(qemu ./opensnoop --version)
  check "qemu: --version names the target" contains "$version" "target: aarch64"
  check "qemu: --version has the script hash" \
    contains "$version" "sha256:$(sha256sum "$src/tools/opensnoop.bt" | cut -d' ' -f1)"
  set +e
  bad=$(qemu ./opensnoop -f yaml 2>&1); rc_bad=$?
  pid=$(qemu ./opensnoop -p notapid 2>&1); rc_pid=$?
  run=$(qemu ./opensnoop 2>&1); rc_run=$?
  set -e
  check "qemu: a bad -f value exits 1" test "$rc_bad" = 1
  check "qemu: a bad -f value is named" contains "$bad" 'Invalid output format "yaml"'
  check "qemu: a bad -p value exits 1" test "$rc_pid" = 1
  check "qemu: a bad -p value is named" contains "$pid" "notapid"
  check "qemu: no bpf() under qemu-user is reported, not a crash" test "$rc_run" = 1
  check "qemu: ...in plain words" contains "$run" "the kernel refused to load the BPF object"

  cat > opts.bt <<'SCRIPT'
// opts  A script with an option and a positional parameter.
BEGIN { printf("%d %s\n", getopt("depth", 3, "how deep"), str($1)); exit(); }
SCRIPT
  "$btc" --target aarch64 opts.bt -o opts
  help=$(qemu ./opts --help)
  check "qemu: getopt option listed with its default" \
    contains "$help" "--depth=NUM    how deep (int, default 3)"
  set +e
  bad=$(qemu ./opts --depth=x 2>&1); rc=$?
  set -e
  check "qemu: a bad getopt value exits 1" test "$rc" = 1
  check "qemu: a bad getopt value is named" contains "$bad" "depth"
fi

cat > regs.bt <<'SCRIPT'
kprobe:vfs_read { @[reg("pc"), arg7] = count(); }
uprobe:/bin/sh:main { @u[sarg0, reg("sp")] = count(); }
SCRIPT
check "arm64 registers compile for aarch64" "$btc" --target aarch64 regs.bt -o regs
set +e
x86=$("$btc" --target x86_64 regs.bt -o regs-x86 2>&1); rc=$?
set -e
check "...and are refused for x86_64" test "$rc" = 1
check "...with the register named" contains "$x86" "'pc' is not a valid register on this architecture (x86_64)"
report
