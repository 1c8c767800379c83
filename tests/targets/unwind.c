/* unwind.c: a traced program built without frame pointers (-O2 -fomit-frame-pointer), for the
 * dw_ustack tests: its user stacks can only be followed with the DWARF call frame information
 * (.eh_frame), as gdb and dw_ustack do; frame-pointer unwinding (ustack) stops early.
 *
 * Usage: unwind N      calls outer() N times: main -> outer -> middle -> leaf -> getppid()
 *        unwind sort   sorts 5 ints with qsort(): main -> qsort (libc) -> ... -> cmp -> leaf
 *        unwind wait   sleeps 1 s first (a -p target), then as `unwind 1`
 *        a second argument `linger` sleeps 0.3 s before exiting (a -c child whose mappings
 *        the tool reads to symbolize stacks printed after it exited)
 * Each leaf() call makes one getppid() system call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) int leaf(int x) {
  asm volatile("" ::: "memory");
  return x + (int)(getppid() & 1);
}

__attribute__((noinline)) int middle(int x) {
  int r = leaf(x * 3);
  asm volatile("" ::: "memory");
  return r + 1;
}

__attribute__((noinline)) int outer(int x) {
  int r = middle(x + 2);
  asm volatile("" ::: "memory");
  return r * 2;
}

static int cmp(const void* a, const void* b) {
  int x = *(const int*)a, y = *(const int*)b;
  return leaf(x) - leaf(y) + (x - y) * 0;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "1";
  int sum = 0;
  if (strcmp(mode, "sort") == 0) {
    int v[5] = {5, 3, 4, 1, 2};
    qsort(v, 5, sizeof v[0], cmp);
    sum = v[0];
  } else {
    int n = 1;
    if (strcmp(mode, "wait") == 0)
      sleep(1);
    else
      n = atoi(mode);
    for (int i = 0; i < n; ++i) sum += outer(i);
  }
  printf("%d\n", sum);
  if (argc > 2 && strcmp(argv[2], "linger") == 0) usleep(300000);
  return 0;
}
