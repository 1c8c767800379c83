// iter_output.cpp: reading a BPF iterator into the tool's output, or pinning it (see
// iter_output.h). bpftrace 0.17 does the same in BPFtrace::run_iter: one read() loop over
// bpf_iter_create()'s fd, or bpf_obj_pin() of the link and a "Program pinned to" line.
#include "output/iter_output.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace btc::rt {

std::string iter_pin_path(const std::string& pin) {
  if (!pin.empty() && pin[0] == '/') return pin;
  return "/sys/fs/bpf/" + pin;
}

bool copy_fd(int fd, Sink& sink) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      sink.write(std::string_view(buf, static_cast<size_t>(n)));
      continue;
    }
    if (n == 0) return true;
    if (errno != EINTR) return false;
  }
}

bool run_iterator(bpf_link* link, const std::string& pin, Sink& sink, std::string& err) {
  if (!link || bpf_link__fd(link) < 0) {
    err = "ERROR: Failed to link iter probe";
    return false;
  }
  if (!pin.empty()) {
    std::string path = iter_pin_path(pin);
    if (bpf_link__pin(link, path.c_str()) != 0) {
      int e = errno;
      err = "ERROR: Failed to pin iter probe link: " + path + ": " + std::strerror(e);
      // Pins only live on a bpf filesystem, which is not always mounted at /sys/fs/bpf.
      std::string dir = path.substr(0, path.rfind('/') + 1);
      struct statfs fs {};
      constexpr long kBpfFsMagic = 0xcafe4a11;
      if (statfs(dir.c_str(), &fs) == 0 && static_cast<long>(fs.f_type) != kBpfFsMagic)
        err += " (" + dir + " is not on a bpf filesystem; mount one with "
               "`mount -t bpf bpf " + dir + "`)";
      return false;
    }
    sink.write("Program pinned to " + path + "\n");
    return true;
  }
  int fd = bpf_iter_create(bpf_link__fd(link));
  if (fd < 0) {
    err = "ERROR: Failed to open iter probe link: " + std::string(std::strerror(errno));
    return false;
  }
  bool ok = copy_fd(fd, sink);
  int e = errno;
  close(fd);
  if (!ok) err = "ERROR: reading the iterator failed: " + std::string(std::strerror(e));
  return ok;
}

} // namespace btc::rt
