// load.c: the benchmark's workload: N system calls of one kind, as fast as one thread can.
//   load getppid N     N getppid() calls (raw_syscalls and sys_enter_getppid events)
//   load openat N      N openat()+close() of /etc/hostname (sys_enter_openat events)
// Prints nothing; the benchmark times it.
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  long n = atol(argv[2]);
  if (!strcmp(argv[1], "getppid")) {
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
  } else if (!strcmp(argv[1], "openat")) {
    for (long i = 0; i < n; i++) {
      int fd = open("/etc/hostname", O_RDONLY);
      if (fd >= 0) close(fd);
    }
  } else {
    return 2;
  }
  return 0;
}
