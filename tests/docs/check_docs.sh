#!/usr/bin/env bash
# check_docs.sh: checks btc's manual page and shell completions against the btc binary.
#   tests/docs/check_docs.sh BTC_BINARY
# (a) docs/man/btc.1 renders without a groff warning (and man -l reads it);
# (b) every option `BTC --help` lists, and every value of its {a,b,...} sets, is documented
#     in the OPTIONS section of btc.1 (a new option without documentation fails here);
# (c) docs/completion/btc.bash, driven through COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT,
#     completes options, --emit/--target values (both `--opt VALUE` and `--opt=VALUE`) and
#     file names, with bash-completion's helpers loaded and without them;
# (d) docs/completion/_btc parses (zsh -n; SKIP without zsh) and names every long option.
# Prints PASS/FAIL/SKIP lines and "N passed, M failed, K skipped"; exits 1 on any failure.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BTC_BINARY" >&2
  exit 2
fi
BTC=$1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MAN=$ROOT/docs/man/btc.1
BASH_COMP=$ROOT/docs/completion/btc.bash
ZSH_COMP=$ROOT/docs/completion/_btc
BASH_COMPLETION_LIB=/usr/share/bash-completion/bash_completion

passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP $1 ($2)"; skipped=$((skipped + 1)); }
# check NAME COMMAND...: PASS when COMMAND succeeds, else FAIL with its output.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "${out:-failed}"; fi
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for f in "$MAN" "$BASH_COMP" "$ZSH_COMP"; do
  [[ -f $f ]] || fail "exists $(basename "$f")" "$f is missing"
done
if ((failed)); then
  echo "$passed passed, $failed failed, $skipped skipped"
  exit 1
fi

# --- (a) the manual page renders cleanly ----------------------------------------------------
if command -v groff >/dev/null; then
  if out=$(groff -ww -z -man "$MAN" 2>&1) && [[ -z $out ]]; then
    pass "man: groff -ww -z -man is silent"
  else
    fail "man: groff -ww -z -man is silent" "$out"
  fi
else
  fail "man: groff -ww -z -man is silent" "groff is not installed (apt-get install groff)"
fi
if command -v man >/dev/null; then
  if out=$(MANWIDTH=80 man -l "$MAN" 2>&1) && grep -q '^SYNOPSIS' <<<"$out" &&
    grep -q '^EXIT STATUS' <<<"$out"; then
    pass "man: man -l renders it"
  else
    fail "man: man -l renders it" "$(head -5 <<<"$out")"
  fi
else
  skip "man: man -l renders it" "man-db is not installed"
fi

# --- (b) every option of `btc --help` is documented ---------------------------------------
if ! help=$("$BTC" --help 2>&1); then
  fail "help: $BTC --help" "${help:-exited with an error}"
  echo "$passed passed, $failed failed, $skipped skipped"
  exit 1
fi
# CLI11 prints one option per line, indented by two spaces: "  -o,--output TEXT  ...".
mapfile -t names < <(sed -n 's/^  \(-[^ ]*\).*/\1/p' <<<"$help" | tr ',' '\n' | grep '^-')
long=() short=()
for n in "${names[@]}"; do
  if [[ $n == --* ]]; then long+=("$n"); else short+=("$n"); fi
