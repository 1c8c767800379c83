// process.cpp: the -c child and the -p target watch (see process.h).
#include "host/process.h"

#include "host/text_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace btc::rt {
namespace {

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&ts, nullptr);
}

// In the forked child: say it is ready, wait for the go byte, then exec. Never returns.
// Every system call before the wait happens before the tool goes on to attach its probes
// (it waits for `ready_fd`), so the script never traces the child's own set-up.
[[noreturn]] void run_child(int hold_fd, int ready_fd, pid_t parent, const std::string& path,
                            const std::vector<char*>& argv) {
  // If the tool dies before or after release, the child is not left behind.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(1);
  char ready = 1;
  if (write(ready_fd, &ready, 1) != 1) _exit(1);
  close(ready_fd);
  char go = 0;
  ssize_t n;
  do n = read(hold_fd, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) _exit(0); // the tool failed before attaching: quit without running CMD
  close(hold_fd);
  for (int sig : {SIGINT, SIGTERM, SIGUSR1, SIGCHLD, SIGPIPE}) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execv(path.c_str(), argv.data());
  int e = errno;
  std::string msg = "ERROR: cannot run '" + path + "': " + std::strerror(e) + "\n";
  write_all(STDERR_FILENO, msg);
  _exit(127);
}

} // namespace

std::vector<std::string> split_command(std::string_view command) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < command.size()) {
    while (i < command.size() && command[i] == ' ') ++i;
    size_t start = i;
    while (i < command.size() && command[i] != ' ') ++i;
    if (i > start) words.emplace_back(command.substr(start, i - start));
  }
  return words;
}

bool resolve_executable(std::string_view name, std::string_view path_env, std::string& out,
                        std::string& err) {
  if (name.empty()) {
    err = "empty command";
    return false;
  }
  if (name.find('/') != std::string_view::npos) {
    out = std::string(name);
    if (is_executable_file(out)) return true;
    err = "path '" + out + "' does not exist or is not executable";
    return false;
  }
  size_t start = 0;
  while (start <= path_env.size()) {
    size_t end = path_env.find(':', start);
    if (end == std::string_view::npos) end = path_env.size();
    std::string dir(path_env.substr(start, end - start));
    std::string candidate = (dir.empty() ? "." : dir) + "/" + std::string(name);
    if (is_executable_file(candidate)) {
      out = candidate;
      return true;
    }
    start = end + 1;
  }
  err = "command '" + std::string(name) + "' not found in PATH";
  return false;
}

bool process_exists(int64_t pid) {
  if (pid <= 0 || pid > 0x7fffffff) return false;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string foreign_root(int64_t pid) {
  if (pid <= 0) return "";
  std::string proc = "/proc/" + std::to_string(pid);
  struct stat self {}, target {};
  if (stat("/proc/self/ns/mnt", &self) != 0 || stat((proc + "/ns/mnt").c_str(), &target) != 0)
    return "";
  if (self.st_dev == target.st_dev && self.st_ino == target.st_ino) return "";
  return proc + "/root";
}

std::optional<std::string> process_env(int64_t pid, std::string_view name) {
  std::string environ = read_text_file("/proc/" + std::to_string(pid) + "/environ");
  std::string prefix = std::string(name) + "=";
  Lines vars(environ, '\0');
  for (std::string_view var; vars.next(var);)
    if (var.starts_with(prefix)) return std::string(var.substr(prefix.size()));
  return std::nullopt;
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

ChildProcess::~ChildProcess() {
  terminate();
  if (pidfd_ >= 0) close(pidfd_);
}

bool ChildProcess::spawn(const std::string& path, const std::vector<std::string>& argv,
                         std::string& err) {
  int fds[2], ready[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    err = std::string("cannot create a pipe: ") + std::strerror(errno);
    return false;
  }
  if (pipe2(ready, O_CLOEXEC) != 0) {
    err = std::string("cannot create a pipe: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return false;
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(nullptr); // nothing buffered may be written twice
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    err = std::string("fork failed: ") + std::strerror(errno);
    for (int fd : {fds[0], fds[1], ready[0], ready[1]}) close(fd);
    return false;
  }
  if (pid == 0) {
    close(fds[1]);
    close(ready[0]);
    run_child(fds[0], ready[1], parent, path, args);
  }
  close(fds[0]);
  close(ready[1]);
  // The child's set-up is done before anything is attached (EOF: it quit, reaped later).
  char byte = 0;
  ssize_t n;
  do n = read(ready[0], &byte, 1);
  while (n < 0 && errno == EINTR);
  close(ready[0]);
  pid_ = pid;
  go_fd_ = fds[1];
  pidfd_ = open_pidfd(pid);
  return true;
}

bool ChildProcess::release(std::string& err) {
  if (go_fd_ < 0) return true;
  char go = 'g';
  ssize_t n;
  do n = write(go_fd_, &go, 1);
  while (n < 0 && errno == EINTR);
  int e = errno;
  close(go_fd_);
  go_fd_ = -1;
  if (n == 1) return true;
  err = std::string("cannot start the child: ") + std::strerror(e);
  return false;
}

bool ChildProcess::exited() {
  if (pid_ < 0 || reaped_) return reaped_;
  pid_t r;
  do r = waitpid(pid_, &status_, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r == pid_ || (r < 0 && errno == ECHILD)) reaped_ = true;
  return reaped_;
}

void ChildProcess::terminate() {
  if (pid_ < 0 || reaped_) return;
  if (go_fd_ >= 0) {
    // Still held before exec: closing the pipe makes it exit at once.
    close(go_fd_);
    go_fd_ = -1;
  } else {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100 && !exited(); ++i) sleep_ms(10);
    if (exited()) return;
    kill(pid_, SIGKILL);
  }
  pid_t r;
  do r = waitpid(pid_, &status_, 0);
  while (r < 0 && errno == EINTR);
  reaped_ = true;
}

std::string ChildProcess::exit_text() const {
  if (WIFSIGNALED(status_))
    return "Child exited with signal: " + std::to_string(WTERMSIG(status_)) + "\n";
  return "Child exited with code: " + std::to_string(WEXITSTATUS(status_)) + "\n";
}

ProcessWatch::~ProcessWatch() {
  if (pidfd_ >= 0) close(pidfd_);
}

bool ProcessWatch::watch(pid_t pid) {
  if (!process_exists(pid)) return false;
  pidfd_ = open_pidfd(pid);
  if (pidfd_ < 0 && errno == ESRCH) return false;
  pid_ = pid;
  return true;
}

bool ProcessWatch::exited() const {
  if (pid_ <= 0) return false;
  if (pidfd_ >= 0) {
    pollfd p{pidfd_, POLLIN, 0};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
  }
  return kill(pid_, 0) != 0 && errno == ESRCH;
}

} // namespace btc::rt
