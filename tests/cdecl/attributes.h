/* packed and aligned attributes (gcc spellings and the kernel's __packed / __aligned). */
struct packed_s {
  char c;
  int i;
  long l;
  short s;
} __attribute__((packed));

struct __attribute__((__packed__)) packed_first {
  char c;
  long l;
};

struct packed_member {
  char c;
  int i __attribute__((packed));
  long l;
};

struct aligned_member {
  char c;
  int i __attribute__((aligned(16)));
  char d;
};

struct aligned_struct {
  char c;
} __attribute__((aligned(8)));

struct packed_aligned {
  char c;
  int i;
} __attribute__((packed, aligned(4)));

struct kernel_macros {
  char c;
  u64 v;
} __packed;

struct kernel_aligned {
  u32 x;
} __aligned(32);

struct contains_packed {
  char c;
  struct packed_s p;
  struct aligned_struct a;
};

struct packed_bitfields {
  char a : 3;
  int b : 20;
  char c;
} __attribute__((packed));

typedef int aligned_int __attribute__((aligned(8)));
struct uses_aligned_typedef {
  char c;
  aligned_int x;
};

struct alignas_member {
  char c;
  _Alignas(8) char d;
  _Alignas(long) short e;
};

struct packed_record_member {
  char c;
  struct aligned_member m __attribute__((packed));
  char d;
};
