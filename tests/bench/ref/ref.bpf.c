// ref.bpf.c: the benchmark's hand-written reference, BPF side: what a careful libbpf tool
// does for each measured script (tests/bench/bench.py). Built only by the benchmark, with
// clang against a vmlinux.h that bpftool dumps from this kernel; CO-RE like btc's tools.
//
//   mode          script it stands for
//   openat        tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm,
//   str(args->filename)); } count_comm    tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }
//   hist_ret      tracepoint:raw_syscalls:sys_exit { @ = hist(args->ret); }
//   storm         tracepoint:syscalls:sys_enter_getppid /comm == "btc_bench_storm"/ {
//   printf("%d\n", tid); }
// BEGIN { exit(); } is ref_begin.bpf.c: an object without CO-RE relocations, as that script's
// would be (libbpf parses the kernel's BTF for any object that has some).
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define COMM_LEN 16
#define PATH_LEN 64

struct open_event {
  char comm[COMM_LEN];
  char path[PATH_LEN];
};

// 256 KiB, as libbpf-tools' tools use.
struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct comm_key {
  char comm[COMM_LEN];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 4096);
  __type(key, struct comm_key);
  __type(value, __u64);
} counts SEC(".maps");

#define HIST_SLOTS 66 // bpftrace's log2 buckets: negative, 0, then 2^0 .. 2^63

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, HIST_SLOTS);
  __type(key, __u32);
  __type(value, __u64);
} hist SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int openat(struct trace_event_raw_sys_enter* ctx) {
  struct open_event* e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return 0;
  bpf_get_current_comm(e->comm, sizeof(e->comm));
  bpf_probe_read_user_str(e->path, sizeof(e->path), (const char*)ctx->args[1]);
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int count_comm(void* ctx) {
  struct comm_key key = {};
  bpf_get_current_comm(key.comm, sizeof(key.comm));
  __u64* n = bpf_map_lookup_elem(&counts, &key);
  if (n) {
    (*n)++; // per-CPU: no atomic needed
  } else {
    __u64 one = 1;
    bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
  }
  return 0;
}

static __always_inline __u32 log2_u64(__u64 v) {
  __u32 r = 0, s;
  s = (v > 0xffffffffULL) << 5;
  v >>= s;
  r |= s;
  s = (v > 0xffff) << 4;
  v >>= s;
  r |= s;
  s = (v > 0xff) << 3;
  v >>= s;
  r |= s;
  s = (v > 0xf) << 2;
  v >>= s;
  r |= s;
  s = (v > 0x3) << 1;
  v >>= s;
  r |= s;
  return r | (__u32)(v >> 1);
}

SEC("tracepoint/raw_syscalls/sys_exit")
int hist_ret(struct trace_event_raw_sys_exit* ctx) {
  long ret = ctx->ret;
  __u32 slot = ret < 0 ? 0 : ret == 0 ? 1 : 2 + log2_u64((__u64)ret);
  __u64* n = bpf_map_lookup_elem(&hist, &slot);
  if (n) (*n)++;
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int storm(void* ctx) {
  static const char want[COMM_LEN] = "btc_bench_storm";
  char comm[COMM_LEN];
  bpf_get_current_comm(comm, sizeof(comm));
  for (int i = 0; i < COMM_LEN; i++) {
    if (comm[i] != want[i]) return 0;
    if (!comm[i]) break;
  }
  __u32* tid = bpf_ringbuf_reserve(&events, sizeof(*tid), 0);
  if (!tid) return 0;
  *tid = (__u32)bpf_get_current_pid_tgid();
  bpf_ringbuf_submit(tid, 0);
  return 0;
}
