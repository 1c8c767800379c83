# runner.sh: the guest side of a case (busybox sh, sourced by each /cases/NAME/run.sh).
#
# start_tool CMD...  runs the tool in the background with the attach notification on, waits
#                    until it reports its probes attached (or exits); $TOOL_PID, $CASE_DIR
# stop_tool MODE MS TIMEOUT
#                    MODE "exit": wait for the tool to exit; "INT"/"TERM": send it after MS ms;
#                    either way at most TIMEOUT s, then SIGKILL (reported as a timeout)
# report NAME        prints the case's result block: status, then stdout, stderr and the
#                    workload's output, each base64-encoded (the host decodes and checks them)

start_tool() {
  __BPFTRACE_NOTIFY_PROBES_ATTACHED=1 "$@" > "$CASE_DIR/stdout" 2> "$CASE_DIR/stderr" < /dev/null &
  TOOL_PID=$!
  ATTACHED=0
  i=0
  while [ $i -lt 600 ]; do
    if grep -q __BPFTRACE_NOTIFY_PROBES_ATTACHED "$CASE_DIR/stderr" 2>/dev/null; then
      ATTACHED=1
      return
    fi
    kill -0 $TOOL_PID 2>/dev/null || return
    sleep 0.1
    i=$((i + 1))
  done
}

stop_tool() {
  mode=$1 ms=$2 limit=$3
  if [ "$mode" != exit ]; then
    usleep $((ms * 1000))
    kill -$mode $TOOL_PID 2>/dev/null
  fi
  TIMED_OUT=0
  i=0
  while kill -0 $TOOL_PID 2>/dev/null; do
    if [ $i -ge $((limit * 10)) ]; then
      TIMED_OUT=1
      kill -9 $TOOL_PID 2>/dev/null
      break
    fi
    sleep 0.1
    i=$((i + 1))
  done
  wait $TOOL_PID
  STATUS=$?
}

report() {
  echo "@@CASE $1 status=$STATUS attached=$ATTACHED timed_out=$TIMED_OUT"
  for part in stdout stderr workload; do
    echo "@@$part"
    [ -f "$CASE_DIR/$part" ] && base64 "$CASE_DIR/$part"
  done
  echo "@@END $1"
}
