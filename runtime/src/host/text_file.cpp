// text_file.cpp: see text_file.h.
#include "host/text_file.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace btc::rt {

std::string read_text_file(const std::string& path) {
  std::string text;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while ((pos = line.find_first_not_of(" \t", pos)) != std::string_view::npos) {
    size_t end = line.find_first_of(" \t", pos);
    out.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

} // namespace btc::rt
