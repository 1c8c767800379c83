// ref_begin.bpf.c: the reference for `BEGIN { exit(); }`: one program the tool runs once
// (BPF_PROG_TEST_RUN, as btc runs BEGIN) and nothing to relocate.
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tp")
int begin(void* ctx) {
  return 0;
}
