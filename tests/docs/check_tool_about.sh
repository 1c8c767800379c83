#!/usr/bin/env bash
# check_tool_about.sh BTC TOOLS_DIR: what a compiled tool says about itself.
#   - --help starts with the script's header comment (licence and history lines dropped), then
#     the options, the script's getopt() options with defaults and its positional parameters;
#   - --version names the tool, the btc that built it, the script's SHA-256 and the target;
#   - btc --emit=man writes TOOL.8, which groff renders without a warning (-ww);
#   - the bundled tools' pages in TOOLS_DIR (btc-NAME.8) render too, named btc-NAME;
#   - the bundled opensnoop stays within 1.75 MiB (1.5 MiB + the --metrics server).
# None of this needs root: the tool answers before it touches BPF.
set -euo pipefail
btc=$1
tools_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../check_lib.sh
source "$(dirname "$0")/../check_lib.sh"

cat > "$work/lat.bt" <<'SCRIPT'
#!/usr/bin/env bpftrace
/*
 * lat	Latency of read() calls, as a histogram.
 *	For Linux, uses eBPF.
 *
 * USAGE: lat [--min=NS] PID_FILTER [LABEL]
 *
 * Copyright 2026 Example Corp.
 * Licensed under the Apache License, Version 2.0 (the "License")
 *
 * 07-Dec-2026	Someone	Created this.
 */
tracepoint:syscalls:sys_enter_read /pid == $1/ { @start[tid] = nsecs; }
tracepoint:syscalls:sys_exit_read /@start[tid]/ {
  $d = nsecs - @start[tid];
  if ($d >= getopt("min", 1000, "shortest latency shown, in ns")) { @ns[str($2)] = hist($d); }
  delete(@start[tid]);
}
SCRIPT
(cd "$work" && "$btc" lat.bt -o lat --emit=man)
help=$("$work/lat" --help)
check "help starts with the header comment" \
  test "$(head -3 <<< "$help")" = "$(printf 'lat     Latency of read() calls, as a histogram.\n        For Linux, uses eBPF.\n')"
check "help keeps the usage line" contains "$help" "USAGE: lat [--min=NS] PID_FILTER [LABEL]"
check "help drops the copyright" lacks "$help" "copyright"
check "help drops the licence" lacks "$help" "apache license"
check "help drops the history" lacks "$help" "Created this"
check "help lists the tool options" contains "$help" "    -p PID         trace only process PID"
check "help lists the getopt option" \
  contains "$help" "    --min=NUM      shortest latency shown, in ns (int, default 1000)"
check "help lists \$1 as a number" contains "$help" '    $1             a number (0 when not given)'
check "help lists \$2 as text" contains "$help" '    $2             text (empty when not given)'

version=$("$work/lat" --version)
btc_version=$("$btc" --version | awk '{print $2; exit}')
sum=$(sha256sum "$work/lat.bt" | cut -d' ' -f1)
check "version names the tool and btc" contains "$version" "lat (btc $btc_version)"
check "version gives the script's sha256" contains "$version" "script: lat.bt sha256:$sum"
check "version names the target" contains "$version" "target: $(uname -m)"

set +e
bad=$("$work/lat" -f yaml 2>&1)
rc=$?
set -e
check "a bad option exits 1" test "$rc" = 1
check "a bad option is named" contains "$bad" "yaml"

page_ok() { # page_ok FILE NAME: groff renders FILE silently and its NAME line is NAME
  local warnings
  warnings=$(groff -ww -z -man "$1" 2>&1) || { echo "  groff failed on $1"; return 1; }
  [ -z "$warnings" ] || { echo "  groff warnings on $1:"; echo "$warnings"; return 1; }
  local text
  text=$(MANWIDTH=100 man -l "$1" 2>/dev/null | col -b)
  contains "$text" "$2" && contains "$text" "OPTIONS" && contains "$text" "EXIT STATUS"
}
check "lat.8 renders" page_ok "$work/lat.8" "lat - Latency of read() calls, as a histogram."
man_text=$(MANWIDTH=200 man -l "$work/lat.8" 2>/dev/null | col -b)
check "lat.8 has the getopt option" contains "$man_text" "--min=NUM"
check "lat.8 has the usage line" contains "$man_text" "USAGE: lat [--min=NS] PID_FILTER [LABEL]"
check "lat.8 drops the licence" lacks "$man_text" "apache license"
check "lat.8 has the hash" contains "$man_text" "$sum"

n=0
for page in "$tools_dir"/btc-*.8; do
  [ -e "$page" ] || continue
  name=$(basename "$page" .8)
  check "$name.8 renders" page_ok "$page" "$name - "
  n=$((n + 1))
done
check "the bundled tools have man pages" test "$n" -ge 4
# Issue #15's size bound, a static opensnoop of at most 1.5 MiB on disk (its header comment
# and self-description included), plus issue #17's --metrics server in every tool (libevent's
# evhttp and the exporter: 241 KB when it came): 1.75 MiB.
size=$(stat -c %s "$tools_dir/btc-opensnoop")
echo "btc-opensnoop: $size bytes"
check "opensnoop is at most 1.75 MiB" test "$size" -le $((7 * 1024 * 1024 / 4))
report
