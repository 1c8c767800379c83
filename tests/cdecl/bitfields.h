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
