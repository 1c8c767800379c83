/* Enums: implicit increments, references to earlier enumerators and #defines, constant
   expressions, the enum's integer type, enum fields. */
#define BASE 100
#define FLAG(n) (1 << (n))
#define SHIFTED (1 << 4)

enum color { RED, GREEN = 5, BLUE, YELLOW = BLUE * 2, };

enum flags {
  F_NONE = 0,
  F_READ = 1 << 0,
  F_WRITE = 1 << 1,
  F_RW = F_READ | F_WRITE,
  F_BIG = SHIFTED,
  F_BASE = BASE + 1,
  F_PAREN = (BASE - 1) * (2 + 1),
  F_NEXT
};

enum negative { NEG = -2, NEG_NEXT, NEG_ZERO = NEG + 2 };
enum wide { WIDE_SMALL = 1, WIDE_BIG = 0x100000000 };
enum { ANON_A = 'a', ANON_B, ANON_HEX = 0x1f, ANON_OCT = 010, ANON_CMP = (3 > 2) + (1 == 1) };
enum char_sized { CS_A, CS_B = 200 } __attribute__((packed));

struct with_enums {
  enum color c;
  enum wide w;
  enum negative n;
  enum char_sized small;
  char tail;
  int sized[YELLOW];
  char buf[sizeof(long) * 2];
};
