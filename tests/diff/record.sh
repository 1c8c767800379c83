#!/bin/sh
# record.sh: record the oracle output for the differential corpus.
# Input: tests/diff/corpus/*.bt (or the scripts named on the command line).
# Output: for each script NAME.bt, NAME.expected = stdout of Debian's bpftrace 0.17
#   (`bpftrace NAME.bt`, stderr discarded). A script bpftrace rejects (non-zero exit or
#   timeout) is reported and gets no .expected file.
# Usage: record.sh [--check] [SCRIPT.bt ...]
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

failed=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for script in "$@"; do
  name=$(basename "$script" .bt)
  expected="${script%.bt}.expected"
  if ! timeout 30 bpftrace "$script" >"$tmp" 2>/dev/null; then
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
