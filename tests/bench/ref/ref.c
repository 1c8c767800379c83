// ref.c: the benchmark's hand-written reference, user side (see ref.bpf.c): one static
// libbpf tool with a mode per measured script. It opens the skeleton, loads only the mode's
// program, attaches it, prints events from the ring buffer or the maps at SIGINT, as a
// careful libbpf-tools tool would. Built only by tests/bench/bench.py.
//
//   ref MODE     (openat_one | openat | count_comm | hist_ret | storm | begin)
// With __BPFTRACE_NOTIFY_PROBES_ATTACHED set it says so on stderr once attached, as btc
// tools and bpftrace do, so the benchmark times all three the same way.
#include "ref.skel.h"
#include "ref_begin.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct open_event {
  char comm[16];
  char path[64];
};

static volatile sig_atomic_t stopping;
static int exit_after_one;

static void on_signal(int sig) {
  stopping = 1;
}

static int print_open(void* ctx, void* data, size_t size) {
  const struct open_event* e = data;
  printf("%s %s\n", e->comm, e->path);
  if (exit_after_one) stopping = 1;
  return 0;
}

static int print_tid(void* ctx, void* data, size_t size) {
  printf("%u\n", *(const unsigned*)data);
  return 0;
}

struct count {
  char comm[16];
  unsigned long long n;
};

static int by_count(const void* a, const void* b) {
  unsigned long long x = ((const struct count*)a)->n, y = ((const struct count*)b)->n;
  return x < y ? -1 : x > y;
}

static void print_counts(int fd) {
  int ncpu = libbpf_num_possible_cpus();
  unsigned long long* values = calloc(ncpu, sizeof(*values));
  struct count* rows = NULL;
  size_t n = 0;
  char key[16], next[16];
  char* prev = NULL;
  while (bpf_map_get_next_key(fd, prev, next) == 0) {
    memcpy(key, next, sizeof key);
    prev = key;
    if (bpf_map_lookup_elem(fd, key, values) != 0) continue;
    rows = realloc(rows, (n + 1) * sizeof(*rows));
    memcpy(rows[n].comm, key, sizeof key);
    rows[n].n = 0;
    for (int c = 0; c < ncpu; c++) rows[n].n += values[c];
    n++;
  }
  qsort(rows, n, sizeof(*rows), by_count);
  for (size_t i = 0; i < n; i++) printf("@[%.16s]: %llu\n", rows[i].comm, rows[i].n);
  free(rows);
  free(values);
}

static void print_hist(int fd) {
  int ncpu = libbpf_num_possible_cpus();
  unsigned long long* values = calloc(ncpu, sizeof(*values));
  for (unsigned slot = 0; slot < 66; slot++) {
    if (bpf_map_lookup_elem(fd, &slot, values) != 0) continue;
    unsigned long long total = 0;
    for (int c = 0; c < ncpu; c++) total += values[c];
    if (total) printf("slot %u: %llu\n", slot, total);
  }
  free(values);
}

// BEGIN { exit(); }: run once, as btc runs BEGIN.
static int run_begin(void) {
  struct ref_begin_bpf* skel = ref_begin_bpf__open_and_load();
  if (!skel) {
    fprintf(stderr, "ref: cannot load the BPF program\n");
    return 1;
  }
  LIBBPF_OPTS(bpf_test_run_opts, run);
  int err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.begin), &run);
  ref_begin_bpf__destroy(skel);
  return err ? 1 : 0;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "begin")) return run_begin();
  struct ref_bpf* skel = ref_bpf__open();
  if (!skel) {
    fprintf(stderr, "ref: cannot open the BPF object\n");
    return 1;
  }
  struct bpf_program* only = NULL;
  if (!strcmp(mode, "openat") || !strcmp(mode, "openat_one"))
    only = skel->progs.openat;
  else if (!strcmp(mode, "count_comm"))
    only = skel->progs.count_comm;
  else if (!strcmp(mode, "hist_ret"))
    only = skel->progs.hist_ret;
  else if (!strcmp(mode, "storm"))
    only = skel->progs.storm;
  if (!only) {
    fprintf(stderr, "usage: ref openat_one|openat|count_comm|hist_ret|storm|begin\n");
    return 2;
  }
  exit_after_one = !strcmp(mode, "openat_one");
  struct bpf_program* prog;
  bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(prog, prog == only);
  if (ref_bpf__load(skel)) {
    fprintf(stderr, "ref: cannot load the BPF program\n");
    return 1;
  }
  struct bpf_link* link = bpf_program__attach(only);
  if (!link) {
    fprintf(stderr, "ref: cannot attach\n");
    return 1;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED"))
    fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stderr);
  struct ring_buffer* rb = NULL;
  if (only == skel->progs.openat || only == skel->progs.storm)
    rb = ring_buffer__new(bpf_map__fd(skel->maps.events),
                          only == skel->progs.openat ? print_open : print_tid, NULL, NULL);
  while (!stopping) {
    if (rb) {
      if (ring_buffer__poll(rb, 100) < 0 && !stopping) break;
      fflush(stdout);
    } else {
      pause();
    }
  }
  bpf_link__destroy(link);
  if (rb) {
    ring_buffer__consume(rb);
    ring_buffer__free(rb);
  }
  if (only == skel->progs.count_comm) print_counts(bpf_map__fd(skel->maps.counts));
  if (only == skel->progs.hist_ret) print_hist(bpf_map__fd(skel->maps.hist));
  ref_bpf__destroy(skel);
  return 0;
}
