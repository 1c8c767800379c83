/* wildcard_host_target.c: target of the wildcard_host_* e2e cases, built after the tool.
 * Calls work_a and work_b (and work_c when built with -DWORK_C; never inlined) N times
 * (argv[1], default 1), prints acc=SUM, then stays alive MS milliseconds (argv[2]) so that a
 * tracer can still read its /proc/PID/maps when it prints user symbols. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) int work_a(int x) { return x + 1; }
__attribute__((noinline)) int work_b(int x) { return x * 2; }
#ifdef WORK_C
__attribute__((noinline)) int work_c(int x) { return x - 1; }
#endif

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  int acc = 0;
  for (int i = 0; i < n; i++) {
    acc += work_a(i) + work_b(i);
#ifdef WORK_C
    acc += work_c(i);
#endif
  }
  printf("acc=%d\n", acc);
  fflush(stdout);
  if (argc > 2) usleep((useconds_t)atoi(argv[2]) * 1000);
  return 0;
}
