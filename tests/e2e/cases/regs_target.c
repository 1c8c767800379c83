/* regs_target.c: the traced program of the regs_* e2e cases (built non-PIE, so uaddr()'s
 * ELF addresses are the run-time addresses, as in bpftrace 0.17). many() takes 8 arguments:
 * the last two are passed on the stack (sarg0, sarg1). counter_g is bumped before each call. */
#include <stdio.h>
#include <unistd.h>

int counter_g = 41;
short small_g = 7;

__attribute__((noinline)) long many(long a, long b, long c, long d, long e, long f, long g,
                                    long h) {
  return a + b + c + d + e + f + g + h;
}

int main(void) {
  usleep(200000);
  for (int i = 0; i < 3; i++) {
    counter_g++;
    printf("%ld\n", many(1, 2, 3, 4, 5, 6, 70 + i, 80 + i));
  }
  return 0;
}
