// event_loop.h: what the running tool waits for: ring-buffer data, SIGINT/SIGTERM (stop),
// SIGUSR1 (print all maps now), SIGCHLD and process-exit fds (-c child, -p target).
//
// Signals are turned into bytes on a non-blocking self-pipe by async-signal-safe handlers,
// so they wake the same epoll as the ring buffer (and neither the signal mask nor signal
// dispositions other than these four change, which keeps popen()'d system() commands and
// the -c child unaffected). One wait() reports everything that happened since the last.
#pragma once

#include <csignal>
#include <string>

namespace btc::rt {

// What the signal handlers write: the self-pipe's write end and the sticky stop flag.
struct SignalTarget {
  int pipe_write = -1;
  volatile sig_atomic_t stop = 0; // SIGINT/SIGTERM seen
};

struct Wakeup {
  bool data = false;       // the ring buffer has records
  bool stop = false;       // SIGINT or SIGTERM
  bool print_maps = false; // SIGUSR1 (once per wait, however many arrived)
  bool process = false;    // SIGCHLD or a watched process fd became readable
  bool error = false;      // epoll failed (errno text in `error_text`)
  std::string error_text;
};

class EventLoop {
public:
  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop(); // restores the default signal dispositions

  // Creates the epoll and self-pipe and installs the signal handlers, which write to this
  // loop until it is destroyed (one loop at a time).
  bool init(std::string& err);
  // Adds a readable-means-something fd (ring buffer epoll fd, pidfd). `data`: the fd
  // signals ring-buffer data, else a process exit.
  bool add(int fd, bool data, std::string& err);
  // Waits up to timeout_ms (returns early on any event or signal).
  Wakeup wait(int timeout_ms);
  // SIGINT or SIGTERM has arrived (since init, even before wait() reported it): cheap enough to
  // ask between two records.
  bool stop_signalled() const;

private:
  int epoll_ = -1;
  int pipe_[2] = {-1, -1};
  bool installed_ = false;
  SignalTarget signals_;
};

} // namespace btc::rt
