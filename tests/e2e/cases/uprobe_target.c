/* uprobe_target.c: the traced program of the uprobe_* e2e cases (built by their setup step
 * with -O0 -fno-omit-frame-pointer). main -> leaf(7) -> work_add(7, 1), work_mul(7, 2),
 * N times (argv[1]), 100 ms apart. */
#include <stdlib.h>
#include <unistd.h>

int __attribute__((noinline)) work_add(int a, int b) { return a + b; }
int __attribute__((noinline)) work_mul(int a, int b) { return a * b; }
int __attribute__((noinline)) leaf(int x) { return work_add(x, 1) + work_mul(x, 2); }

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 3;
  int s = 0;
  for (int i = 0; i < n; i++) {
    s += leaf(7);
    usleep(100000);
  }
  return s == 0;
}
