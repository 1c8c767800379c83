/* kload.c: workloads for the kernel suite's guest, where only busybox runs (linked -static).
 *
 *   kload tcp PORT N       N TCP connections over loopback to a listener of its own: connect,
 *                          accept, a few bytes each way, close
 *   kload unix N           N writes and reads over a UNIX stream socketpair
 *   kload hog MB           touches MB megabytes, page by page, then sleeps a second (run it in
 *                          a memory-limited cgroup: the OOM killer or swapping)
 *   kload syn ADDR PORT    one TCP connect to ADDR that nothing answers; waits 1.5 s while the
 *                          kernel retransmits the SYN
 *   kload spin MS          spins on the CPU for MS milliseconds
 *   kload read FILE N [MS] N read(2) calls of 512 bytes on FILE (busybox cat uses sendfile),
 *                          then a pause of MS milliseconds (a tracer sees it alive)
 *   kload readv FILE N     N readv(2) calls of two 256-byte buffers on FILE
 *   kload ppid N MS        N getppid(2) calls, MS milliseconds apart
 * Exit status 0 when the workload ran, 1 (with a message) when a system call failed. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int fail(const char* what) {
  fprintf(stderr, "kload: %s: %s\n", what, strerror(errno));
  return 1;
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int tcp(int port, int n) {
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ls < 0 || bind(ls, (struct sockaddr*)&a, sizeof a) != 0 || listen(ls, 16) != 0)
    return fail("listen");
  for (int i = 0; i < n; i++) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr*)&a, sizeof a) != 0) return fail("connect");
    int s = accept(ls, NULL, NULL);
    if (s < 0) return fail("accept");
    char buf[8] = "ping";
    if (write(c, buf, 4) != 4 || read(s, buf, 4) != 4 || write(s, buf, 4) != 4 ||
        read(c, buf, 4) != 4)
      return fail("exchange");
    close(c);
    close(s);
  }
  close(ls);
  return 0;
}

static int unix_stream(int n) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return fail("socketpair");
  char buf[64];
  for (int i = 0; i < n; i++) {
    memset(buf, 'a' + i % 26, sizeof buf);
    if (write(sv[0], buf, sizeof buf) != sizeof buf || read(sv[1], buf, sizeof buf) <= 0)
      return fail("unix exchange");
  }
  return 0;
}

static int hog(long mb) {
  long size = mb << 20;
  char* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return fail("mmap");
  for (long off = 0; off < size; off += 4096) p[off] = (char)off;
  long sum = 0;
  for (long off = 0; off < size; off += 4096) sum += p[off]; /* touch again: swapped in */
  sleep(1);
  return sum == 42; /* 0 unless by chance: the value is not the point */
}

static int syn(const char* addr, int port) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (c < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1) return fail("socket");
  fcntl(c, F_SETFL, O_NONBLOCK);
  if (connect(c, (struct sockaddr*)&a, sizeof a) != 0 && errno != EINPROGRESS)
    return fail("connect");
  usleep(1500000);
  close(c);
  return 0;
}

static int spin(long ms) {
  long end = now_ms() + ms;
  volatile unsigned long x = 0;
  while (now_ms() < end)
    for (int i = 0; i < 100000; i++) x += i;
  return 0;
}

static int read_file(const char* path, int n, long pause_ms) {
  char buf[512];
  for (int i = 0; i < n; i++) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fail("open");
    if (read(fd, buf, sizeof buf) < 0) return fail("read");
    close(fd);
  }
  usleep(pause_ms * 1000);
  return 0;
}

static int readv_file(const char* path, int n) {
  char a[256], b[256];
  struct iovec iov[2] = {{a, sizeof a}, {b, sizeof b}};
  for (int i = 0; i < n; i++) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fail("open");
    if (readv(fd, iov, 2) < 0) return fail("readv");
    close(fd);
  }
  return 0;
}

static int ppid(int n, long ms) {
  for (int i = 0; i < n; i++) {
    getppid();
    usleep(ms * 1000);
  }
  return 0;
}

int main(int argc, char** argv) {
  const char* cmd = argc > 1 ? argv[1] : "";
  if (!strcmp(cmd, "tcp") && argc == 4) return tcp(atoi(argv[2]), atoi(argv[3]));
  if (!strcmp(cmd, "unix") && argc == 3) return unix_stream(atoi(argv[2]));
  if (!strcmp(cmd, "hog") && argc == 3) return hog(atol(argv[2]));
  if (!strcmp(cmd, "syn") && argc == 4) return syn(argv[2], atoi(argv[3]));
  if (!strcmp(cmd, "spin") && argc == 3) return spin(atol(argv[2]));
  if (!strcmp(cmd, "read") && (argc == 4 || argc == 5))
    return read_file(argv[2], atoi(argv[3]), argc == 5 ? atol(argv[4]) : 0);
  if (!strcmp(cmd, "readv") && argc == 4) return readv_file(argv[2], atoi(argv[3]));
  if (!strcmp(cmd, "ppid") && argc == 4) return ppid(atoi(argv[2]), atol(argv[3]));
  fprintf(stderr, "usage: kload tcp PORT N | unix N | hog MB | syn ADDR PORT | spin MS | "
                  "read FILE N [MS] | readv FILE N | ppid N MS\n");
  return 2;
}
