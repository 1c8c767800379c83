#!/usr/bin/env bash
# check_cmake_package.sh BUILD_DIR: a separate project uses btc through find_package(btc).
#   1. `cmake --install BUILD_DIR` into a temporary prefix;
#   2. a consumer project (LANGUAGES NONE: it needs no C compiler) calls
#      btc_add_tool(hello SOURCE hello.bt INSTALL) (and an aarch64 tool when btc has that
#      runtime), configured with CMAKE_PREFIX_PATH=prefix, built with ninja;
#   3. the tool and its man page are built; nothing is rebuilt on a second build; touching the
#      script, or btc, rebuilds the tool; `cmake --install` of the consumer installs bin/hello
#      and share/man/man8/hello.8; the tool runs (as root with BTF, else SKIP).
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=../check_lib.sh
source "$(dirname "$0")/../check_lib.sh"
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" > /dev/null
has_arm64=no
[ -n "$(find "$prefix" -name btc-runtime-aarch64)" ] && has_arm64=yes

mkdir -p "$tmp/consumer"
cat > "$tmp/consumer/hello.bt" <<'SCRIPT'
// hello  Says hello from a tool built by a CMake project.
BEGIN { printf("hello from a btc_add_tool build\n"); exit(); }
SCRIPT
{
  echo 'cmake_minimum_required(VERSION 3.20)'
  echo 'project(consumer LANGUAGES NONE)'
  echo 'find_package(btc 0.1 REQUIRED)'
  echo 'btc_add_tool(hello SOURCE hello.bt INSTALL)'
  [ "$has_arm64" = yes ] && echo 'btc_add_tool(hello-arm64 SOURCE hello.bt TARGET aarch64)'
  true
} > "$tmp/consumer/CMakeLists.txt"
cmake -S "$tmp/consumer" -B "$tmp/cbuild" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/configure.log"
check "the consumer builds" cmake --build "$tmp/cbuild"
check "the tool was built" test -x "$tmp/cbuild/bin/hello"
check "its man page was built" test -s "$tmp/cbuild/bin/hello.8"
check "it was written by the installed btc's runtime" \
  grep -q "hello (btc" <("$tmp/cbuild/bin/hello" --version)
if [ "$has_arm64" = yes ]; then
  check "the aarch64 tool is an aarch64 executable" \
    grep -q "ARM aarch64" <(file -b "$tmp/cbuild/bin/hello-arm64")
else
  echo "SKIP the aarch64 tool: btc was built without the aarch64 runtime"
fi

rebuilt() { # rebuilt: true when a build did run btc for hello
  local log
  log=$(cmake --build "$tmp/cbuild" -- -v 2>&1)
  grep -q -- "-o $tmp/cbuild/bin/hello " <<< "$log"
}
not_rebuilt() { ! rebuilt; }
check "an up-to-date build does not run btc" not_rebuilt
sleep 1
touch "$tmp/consumer/hello.bt"
check "a changed script rebuilds the tool" rebuilt
sleep 1
touch "$prefix/bin/btc"
check "a changed btc rebuilds the tool" rebuilt

cmake --install "$tmp/cbuild" --prefix "$tmp/inst" > /dev/null
check "INSTALL installs the tool" test -x "$tmp/inst/bin/hello"
check "INSTALL installs the man page" test -s "$tmp/inst/share/man/man8/hello.8"
check "the page renders" bash -c "[ -z \"\$(groff -ww -z -man '$tmp/inst/share/man/man8/hello.8' 2>&1)\" ]"

if [ "$(id -u)" = 0 ] && [ -e /sys/kernel/btf/vmlinux ]; then
  check "the installed tool runs" grep -q "hello from a btc_add_tool build" <("$tmp/inst/bin/hello")
else
  echo "SKIP running the tool (needs root and /sys/kernel/btf/vmlinux)"
fi
report
