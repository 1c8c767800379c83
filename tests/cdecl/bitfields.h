/* Bitfields with the x86-64 SysV (gcc) rules. */
struct bf_basic {
  unsigned int a : 1;
  unsigned int b : 3;
  unsigned int c : 28;
  unsigned int d : 1;
};

struct bf_straddle {
  char a;
  int b : 4;
  int c : 30;
};

struct bf_types {
  unsigned char a : 3;
  unsigned char b : 6;
  unsigned short c : 9;
  unsigned long d : 40;
  unsigned long e : 30;
  long long f : 2;
};

struct bf_zero {
  char a : 3;
  int : 0;
  char b : 2;
  long : 0;
  char c;
  unsigned short d : 5;
};

struct bf_unnamed {
  char a;
  int : 12;
  char b;
};

struct bf_after_field {
  short s;
  char c;
  int x : 9;
  int y : 9;
  long z : 60;
  char tail;
};

struct bf_bool_enum {
  bool flag : 1;
  _Bool other : 1;
  enum { BF_A, BF_B, BF_C } kind : 2;
  int rest : 28;
};

union bf_union {
  int a : 3;
  unsigned int b : 17;
  char c;
};

struct bf_signedness {
  signed int neg : 5;
  unsigned int pos : 5;
  int plain : 5;
  u8 small : 2;
};

struct bf_only_char {
  unsigned char a : 4, b : 4, c : 4;
};

struct bf_packed_zero {
  char a : 3;
  int : 0;
  char b;
  int c : 7;
} __attribute__((packed));

struct bf_long_straddle {
  unsigned int a : 30;
  unsigned long b : 40;
  unsigned long c : 40;
};

struct bf_mixed_types {
  char a;
  short b : 12;
  char c : 7;
  long long d : 1;
};

struct bf_after_array {
  char s[3];
  int x : 8;
  int y : 16;
};

union bf_union_unnamed {
  int : 7;
  char c;
};

struct bf_in_nested {
  struct {
    int a : 5;
  };
  int b : 5;
  union {
    unsigned char u : 2;
    unsigned short v : 11;
  };
};
