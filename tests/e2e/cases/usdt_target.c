/* usdt_target.c: the traced program of the usdt_* e2e cases. It carries SystemTap SDT notes
 * (tests/targets/btc_sdt.h), whose argument operands the compiler fills in (%eax, -20(%rbp),
 * $42, counter(%rip), ...).
 *
 * Every 100 ms (argv[1] times, default 3) it fires, with i = 1, 2, ...:
 *   btctest:args   (int8)-5, (u16)65000, (int32)-100000 in memory, (int64)-1234567890123,
 *                  constant 42, (u8)200 in memory, (u32)4000000000, (int16)-300 in memory,
 *                  constant -7, pointer to "hello usdt"
 *   btctest:loop   i            other:loop   i * 10        (same name, two providers)
 *   btctest:global counter (a global, operand counter(%rip)), i
 *   btctest:sema   i, only while its semaphore is non-zero (a tracer is attached)
 * With a second argument it prints "semaphore I" whenever it sees the semaphore raised.
 * Build: cc -O0 -fno-omit-frame-pointer (memory operands are then frame-relative). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../targets/btc_sdt.h"

/* The semaphore: a u16 in .probes the kernel increments while a uprobe with this
 * ref_ctr_offset is attached. */
volatile unsigned short btctest_sema_semaphore __attribute__((section(".probes"), used)) = 0;

int counter = 0;

static int report_semaphore = 0;

static void fire(int i) {
  volatile signed char c8 = -5;
  volatile unsigned short u16 = 65000;
  volatile int32_t s32 = -100000;
  volatile int64_t s64 = -1234567890123LL;
  volatile uint8_t u8 = 200;
  volatile uint32_t u32 = 4000000000u;
  volatile int16_t s16 = -300;
  const char* text = "hello usdt";
  if (text[0] != 'h') abort(); /* fault the string's page in: BPF reads cannot */
  signed char rc8 = c8;
  unsigned short ru16 = u16;
  int64_t rs64 = s64;
  uint32_t ru32 = u32;
  BTC_NOTE("btctest", "args", "0",
           "-1@%0 2@%1 -4@%2 -8@%3 8@%4 1@%5 4@%6 -2@%7 -8@%8 8@%9",
           "r"(rc8), "r"(ru16), "m"(s32), "r"(rs64), "n"(42), "m"(u8), "r"(ru32), "m"(s16),
           "n"(-7), "r"(text));
  int64_t wide = i;
  BTC_NOTE("btctest", "loop", "0", "-4@%0", "r"(i));
  BTC_NOTE("other", "loop", "0", "-8@%0", "r"(wide * 10));
  counter = i;
  BTC_NOTE("btctest", "global", "0", "-4@%0 -4@%1", "m"(counter), "r"(i));
  if (btctest_sema_semaphore) {
    BTC_NOTE("btctest", "sema", "btctest_sema_semaphore", "-4@%0", "r"(i));
    if (report_semaphore) {
      printf("semaphore %d\n", i);
      fflush(stdout);
    }
  }
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 3;
  report_semaphore = argc > 2;
  for (int i = 1; i <= n; i++) {
    fire(i);
    usleep(100000);
  }
  return 0;
}
