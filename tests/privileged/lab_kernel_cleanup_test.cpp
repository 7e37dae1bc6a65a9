// What a killed run leaves is swept; signals remove what a live run made.
#include "cleanup.h"
#include "run_cmd.h"
#include "topology.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace retx::lab;

namespace {

pid_t dead_pid() {
  pid_t p = fork();
  if (p == 0) _exit(0);
  int st = 0;
  waitpid(p, &st, 0);
  return p;
}

bool exists(const std::string& name) { return !list_netns(name).empty(); }

// A child process that builds a topology of its own (with the signal cleanup
// installed or not) and then waits to be signalled; returns once it is built.
pid_t child_with_topology(int clients, bool signal_cleanup) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  pid_t child = fork();
  if (child == 0) {
    close(pipefd[0]);
    if (signal_cleanup) install_signal_cleanup();
    TopologySpec spec;
    spec.prefix = make_run_prefix();
    spec.clients = clients;
    Topology t(spec);
    char ok = 1;
    if (write(pipefd[1], &ok, 1) != 1) _exit(1);
    for (;;) pause();
  }
  close(pipefd[1]);
  char ok = 0;
  const bool built = read(pipefd[0], &ok, 1) == 1;
  close(pipefd[0]);
  return built ? child : -1;
}

}  // namespace

TEST(LabKernelCleanup, SweepRemovesNamespacesOfDeadOwnersOnly) {
  std::string stale = "rxl-" + std::to_string(dead_pid()) + "-0-r";
  pid_t live = fork();
  if (live == 0) {
    pause();
    _exit(0);
  }
  std::string alive = "rxl-" + std::to_string(live) + "-0-r";
  run_cmd({"ip", "netns", "add", stale});
  run_cmd({"ip", "netns", "add", alive});
  auto res = sweep_stale("rxl");
  EXPECT_NE(std::find(res.removed.begin(), res.removed.end(), stale), res.removed.end());
  EXPECT_FALSE(exists(stale));
  EXPECT_TRUE(exists(alive)) << "a live run's namespace must survive the sweep";
  kill(live, SIGKILL);
  waitpid(live, nullptr, 0);
  sweep_stale("rxl");
  EXPECT_FALSE(exists(alive));
}

class LabKernelCleanupSignal : public ::testing::TestWithParam<int> {};

TEST_P(LabKernelCleanupSignal, RemovesRegisteredNamespacesAndExitsWithConventionalCode) {
  const int sig = GetParam();
  pid_t child = child_with_topology(2, true);
  ASSERT_GT(child, 0) << "child failed to build its topology";
  std::string prefix = "rxl-" + std::to_string(child) + "-";
  EXPECT_EQ(list_netns(prefix).size(), 4u);
  kill(child, sig);
  int st = 0;
  waitpid(child, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 128 + sig);
  EXPECT_TRUE(list_netns(prefix).empty());
}

INSTANTIATE_TEST_SUITE_P(IntAndTerm, LabKernelCleanupSignal, ::testing::Values(SIGINT, SIGTERM));

TEST(LabKernelCleanup, ExitWithoutDestructorsStillCleansUp) {
  pid_t child = fork();
  if (child == 0) {
    install_signal_cleanup();
    TopologySpec spec;
    spec.prefix = make_run_prefix();
    auto* leaked = new Topology(spec);  // never destroyed: exit() skips it
    (void)leaked;
    std::exit(2);
  }
  int st = 0;
  waitpid(child, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 2);
  EXPECT_TRUE(list_netns("rxl-" + std::to_string(child) + "-").empty());
}

TEST(LabKernelCleanup, SigkilledRunIsSweptByTheNext) {
  pid_t child = child_with_topology(1, false);
  ASSERT_GT(child, 0) << "child failed to build its topology";
  std::string prefix = "rxl-" + std::to_string(child) + "-";
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_EQ(list_netns(prefix).size(), 3u) << "SIGKILL cannot clean up";
  auto res = sweep_stale();
  EXPECT_GE(res.removed.size(), 3u);
  EXPECT_TRUE(list_netns(prefix).empty());
}

TEST(LabKernelCleanup, ForkedChildNeverRemovesItsParentsNamespaces) {
  install_signal_cleanup();
  TopologySpec spec;
  spec.prefix = make_run_prefix();
  Topology t(spec);
  pid_t child = fork();
  if (child == 0) std::exit(0);  // runs the inherited atexit cleanup
  waitpid(child, nullptr, 0);
  pid_t signalled = fork();
  if (signalled == 0) {
    for (;;) pause();
  }
  kill(signalled, SIGTERM);  // runs the inherited signal cleanup
  waitpid(signalled, nullptr, 0);
  EXPECT_EQ(list_netns(spec.prefix + "-").size(), 3u);
}
