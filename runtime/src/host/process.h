// process.h: the processes a tool follows: the -c child it spawns and the -p target.
//
// -c 'CMD': CMD is split on spaces (no shell, no quoting: bpftrace 0.17), argv[0] resolved
// through PATH; the child is forked before the BPF object is loaded and blocks on a pipe
// until release() (after BEGIN ran and every probe is attached), then execs. If the tool
// stops first the child gets SIGTERM (SIGKILL one second later).
// -p PID: ProcessWatch notices the process' exit through a pidfd (poll readable), or by
// kill(pid, 0) polling where pidfd_open is unavailable.
// Example: split_command("ls  -l /tmp") -> {"ls", "-l", "/tmp"}; resolve_executable("ls",
// "/usr/local/bin:/usr/bin") -> "/usr/bin/ls".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace btc::rt {

std::vector<std::string> split_command(std::string_view command);

// `name` with a '/' is used as is; otherwise the first executable regular file
// DIR/name over the ':'-separated `path_env` (empty entries mean "."). False with `err`.
bool resolve_executable(std::string_view name, std::string_view path_env, std::string& out,
                        std::string& err);

// True if a process with this pid exists (kill(pid, 0) succeeds or fails with EPERM).
bool process_exists(int64_t pid);

// "/proc/PID/root" when process `pid` lives in another mount namespace than the tool (a
// container, `unshare -m`): its files are reached through that directory. Empty otherwise.
std::string foreign_root(int64_t pid);

// The value of variable `name` in the environment of process `pid` (nullopt if unset or
// unreadable).
std::optional<std::string> process_env(int64_t pid, std::string_view name);

// Opens a pidfd for `pid` (-1 with errno set when unsupported or the process is gone).
int open_pidfd(pid_t pid);

class ChildProcess {
public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // A child never released is told to quit without exec; a running one is terminated.
  ~ChildProcess();

  // Forks the held child for argv (argv[0] already resolved to `path`).
  bool spawn(const std::string& path, const std::vector<std::string>& argv, std::string& err);
  pid_t pid() const { return pid_; }
  // Lets the child exec.
  bool release(std::string& err);
  // Pollable fd readable once the child has exited (-1: poll exited() periodically).
  int pidfd() const { return pidfd_; }
  // Non-blocking: true once the child has exited (it is then reaped).
  bool exited();
  // SIGTERM, then SIGKILL after one second; reaps the child. No-op once exited.
  void terminate();
  // After exited(): "Child exited with code: N" (or "... with signal: N").
  std::string exit_text() const;

private:
  pid_t pid_ = -1;
  int go_fd_ = -1; // write end of the hold pipe
  int pidfd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// Notices when a process that is not our child exits.
class ProcessWatch {
public:
  ProcessWatch() = default;
  ProcessWatch(const ProcessWatch&) = delete;
  ProcessWatch& operator=(const ProcessWatch&) = delete;
  ~ProcessWatch();

  // False if the process does not exist.
  bool watch(pid_t pid);
  bool active() const { return pid_ > 0; }
  // Pollable fd readable once the process has exited (-1: poll exited() periodically).
  int fd() const { return pidfd_; }
  bool exited() const;

private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
};

} // namespace btc::rt
