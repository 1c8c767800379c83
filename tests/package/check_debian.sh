#!/usr/bin/env bash
# check_debian.sh SOURCE_DIR: builds the Debian packages (debian/) from a clean copy of
# SOURCE_DIR and checks them, installed, on this machine:
#   - a `git clone` of SOURCE_DIR when it is a git checkout (its committed HEAD: a dirty tree or
#     a build directory is not packed), else a copy without build*/ and obj-*/;
#   - `dpkg-buildpackage -us -uc -b` there (DEB_BUILD_OPTIONS=parallel=2; ccache, when installed,
#     with its usual cache directory) builds btc_*.deb and btc-tools_*.deb;
#   - lintian reports no error (E:) for them; its whole output is printed, with the .deb sizes;
#   - `dpkg -i` installs both; /usr/bin/btc, run from another directory, compiles a script from
#     the installed runtime (/usr/lib/<multiarch>/btc) and the tool runs (when the kernel has
#     BTF); btc-opensnoop --help starts with its script's header comment; `man -w` finds btc(1)
#     and btc-opensnoop(8); `dpkg -L` lists the bash completion and the tools' sources.
# Both packages are purged on exit (dpkg -P), so the machine is left as found; if btc or
# btc-tools is installed already, the test skips rather than replace it.
# Needs root (dpkg -i) and debhelper, devscripts, lintian, fakeroot, dpkg-dev (scripts/deps.sh)
# and the Build-Depends of debian/control. Prints PASS/FAIL/SKIP lines and
# "N passed, M failed, K skipped"; exits 1 on any failure.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 SOURCE_DIR" >&2
  exit 2
fi
src=$(cd "$1" && pwd -P)

