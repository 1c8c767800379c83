# check_lib.sh: what the shell test scripts share (source it; bash). Each check is counted:
#   check NAME COMMAND...   runs COMMAND; PASS counts it, failure prints "FAIL: NAME"
#   contains TEXT WANTED    TEXT has the line fragment WANTED (else shows TEXT)
#   lacks TEXT UNWANTED     TEXT has no UNWANTED (case-insensitive)
#   report                  prints "N passed, M failed"; the exit status is 1 on a failure
passed=0 failed=0
check() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL: $name"; failed=$((failed + 1)); fi
}
contains() { grep -qF -- "$2" <<< "$1" || { echo "  missing: $2"; echo "$1" | sed 's/^/  | /'; return 1; }; }
lacks() { ! grep -qiF -- "$2" <<< "$1" || { echo "  unexpected: $2"; return 1; }; }
report() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
