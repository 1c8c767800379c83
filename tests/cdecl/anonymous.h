/* Nested and anonymous members: anonymous members keep their fields findable. */
struct anon_union {
  int kind;
  union {
    long l;
    void *p;
    char s[12];
  };
  char tail;
};

struct anon_nested {
  char a;
  struct {
    short b;
    union {
      int c;
      struct {
        char d;
        long e;
      };
    };
  };
  struct {
    int f : 4;
    int g : 4;
  };
  char h;
};

struct named_nested {
  struct inner_rec {
    char x;
    int y;
  } inner;
  struct {
    long v;
    char w;
  } unnamed_type;
  union {
    int i;
    char c;
  } u;
  struct inner_rec again[2];
};

struct list_node {
  struct list_node *next, *prev;
  union {
    struct { unsigned int lo, hi; };
    unsigned long value;
  };
};

union anon_in_union {
  struct { char a; char b; };
  struct { short ab; int cd; };
  long whole;
};
