// maxrss.c: runs a command and prints its peak RSS (KiB) on stderr as "maxrss_kib=N".
// The benchmark measures through this small static launcher, not from Python: a child's
// ru_maxrss includes what its parent's image held before exec, and this one holds ~0.1 MiB.
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return 1;
  fprintf(stderr, "maxrss_kib=%ld\n", ru.ru_maxrss);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
