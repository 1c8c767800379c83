#!/bin/sh
# record.sh: record the oracle output for the differential corpus.
# Input: tests/diff/corpus/*.bt (or the scripts / directories named on the command line;
#   a directory stands for its *.bt files).
# Output: for each script NAME.bt, NAME.expected = stdout of Debian's bpftrace 0.17
#   (`bpftrace [OPTIONS] NAME.bt [ARGS]`, stderr discarded). A script bpftrace rejects
#   (non-zero exit or timeout) is reported and gets no .expected file.
#   OPTIONS: `-f json` for json_*.bt, `--unsafe` for unsafe_*.bt (both for unsafe_json_*);
#   ARGS: the words after `// args:` on a line of the script's leading comment block
#   (positional parameters; see run_diff.py).
# Usage: record.sh [--check] [SCRIPT.bt | DIR ...]
#   --check  do not write; run bpftrace and compare with the existing .expected files
#            (use it to confirm that the recorded output is deterministic).
# Must run as root (bpftrace loads BPF programs).
set -u

here=$(cd "$(dirname "$0")" && pwd)
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
if [ $# -eq 0 ]; then
  set -- "$here"/corpus/*.bt
fi
if ! command -v bpftrace >/dev/null 2>&1; then
  echo "record.sh: bpftrace not found" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "record.sh: must run as root" >&2
  exit 2
fi

# Expand directory arguments into their scripts.
for arg in "$@"; do
  shift
  if [ -d "$arg" ]; then
    for f in "$arg"/*.bt; do
      [ -e "$f" ] && set -- "$@" "$f"
    done
  else
    set -- "$@" "$arg"
  fi
done

# Positional arguments of a script: the words after `// args:` in its leading comments.
script_args() {
  sed -n '/^[^/]/q; s|^// args:||p' "$1" | head -n 1
}

failed=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for script in "$@"; do
  name=$(basename "$script" .bt)
  expected="${script%.bt}.expected"
  opts=""
  case "$name" in
    unsafe_*) opts="--unsafe" ;;
  esac
  case "$name" in
    json_*|unsafe_json_*) opts="$opts -f json" ;;
  esac
  # $opts and the script's args are split into words on purpose.
  # shellcheck disable=SC2086
  if ! timeout 30 bpftrace $opts "$script" $(script_args "$script") >"$tmp" 2>/dev/null; then
    echo "REJECTED $name (bpftrace exit status non-zero)"
    failed=1
    continue
  fi
  if [ $check -eq 1 ]; then
    if [ ! -f "$expected" ]; then
      echo "MISSING $name"
      failed=1
    elif cmp -s "$tmp" "$expected"; then
      echo "SAME $name"
    else
      echo "DIFFERS $name"
      diff -u "$expected" "$tmp"
      failed=1
    fi
  else
    cp "$tmp" "$expected"
    echo "RECORDED $name"
  fi
done
exit $failed