done
if ((${#long[@]} >= 10)) && [[ " ${long[*]} " == *" --help "* && " ${long[*]} " == *" --emit "* ]]; then
  pass "help: parsed ${#long[@]} long and ${#short[@]} short options"
else
  fail "help: parsed the options" "found only: ${names[*]:-nothing} in: $help"
fi

# The OPTIONS section as plain text: one line per paragraph, no hyphenation, no font marks.
if command -v groff >/dev/null; then
  text=$(groff -man -Tascii -rLL=3000n -rHY=0 -P-c -P-b -P-o -P-u "$MAN" 2>/dev/null)
else
  text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\%//g; s/\\&//g' "$MAN")
fi
options_text=$(awk '/^OPTIONS[[:space:]]*$/ {on = 1; next} /^[A-Z][A-Z ]+[[:space:]]*$/ {on = 0} on' \
  <<<"$text")
[[ -n $options_text ]] || fail "man: OPTIONS section" "no OPTIONS section in $MAN"
has_option() { grep -qE -- "(^|[^-[:alnum:]])$1([^-[:alnum:]]|\$)" <<<"$options_text"; }
missing=()
for o in "${long[@]}" "${short[@]}"; do has_option "$o" || missing+=("$o"); done
if ((${#missing[@]} == 0)); then
  pass "man: documents all ${#names[@]} options of --help"
else
  fail "man: documents every option of --help" "btc.1 OPTIONS lacks: ${missing[*]}"
fi
# Options with a fixed set of values ("--emit TEXT:{ast,ir,...}"): each value is documented.
declare -A value_sets=()
while read -r opt set; do
  value_sets[$opt]=$set
done < <(sed -n 's/^  \(-[^ ]*\) [^{]*{\([^}]*\)}.*/\1 \2/p' <<<"$help" | sed 's/^[^ ]*,//')
for opt in "${!value_sets[@]}"; do
  missing=()
  for v in ${value_sets[$opt]//,/ }; do
    grep -qw -- "$v" <<<"$options_text" || missing+=("$v")
  done
  if ((${#missing[@]} == 0)); then
    pass "man: documents the values of $opt (${value_sets[$opt]})"
  else
    fail "man: documents the values of $opt" "btc.1 OPTIONS lacks: ${missing[*]}"
  fi
done

# --- (c) bash completion -----------------------------------------------------------------
# complete_words MODE DIR CWORD WORD...: COMPREPLY of _btc, one per line, sorted. WORDs are
# split as bash splits them (`--emit=ir` is `--emit` `=` `ir`). MODE: lib (bash-completion's
# helpers loaded first) or plain.
complete_words() {
  local mode=$1 dir=$2
  shift 2
  # shellcheck disable=SC2016 # expanded by the inner bash
  bash -c '
    mode=$1 comp=$2 lib=$3 dir=$4
    shift 4
    if [[ $mode == lib ]]; then source "$lib" || exit 3; fi
    source "$comp" || exit 3
    complete -p btc 2>/dev/null | grep -q -- "-F _btc" || { echo "complete -F _btc btc not set"; exit 3; }
    cd "$dir" || exit 3
    COMP_CWORD=$1
    shift
    COMP_WORDS=("$@")
    COMP_LINE="" prev=""
    for w in "${COMP_WORDS[@]}"; do
      if [[ -z $COMP_LINE || $w == "=" || $prev == "=" ]]; then COMP_LINE+=$w; else COMP_LINE+=" $w"; fi
      prev=$w
    done
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _btc btc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    ((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}" | sort
    exit 0
  ' check-docs "$mode" "$BASH_COMP" "$BASH_COMPLETION_LIB" "$dir" "$@"
}
# expect_exactly NAME "SORTED LINES" MODE DIR CWORD WORD...
expect_exactly() {
  local name=$1 want=$2 got
  shift 2
  if got=$(complete_words "$@" 2>&1) && [[ $got == "$want" ]]; then
    pass "$name"
  else
    fail "$name" "got [${got//$'\n'/ }], want [${want//$'\n'/ }]"
  fi
}
# expect_including NAME "WORDS" MODE DIR CWORD WORD...: each of WORDS is offered (a trailing
# slash on directories is optional).
expect_including() {
  local name=$1 want=$2 got w missing=()
  shift 2
  if ! got=$(complete_words "$@" 2>&1); then
    fail "$name" "$got"
    return
  fi
  for w in $want; do grep -qxF -e "$w" -e "$w/" <<<"$got" || missing+=("$w"); done
  if ((${#missing[@]} == 0)); then pass "$name"; else fail "$name" "missing ${missing[*]} in [${got//$'\n'/ }]"; fi
}
expect_excluding() {
  local name=$1 unwanted=$2 got w found=()
  shift 2
  if ! got=$(complete_words "$@" 2>&1); then
    fail "$name" "$got"
    return
  fi
  for w in $unwanted; do ! grep -qxF "$w" <<<"$got" || found+=("$w"); done
  if ((${#found[@]} == 0)); then pass "$name"; else fail "$name" "offered ${found[*]}"; fi
}

files=$WORK/files
mkdir -p "$files/include_dir"
touch "$files/trace.bt" "$files/notes.txt" "$files/vmlinux.btf" "$files/hdr.h"
emit_values=$(printf '%s\n' ast ir bpf-obj skel manifest man | sort)
target_values=$(printf '%s\n' x86_64 aarch64 | sort)

modes=(plain)
if [[ -f $BASH_COMPLETION_LIB ]]; then
  modes+=(lib)
else
  skip "bash: with bash-completion's helpers" "$BASH_COMPLETION_LIB is not installed"
fi
for mode in "${modes[@]}"; do
  c="bash/$mode:"
  expect_exactly "$c 'btc --em' -> --emit" "--emit" "$mode" "$files" 1 btc --em
  expect_exactly "$c 'btc --emit=' -> the emit kinds" "$emit_values" "$mode" "$files" 2 btc --emit =
  expect_exactly "$c 'btc --emit ' -> the emit kinds" "$emit_values" "$mode" "$files" 2 btc --emit ""
  expect_exactly "$c 'btc --emit=ma' -> manifest man" "$(printf 'man\nmanifest')" \
    "$mode" "$files" 3 btc --emit = ma
  expect_exactly "$c 'btc --target ' -> x86_64 aarch64" "$target_values" "$mode" "$files" 2 btc --target ""
  expect_exactly "$c 'btc --target=' -> x86_64 aarch64" "$target_values" "$mode" "$files" 2 btc --target =
  expect_exactly "$c 'btc x.bt --strlen ' -> nothing" "" "$mode" "$files" 3 btc x.bt --strlen ""
  expect_including "$c 'btc --' -> every long option of --help" "${long[*]}" "$mode" "$files" 1 btc --
  expect_including "$c 'btc -' -> every short option of --help" "${short[*]}" "$mode" "$files" 1 btc -
  expect_exactly "$c 'btc ' -> the .bt script (and directories)" "$(printf 'include_dir\ntrace.bt')" \
    "$mode" "$files" 1 btc ""
  expect_including "$c 'btc x.bt -o ' -> any file" "notes.txt trace.bt" "$mode" "$files" 3 btc x.bt -o ""
  expect_including "$c 'btc x.bt --btf=' -> any file" "vmlinux.btf" "$mode" "$files" 3 btc x.bt --btf =
  expect_including "$c 'btc x.bt --include ' -> headers" "hdr.h" "$mode" "$files" 3 btc x.bt --include ""
  expect_exactly "$c 'btc x.bt -I ' -> directories only" "include_dir" "$mode" "$files" 3 btc x.bt -I ""
  expect_including "$c 'btc --module-btf m=' -> files" "notes.txt" "$mode" "$files" 3 btc --module-btf m =
  # Every emit value btc --help lists is completed (a new kind needs the completion too).
  for opt in "${!value_sets[@]}"; do
    expect_including "$c 'btc $opt=' -> the values of --help (${value_sets[$opt]})" \
      "${value_sets[$opt]//,/ }" "$mode" "$files" 2 btc "$opt" =
  done
done

# --- (d) zsh completion ----------------------------------------------------------------------
if command -v zsh >/dev/null; then
  check "zsh: zsh -n _btc" zsh -n "$ZSH_COMP"
else
  skip "zsh: zsh -n _btc" "zsh is not installed"
fi
missing=()
for o in "${long[@]}"; do grep -qE -- "(^|[^-[:alnum:]])$o([^-[:alnum:]]|\$)" "$ZSH_COMP" || missing+=("$o"); done
if ((${#missing[@]} == 0)); then
  pass "zsh: _btc names every long option of --help"
else
  fail "zsh: _btc names every long option of --help" "missing ${missing[*]}"
fi
if head -1 "$ZSH_COMP" | grep -qx '#compdef btc'; then
  pass "zsh: _btc starts with #compdef btc"
else
  fail "zsh: _btc starts with #compdef btc" "first line: $(head -1 "$ZSH_COMP")"
fi

echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