skip_all() { echo "SKIP: $1"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
[ "$(id -u)" = 0 ] || skip_all "needs root (installs the built packages with dpkg -i)"
for p in btc btc-tools; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed"; then
    skip_all "$p is installed already; this test installs and then purges it (remove it first)"
  fi
done
for cmd in dpkg-buildpackage dh lintian fakeroot; do
  command -v "$cmd" > /dev/null || {
    echo "FAIL: $cmd not found (apt-get install debhelper devscripts lintian fakeroot dpkg-dev)"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  }
done

passed=0 failed=0 skipped=0
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
skip() { echo "SKIP: $1"; skipped=$((skipped + 1)); }
summary() { echo "$passed passed, $failed failed, $skipped skipped"; }

# dpkg_wait CMD...: runs a dpkg command, waiting up to 10 minutes while another dpkg or apt run
# holds the dpkg lock (dpkg itself does not wait). Its output goes to stdout.
dpkg_wait() {
  local i out rc
  for ((i = 0; i < 120; i++)); do
    rc=0
    out=$("$@" 2>&1) || rc=$?
    if [ $rc = 0 ] || ! grep -qE "dpkg frontend lock|lock (the )?dpkg status database|status database .*locked" <<< "$out"; then
      printf '%s\n' "$out"
      return $rc
    fi
    [ "$i" = 0 ] && echo "  (waiting for the dpkg lock: another apt or dpkg run holds it)"
    sleep 5
  done
  printf '%s\n' "$out"
  return 1
}

work=$(mktemp -d /tmp/btc-check-debian.XXXXXX)
run=$(mktemp -d /tmp/btc-check-debian-run.XXXXXX)
installed=0
cleanup() {
  local rc=$?
  if [ $installed = 1 ]; then
    echo "purging btc-tools btc"
    dpkg_wait dpkg -P btc-tools btc > "$work/purge.log" || { echo "FAIL: dpkg -P btc-tools btc"; cat "$work/purge.log"; rc=1; }
  fi
  rm -rf "$work" "$run"
  exit $rc
}
trap cleanup EXIT

# 1. A clean copy of the sources.
tree=$work/btc
if [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$src" ]; then
  git clone -q "$src" "$tree"
  echo "source: git clone of $src at $(git -C "$tree" log -1 --format='%h %s' | cut -c1-72)"
  if [ -n "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
    echo "  (note: uncommitted changes in $src are not part of this build)"
  fi
else
  mkdir "$tree"
  tar -C "$src" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -C "$tree" -xf -
  echo "source: copy of $src (not a git checkout)"
fi
[ -f "$tree/debian/control" ] || { fail "no debian/control in the copied tree"; summary; exit 1; }

# 2. The build. debhelper points HOME into the build tree, so ccache is told where its cache
# is; base_dir makes the temporary directory's paths relative, so repeat runs hit the cache.
export DEB_BUILD_OPTIONS=parallel=2
if command -v ccache > /dev/null; then
  CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir)}
  export CCACHE_DIR CCACHE_BASEDIR=$tree
  echo "ccache: $CCACHE_DIR"
fi
echo "dpkg-buildpackage -us -uc -b (log: build.log) ..."
start=$(date +%s)
if (cd "$tree" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1; then
  echo "package build: $(($(date +%s) - start)) s"
  pass "dpkg-buildpackage -us -uc -b"
else
  echo "package build failed after $(($(date +%s) - start)) s; the end of its log:"
  tail -n 60 "$work/build.log" | sed 's/^/  | /'
  fail "dpkg-buildpackage -us -uc -b"
  summary
  exit 1
fi
shopt -s nullglob
btc_deb=("$work"/btc_*.deb)
tools_deb=("$work"/btc-tools_*.deb)
changes=("$work"/btc_*.changes)
shopt -u nullglob
if [ ${#btc_deb[@]} = 1 ] && [ ${#tools_deb[@]} = 1 ] && [ ${#changes[@]} = 1 ]; then
  pass "built $(basename "${btc_deb[0]}") and $(basename "${tools_deb[0]}")"
else
  fail "expected one btc_*.deb, one btc-tools_*.deb and one .changes; got: $(cd "$work" && echo *.deb *.changes)"
  summary
  exit 1
fi
echo "sizes (du -k KiB, stat -c %s bytes):"
for deb in "$work"/*.deb; do
  printf '  %-40s %8s KiB %10s bytes\n' "$(basename "$deb")" "$(du -k "$deb" | cut -f1)" "$(stat -c %s "$deb")"
done

# 3. lintian: no errors (warnings are listed, not fatal; O: lines are debian/*.lintian-overrides).
lintian_out=$(lintian --fail-on none --show-overrides "${changes[0]}" 2> "$work/lintian.err") || true
echo "lintian $(basename "${changes[0]}"):"
if [ -n "$lintian_out" ]; then sed 's/^/  | /' <<< "$lintian_out"; else echo "  (no tags)"; fi
grep -v "running with root privileges is not recommended" "$work/lintian.err" | sed 's/^/  ! /' || true
if grep -q '^E:' <<< "$lintian_out"; then
  fail "lintian reports errors (E:)"
else
  pass "lintian: no errors ($(grep -c '^W:' <<< "$lintian_out" || true) warnings)"
fi

# 4. Install both packages.
installed=1
if dpkg_wait dpkg -i "${btc_deb[0]}" "${tools_deb[0]}" > "$work/install.log"; then
  pass "dpkg -i btc btc-tools"
else
  fail "dpkg -i btc btc-tools"
  sed 's/^/  | /' "$work/install.log"
  summary
  exit 1
fi

# 5. The installed btc, from another directory: the tool is written from the installed runtime.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
runtime=/usr/lib/$multiarch/btc/btc-runtime
unset BTC_RUNTIME_DIR
cd "$run"
if /usr/bin/btc -v -e 'BEGIN { printf("packaged btc works\n"); exit(); }' -o hello 2> compile.log &&
   [ -x hello ] && grep -qF "$runtime" compile.log; then
  pass "/usr/bin/btc compiles a script from $runtime"
  if [ -e /sys/kernel/btf/vmlinux ]; then
    out=$(timeout 60 ./hello 2>&1) || true
    if grep -q "packaged btc works" <<< "$out"; then
      pass "the compiled tool runs"
    else
      fail "the compiled tool runs (output: $out)"
    fi
  else
    skip "running the compiled tool: this kernel has no /sys/kernel/btf/vmlinux"
  fi
else
  fail "/usr/bin/btc compiles a script from $runtime"
  sed 's/^/  | /' compile.log
fi

# 6. A bundled tool: --help starts with its script's header comment (whitespace aside: the
# tab after the name is expanded).
squeeze() { tr -s ' \t' '  ' | sed 's/ *$//'; }
header=$(sed -n '/^\/\//{s|^// *||p;q}' /usr/share/btc/tools/opensnoop.bt | squeeze)
help=$(/usr/bin/btc-opensnoop --help 2>&1 | head -n 1 | squeeze) || true
if [ -n "$header" ] && [ "$help" = "$header" ]; then
  pass "btc-opensnoop --help starts with its header comment ($header)"
else
  fail "btc-opensnoop --help starts with its header comment: '$help' != '$header'"
fi

# 7. Man pages and package contents.
if command -v man > /dev/null; then
  for page in btc btc-opensnoop; do
    if where=$(man -w "$page" 2>&1); then pass "man -w $page: $where"; else fail "man -w $page: $where"; fi
  done
else
  skip "man -w: man-db is not installed"
fi
if dpkg -L btc | grep -qx /usr/share/bash-completion/completions/btc; then
  pass "dpkg -L btc lists the bash completion"
else
  fail "dpkg -L btc lists the bash completion"
fi
if dpkg -L btc-tools | grep -qx /usr/share/btc/tools/opensnoop.bt; then
  pass "dpkg -L btc-tools lists the tools' sources"
else
  fail "dpkg -L btc-tools lists the tools' sources"
fi

cd /
summary
[ "$failed" = 0 ]
