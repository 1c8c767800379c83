#!/usr/bin/env bash
# run_fuzz.sh: builds the libFuzzer targets (clang-19, ASan+UBSan) in their own build
# directory, seeds them with every .bt script of the test suites and tools, and runs each for
# SECONDS. Exits non-zero when a target finds a crash, leak, hang or sanitizer report; the
# reproducer is left in WORK/crashes/ (run `fuzz_TARGET FILE` to replay it).
#
#   tests/fuzz/run_fuzz.sh [--seconds N] [--seed N] [--build DIR] [--work DIR]
#                          [parse|sema|compile ...]
# --seed fixes libFuzzer's random seed (the test command uses 1, so a CI run mutates the same
# way every time; long runs leave it random).
#
# The corpus grows in WORK/corpus/TARGET between runs (docs/testing.md: running for hours).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds=60
seed=0 # 0: libFuzzer picks one
build="$root/build-fuzz"
work="$root/build-fuzz/fuzz-work"
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    parse|sema|compile) targets+=("$1"); shift ;;
    *) echo "run_fuzz.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(parse sema compile)

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang-19 CXX=clang++-19 cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBTC_FUZZ=ON -DBTC_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target fuzz_targets -- -j"$(nproc)" >/dev/null

mkdir -p "$work/seed" "$work/crashes"
find "$root/tests" "$root/tools" -name '*.bt' -print0 |
  while IFS= read -r -d '' f; do
    rel="${f#"$root"/}"
    cp "$f" "$work/seed/${rel//\//_}"
  done

status=0
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t"
  log="$work/$t.log"
  echo "== fuzz_$t for ${seconds}s (log: $log)"
  # -timeout: one input compiling for 20 s is a hang; -rss_limit_mb: LLVM and the kernel's
  # BTF need ~700 MB under ASan.
  if ! "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -seed="$seed" -timeout=20 -rss_limit_mb=4096 \
      -dict="$root/tests/fuzz/bpftrace.dict" -artifact_prefix="$work/crashes/$t-" \
      -print_final_stats=1 "$work/corpus/$t" "$work/seed" >"$log" 2>&1; then
    status=1
    echo "fuzz_$t FAILED:"
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -20
  fi
  grep -P '^#\d+\t' "$log" | tail -1 || true # executions, coverage (cov: edges, ft: features)
done
exit $status
