// watch_target.c: writes to known addresses for the watchpoint e2e cases.
//   addr   writes 10, 20, 30, 40, 50 to an int at the fixed address 0x10000000
//   func   watch_me(&g_a), five writes right after it (only a stopped tracee can have its
//          breakpoint armed in time), stop_watch(&g_a), a pause, five more writes
//   async  like func with a pause after watch_me
//   late   like func after a second's sleep (for -p: the tool attaches meanwhile)
//   many   watch_me() on six different ints, then one write to each
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

volatile int g_a;
volatile int g_many[8];

__attribute__((noinline)) void watch_me(volatile int *p) { __asm__ volatile("" ::"r"(p) : "memory"); }
__attribute__((noinline)) void stop_watch(volatile int *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

static void five_writes(volatile int *p, int base) {
  for (int i = 1; i <= 5; i++) *p = base * i;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "addr";
  if (strcmp(mode, "addr") == 0) {
    volatile int *p = mmap((void *)0x10000000, 4096, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) return 1;
    for (int i = 1; i <= 5; i++) {
      p[0] = i * 10;
      usleep(1000);
    }
  } else if (strcmp(mode, "func") == 0 || strcmp(mode, "async") == 0 ||
             strcmp(mode, "late") == 0) {
    if (strcmp(mode, "late") == 0) sleep(1);
    watch_me(&g_a);
    if (strcmp(mode, "async") == 0) usleep(200000);
    five_writes(&g_a, 10);
    stop_watch(&g_a);
    usleep(200000);
    five_writes(&g_a, 100);
  } else if (strcmp(mode, "many") == 0) {
    for (int i = 0; i < 6; i++) {
      watch_me(&g_many[i]);
      usleep(20000);
    }
    for (int i = 0; i < 6; i++) g_many[i] = i + 1;
  }
  printf("done %s\n", mode);
  return 0;
}
