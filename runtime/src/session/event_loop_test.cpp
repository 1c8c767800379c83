// event_loop_test.cpp: signals and fds wake the event loop with the right flags.
#include "session/event_loop.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>

namespace btc::rt {
namespace {

TEST(EventLoopTest, SignalsBecomeFlags) {
  EventLoop loop;
  std::string err;
  ASSERT_TRUE(loop.init(err)) << err;
  Wakeup idle = loop.wait(0);
  EXPECT_FALSE(idle.data || idle.stop || idle.print_maps || idle.process || idle.error);
  raise(SIGUSR1);
  raise(SIGUSR1);
  Wakeup w = loop.wait(1000);
  EXPECT_TRUE(w.print_maps);
  EXPECT_FALSE(w.stop);
  EXPECT_FALSE(loop.wait(0).print_maps); // both signals reported by one wakeup
  raise(SIGTERM);
  EXPECT_TRUE(loop.wait(1000).stop);
  raise(SIGINT);
  EXPECT_TRUE(loop.wait(1000).stop);
  raise(SIGCHLD);
  EXPECT_TRUE(loop.wait(1000).process);
}

TEST(EventLoopTest, FdsWakeTheLoop) {
  EventLoop loop;
  std::string err;
  ASSERT_TRUE(loop.init(err)) << err;
  int data[2], proc[2];
  ASSERT_EQ(pipe(data), 0);
  ASSERT_EQ(pipe(proc), 0);
  ASSERT_TRUE(loop.add(data[0], true, err)) << err;
  ASSERT_TRUE(loop.add(proc[0], false, err)) << err;
  ASSERT_EQ(write(data[1], "x", 1), 1);
  Wakeup w = loop.wait(1000);
  EXPECT_TRUE(w.data);
  EXPECT_FALSE(w.process);
  char c;
  ASSERT_EQ(read(data[0], &c, 1), 1);
  ASSERT_EQ(write(proc[1], "x", 1), 1);
  w = loop.wait(1000);
  EXPECT_TRUE(w.process);
  EXPECT_FALSE(w.data);
  for (int fd : {data[0], data[1], proc[0], proc[1]}) close(fd);
}

} // namespace
} // namespace btc::rt
