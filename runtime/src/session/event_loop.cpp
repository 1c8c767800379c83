// event_loop.cpp: epoll + signal self-pipe (see event_loop.h).
//
// Not signalfd: that needs the four signals blocked, and a blocked mask is inherited by the
// commands system() runs through popen() (and survives their exec), so a Ctrl-C meant for
// the whole foreground group would no longer stop them.
#include "session/event_loop.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace btc::rt {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGUSR1, SIGCHLD};
constexpr uint64_t kPipeTag = ~uint64_t{0};
constexpr uint64_t kDataTag = 1, kProcessTag = 2;

// A signal handler gets no user data, so it finds the installed loop's SignalTarget here:
// set by EventLoop::init(), cleared by that loop's destructor.
std::atomic<SignalTarget*> g_target{nullptr};
static_assert(std::atomic<SignalTarget*>::is_always_lock_free, "used in a signal handler");

void on_signal(int sig) {
  int saved = errno;
  SignalTarget* target = g_target.load();
  if (target) {
    if (sig == SIGINT || sig == SIGTERM) target->stop = 1;
    char byte = static_cast<char>(sig);
    // A full pipe: a wakeup is already pending.
    if (target->pipe_write >= 0) (void)!write(target->pipe_write, &byte, 1);
  }
  errno = saved;
}

} // namespace

EventLoop::~EventLoop() {
  if (installed_) {
    for (int sig : kSignals) signal(sig, SIG_DFL);
    SignalTarget* self = &signals_;
    g_target.compare_exchange_strong(self, nullptr);
  }
  for (int fd : {epoll_, pipe_[0], pipe_[1]})
    if (fd >= 0) close(fd);
}

bool EventLoop::init(std::string& err) {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0 || pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    err = std::string("cannot set up the event loop: ") + std::strerror(errno);
    return false;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kPipeTag;
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, pipe_[0], &ev) != 0) {
    err = std::string("cannot set up the event loop: ") + std::strerror(errno);
    return false;
  }
  signals_.pipe_write = pipe_[1];
  g_target.store(&signals_);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP; // the pipe wakes the loop; nothing needs EINTR
  for (int sig : kSignals) sigaction(sig, &sa, nullptr);
  installed_ = true;
  return true;
}

bool EventLoop::add(int fd, bool data, std::string& err) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = data ? kDataTag : kProcessTag;
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) == 0) return true;
  err = std::string("cannot watch fd ") + std::to_string(fd) + ": " + std::strerror(errno);
  return false;
}

bool EventLoop::stop_signalled() const {
  return signals_.stop != 0;
}

Wakeup EventLoop::wait(int timeout_ms) {
  Wakeup w;
  epoll_event events[8];
  int n = epoll_wait(epoll_, events, 8, timeout_ms);
  if (n < 0) {
    if (errno != EINTR) {
      w.error = true;
      w.error_text = std::strerror(errno);
    }
    n = 0;
  }
  bool signalled = false;
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 == kDataTag) w.data = true;
    else if (events[i].data.u64 == kProcessTag) w.process = true;
    else signalled = true;
  }
  char buf[64];
  for (ssize_t got; signalled && (got = read(pipe_[0], buf, sizeof buf)) > 0;) {
    for (ssize_t i = 0; i < got; ++i) {
      int sig = buf[i];
      if (sig == SIGINT || sig == SIGTERM) w.stop = true;
      else if (sig == SIGUSR1) w.print_maps = true;
      else if (sig == SIGCHLD) w.process = true;
    }
  }
  return w;
}

} // namespace btc::rt
