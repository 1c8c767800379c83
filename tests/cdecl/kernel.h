// nogcc: kernel types come from the (fake) BTF resolver of the test.
struct nameidata {
        struct path     path;
        struct qstr     last;
        // [...]
};

struct cfs_rq {
	struct load_weight load;
	unsigned long runnable_weight;
	unsigned int nr_running;
	unsigned int h_nr_running;
};

struct task_struct;   /* forward only: pointers resolve through BTF */

struct uses_kernel {
  struct task_struct *task;
  pid_t pid;
  enum pid_type type;
  sector_t sector;
  struct unknown_kernel_thing *opaque;
  struct later *later_ptr;   /* defined below in the preamble: a preamble record */
  struct path *paths[2];
};

typedef struct task_struct task_t;
typedef struct later later_t;

struct later {
  later_t *self;
  task_t *task;
  char comm[16];
};
