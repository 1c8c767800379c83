// iter_output_test.cpp: iter pin paths and copying an iterator-like fd into the output.
#include "output/iter_output.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

namespace btc::rt {
namespace {

TEST(IterPin, RelativeGoesUnderBpffs) {
  EXPECT_EQ(iter_pin_path("tasks"), "/sys/fs/bpf/tasks");
  EXPECT_EQ(iter_pin_path("/sys/fs/bpf/x/y"), "/sys/fs/bpf/x/y");
}

TEST(IterOutput, CopiesEverythingUntilEof) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string big(100000, 'x');
  std::thread writer([&] {
    std::string text = "first line\n" + big + "\nlast\n";
    size_t off = 0;
    while (off < text.size()) {
      ssize_t n = write(fds[1], text.data() + off, text.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fds[1]);
  });
  StringSink sink;
  EXPECT_TRUE(copy_fd(fds[0], sink));
  writer.join();
  close(fds[0]);
  EXPECT_EQ(sink.text(), "first line\n" + big + "\nlast\n");
}

TEST(IterOutput, NoLinkIsAnError) {
  StringSink sink;
  std::string err;
  EXPECT_FALSE(run_iterator(nullptr, "", sink, err));
  EXPECT_EQ(err, "ERROR: Failed to link iter probe");
}

} // namespace
} // namespace btc::rt
