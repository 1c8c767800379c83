/* Scalar types, pointers, arrays and typedefs (x86-64 SysV sizes and alignments). */
#define TASK_COMM_LEN 16
#define NAME_LEN (TASK_COMM_LEN * 2)

struct scalars {
  char c;
  signed char sc;
  unsigned char uc;
  short s;
  unsigned short us;
  int i;
  unsigned int ui;
  long l;
  unsigned long ul;
  long long ll;
  unsigned long long ull;
  short int si;
  long int li;
  unsigned u;
  signed sg;
  long unsigned int lui;
  _Bool b;
  bool b2;
};

struct fixed_width {
  u8 a; u16 b; u32 c; u64 d;
  s8 e; s16 f; s32 g; s64 h;
  __u8 i; __u16 j; __u32 k; __u64 l;
  __s8 m; __s16 n; __s32 o; __s64 p;
  uint8_t q; uint16_t r; uint32_t s; uint64_t t;
  int8_t u; int16_t v; int32_t w; int64_t x;
  size_t y; ssize_t z;
  __be16 be16; __be32 be32; __le64 le64;
};

struct pointers {
  char c;
  void *vp;
  char *cp;
  const char *ccp;
  int **ipp;
  struct pointers *self;
  struct never_defined *opaque;
  unsigned long (*fn)(int, char *);
  char *const volatile cvp;
};

struct arrays {
  char comm[TASK_COMM_LEN];
  char name[NAME_LEN];
  int ints[3];
  short grid[2][3];
  char names[4][8];
  char c;
  long longs[2];
  char *argv[4];
  int (*rows)[4];
};

typedef unsigned int u32_t;
typedef struct point { int x, y; } point_t;
typedef struct point point;
typedef struct { char tag; long value; } tagged_t;
typedef tagged_t *tagged_ptr;
typedef char label_t[12];

struct uses_typedefs {
  u32_t id;
  point_t origin;
  point corners[2];
  tagged_t t;
  tagged_ptr next;
  label_t label;
};

struct with_flex {
  int len;
  char data[];
};

struct empty_ish { char c; };
union small { char c; short s; };
union mixed {
  char bytes[13];
  long l;
  struct point p;
};
/* The last member's ';' may be missing (clang warns; bpftrace 0.17 accepts it). */
struct missing_semi { int a; long b };
struct nested_missing_semi { struct inner_missing { char c; short s } in; int after };
