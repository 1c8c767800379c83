// process_test.cpp: -c command splitting and PATH lookup, the held child (runs only after
// release, exit status text, SIGTERM when the tool stops first) and the -p process watch.
#include "host/process.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

namespace btc::rt {
namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/btc_process_test_XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d ? d : "/tmp";
}

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&ts, nullptr);
}

bool wait_exited(ChildProcess& c, int ms) {
  for (int i = 0; i < ms / 5; ++i) {
    if (c.exited()) return true;
    sleep_ms(5);
  }
  return c.exited();
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ProcessTest, SplitCommandOnSpacesOnly) {
  EXPECT_EQ(split_command("ls  -l /tmp"), (std::vector<std::string>{"ls", "-l", "/tmp"}));
  EXPECT_EQ(split_command("  echo 'a b'  "), (std::vector<std::string>{"echo", "'a", "b'"}));
  EXPECT_EQ(split_command("a\tb"), (std::vector<std::string>{"a\tb"}));
  EXPECT_TRUE(split_command("   ").empty());
}

TEST(ProcessTest, ResolveExecutableThroughPath) {
  std::string dir = temp_dir();
  std::string exe = dir + "/mytool", plain = dir + "/notexec";
  std::ofstream(exe) << "#!/bin/sh\n";
  std::ofstream(plain) << "x\n";
  chmod(exe.c_str(), 0755);
  chmod(plain.c_str(), 0644);
  std::string out, err;
  ASSERT_TRUE(resolve_executable("mytool", "/nonexistent_dir:" + dir, out, err)) << err;
  EXPECT_EQ(out, exe);
  EXPECT_FALSE(resolve_executable("notexec", dir, out, err));
  EXPECT_EQ(err, "command 'notexec' not found in PATH");
  EXPECT_TRUE(resolve_executable(exe, "", out, err));
  EXPECT_EQ(out, exe);
  EXPECT_FALSE(resolve_executable(dir + "/missing", "", out, err));
  EXPECT_EQ(err, "path '" + dir + "/missing' does not exist or is not executable");
  EXPECT_FALSE(resolve_executable(dir, "", out, err)); // a directory is not executable
  std::remove(exe.c_str());
  std::remove(plain.c_str());
  rmdir(dir.c_str());
}

TEST(ProcessTest, ChildRunsOnlyAfterRelease) {
  std::string dir = temp_dir();
  std::string marker = dir + "/ran";
  ChildProcess child;
  std::string err;
  ASSERT_TRUE(child.spawn("/bin/sh", {"/bin/sh", "-c", "echo $$ > " + marker}, err)) << err;
  ASSERT_GT(child.pid(), 0);
  sleep_ms(100);
  EXPECT_FALSE(child.exited());
  EXPECT_EQ(access(marker.c_str(), F_OK), -1) << "the child ran before release()";
  ASSERT_TRUE(child.release(err)) << err;
  ASSERT_TRUE(wait_exited(child, 5000));
  EXPECT_EQ(read_all(marker), std::to_string(child.pid()) + "\n"); // exec kept the pid
  EXPECT_EQ(child.exit_text(), "Child exited with code: 0\n");
  std::remove(marker.c_str());
  rmdir(dir.c_str());
}

TEST(ProcessTest, ExitCodeAndPidfd) {
  ChildProcess child;
  std::string err;
  ASSERT_TRUE(child.spawn("/bin/sh", {"/bin/sh", "-c", "exit 3"}, err)) << err;
  ASSERT_TRUE(child.release(err)) << err;
  if (child.pidfd() >= 0) {
    pollfd p{child.pidfd(), POLLIN, 0};
    EXPECT_EQ(poll(&p, 1, 5000), 1);
  }
  ASSERT_TRUE(wait_exited(child, 5000));
  EXPECT_EQ(child.exit_text(), "Child exited with code: 3\n");
}

TEST(ProcessTest, TerminateSendsSigterm) {
  ChildProcess child;
  std::string err;
  ASSERT_TRUE(child.spawn("/bin/sleep", {"/bin/sleep", "30"}, err)) << err;
  ASSERT_TRUE(child.release(err)) << err;
  sleep_ms(50);
  EXPECT_FALSE(child.exited());
  child.terminate();
  EXPECT_TRUE(child.exited());
  EXPECT_EQ(child.exit_text(), "Child exited with signal: 15\n");
}

TEST(ProcessTest, UnreleasedChildNeverRunsTheCommand) {
  std::string dir = temp_dir();
  std::string marker = dir + "/ran";
  pid_t pid = -1;
  {
    ChildProcess child;
    std::string err;
    ASSERT_TRUE(child.spawn("/bin/sh", {"/bin/sh", "-c", "touch " + marker}, err)) << err;
    pid = child.pid();
  }
  EXPECT_FALSE(process_exists(pid) && waitpid(pid, nullptr, WNOHANG) == 0);
  EXPECT_EQ(access(marker.c_str(), F_OK), -1);
  rmdir(dir.c_str());
}

TEST(ProcessTest, WatchNoticesExit) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    pause();
    _exit(0);
  }
  ProcessWatch watch;
  ASSERT_TRUE(watch.watch(pid));
  EXPECT_TRUE(process_exists(pid));
  EXPECT_FALSE(watch.exited());
  kill(pid, SIGKILL);
  bool gone = false;
  for (int i = 0; i < 1000 && !gone; ++i) {
    gone = watch.exited();
    if (!gone) sleep_ms(5);
  }
  EXPECT_TRUE(gone);
  waitpid(pid, nullptr, 0);
  EXPECT_FALSE(process_exists(pid));
  ProcessWatch missing;
  EXPECT_FALSE(missing.watch(pid));
}

TEST(ProcessTest, ForeignRootOnlyForAnotherMountNamespace) {
  EXPECT_EQ(foreign_root(getpid()), ""); // our own namespace
  EXPECT_EQ(foreign_root(0), "");
  EXPECT_EQ(foreign_root(-1), "");
}

TEST(ProcessTest, ProcessEnvReadsTheEnvironmentAProcessWasStartedWith) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    char* const argv[] = {const_cast<char*>("sleep"), const_cast<char*>("5"), nullptr};
    char* const envp[] = {const_cast<char*>("PATH=/opt/x:/usr/bin"),
                          const_cast<char*>("EMPTY="), nullptr};
    execve("/bin/sleep", argv, envp);
    _exit(127);
  }
  // Wait for the exec (the environment is the new image's).
  std::optional<std::string> path;
  for (int i = 0; i < 1000 && path != "/opt/x:/usr/bin"; ++i) {
    path = process_env(pid, "PATH");
    if (path != "/opt/x:/usr/bin") sleep_ms(2);
  }
  EXPECT_EQ(path.value_or("<unset>"), "/opt/x:/usr/bin");
  EXPECT_EQ(process_env(pid, "EMPTY").value_or("<unset>"), "");
  EXPECT_FALSE(process_env(pid, "HOME").has_value());
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

} // namespace
} // namespace btc::rt
