/* uvalues.c: a traced program whose memory holds known values, for the tests that read user
 * memory through pointers (uprobe/uretprobe arguments and return values, usdt arguments,
 * syscall buffers). Every value below is fixed, so a script's output is the same under
 * bpftrace 0.17 and btc; pointer values themselves (ASLR) must not be printed.
 *
 * main() builds the data on its stack (resident, so BPF reads never fault), then calls each
 * traced function once, in this order:
 *   take_pair(&pair)                 pair = {3, 4}
 *   take_node(&n1)                   n1 -> n2 -> NULL (see make_nodes)
 *   take_pp(pp)                      pp = {&g_one (111), &g_two (222)}
 *   take_str(text, 5)                text = "hello" (in a stack array)
 *   take_nodes(nodes, 3)             nodes[i] = {id 10+i, name "n<i>", p {i, -i}, ...}
 *   take_bits(&bits)                 bits = {a 5, b -3, c 1, d 1000}
 *   take_union(&u)                   u.l = 0x0102030405060708
 *   take_argv(argv_like)             {"alpha", "beta", "gamma", NULL}
 *   ret_node()                       returns &n1
 *   ret_int()                        returns -42
 *   usdt uvalues:node  &n1, n1.id, &pair
 *   usdt uvalues:text  text, &g_one
 *   usdt uvalues:twice 1, then 2 (one marker inlined at two places: two locations)
 *   usdt uvalues:"quoted" 7 (the name holds the quotes, as DTRACE_PROBE1(p, "quoted", x)
 *                         makes it)
 *   write(devnull, &pair, sizeof pair)   (for syscall tracepoints)
 * With an argument N, the whole sequence runs N times (default 1).
 * `uvalues spin MS` instead maps a page at the fixed address 0x20000000 (kSpinPage), writes
 * the pair {3, 4} at its start, and spins on the CPU for MS milliseconds: probes that sample
 * the process (profile, software events) then read it at a known address.
 * Build: cc -O0 -g -fno-omit-frame-pointer (the functions must not be inlined). */
#include "btc_sdt.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct pair {
  int a;
  int b;
};

struct inner {
  short s;
  long l;
};

struct node {
  long id;
  char name[8];
  struct pair p;
  struct inner in;
  int* ptrs[2];
  struct node* next;
  int arr[4];
};

struct bits {
  unsigned int a : 4;
  int b : 4;
  unsigned int c : 1;
  unsigned int d : 12;
};

union word {
  long l;
  int i[2];
  unsigned char c[8];
};

int g_one = 111;
int g_two = 222;
static struct node* g_first;

#define TRACED __attribute__((noinline, used))

TRACED int take_pair(struct pair* p) { return p->a + p->b; }
TRACED long take_node(struct node* n) { return n->id; }
TRACED int take_pp(int** pp) { return **pp; }
TRACED long take_str(const char* s, long n) { return (long)strlen(s) + n; }
TRACED long take_nodes(struct node* nodes, int count) { return nodes[count - 1].id; }
TRACED int take_bits(struct bits* b) { return b->a; }
TRACED long take_union(union word* w) { return w->l; }
TRACED int take_argv(char** argv) { return argv[0][0]; }
TRACED struct node* ret_node(void) { return g_first; }
TRACED int ret_int(void) { return -42; }

static inline __attribute__((always_inline)) void fire_twice(long which) {
  BTC_NOTE("uvalues", "twice", "0", "-8@%0", "r"(which));
}

static void fire_usdt(struct node* n, struct pair* p, const char* text) {
  long id = n->id;
  BTC_NOTE("uvalues", "node", "0", "8@%0 -8@%1 8@%2", "r"(n), "r"(id), "r"(p));
  BTC_NOTE("uvalues", "text", "0", "8@%0 8@%1", "r"(text), "r"(&g_one));
  fire_twice(1);
  fire_twice(2);
  long seven = 7;
  BTC_NOTE("uvalues", "\\\"quoted\\\"", "0", "-8@%0", "r"(seven));
}

static void run_once(int devnull) {
  struct pair pair = {3, 4};
  struct node n2 = {.id = 2,
                    .name = "second",
                    .p = {5, 6},
                    .in = {-7, 70000000000L},
                    .ptrs = {&g_two, &g_one},
                    .next = NULL,
                    .arr = {9, 8, 7, 6}};
  struct node n1 = {.id = 1,
                    .name = "first",
                    .p = {1, 2},
                    .in = {-3, 1234567890123L},
                    .ptrs = {&g_one, &g_two},
                    .next = &n2,
                    .arr = {1, 2, 3, 4}};
  int* pp[2] = {&g_one, &g_two};
  char text[8] = "hello";
  struct node nodes[3];
  memset(nodes, 0, sizeof nodes);
  for (int i = 0; i < 3; i++) {
    nodes[i].id = 10 + i;
    nodes[i].name[0] = 'n';
    nodes[i].name[1] = (char)('0' + i);
    nodes[i].p.a = i;
    nodes[i].p.b = -i;
    nodes[i].arr[i] = 100 * i;
    nodes[i].next = i < 2 ? &nodes[i + 1] : NULL;
  }
  struct bits bits = {.a = 5, .b = -3, .c = 1, .d = 1000};
  union word u = {.l = 0x0102030405060708L};
  char alpha[] = "alpha", beta[] = "beta", gamma[] = "gamma";
  char* argv_like[] = {alpha, beta, gamma, NULL};
  g_first = &n1;

  take_pair(&pair);
  take_node(&n1);
  take_pp(pp);
  take_str(text, 5);
  take_nodes(nodes, 3);
  take_bits(&bits);
  take_union(&u);
  take_argv(argv_like);
  ret_node();
  ret_int();
  fire_usdt(&n1, &pair, text);
  if (write(devnull, &pair, sizeof pair) < 0) abort();
}

static int spin(long ms) {
  void* const kSpinPage = (void*)0x20000000;
  struct pair* p = mmap(kSpinPage, 4096, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (p != kSpinPage) return 1;
  p->a = 3;
  p->b = 4;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  do {
    for (volatile int i = 0; i < 100000; i++) {
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 2 && strcmp(argv[1], "spin") == 0) return spin(atol(argv[2]));
  int runs = argc > 1 ? atoi(argv[1]) : 1;
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull < 0) return 1;
  for (int i = 0; i < runs; i++) run_once(devnull);
  close(devnull);
  return 0;
}
