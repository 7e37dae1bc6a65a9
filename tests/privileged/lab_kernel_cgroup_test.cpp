// The lab's cgroups on the real kernel: a socket made by socket_in_cgroup
// carries the lab's cgroup (as `ss --cgroup` reads it from the kernel), the
// cgroup holds no process afterwards, and it is removed by its destructor, by
// SIGTERM, and by a sweep once its owner died. Runtime well under 1 s.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "cgroup_paths.h"
#include "cleanup.h"
#include "lab_cgroup.h"
#include "run_cmd.h"

using namespace retx::lab;

namespace {

bool dir_exists(const std::string& dir) {
  struct stat st{};
  return stat(dir.c_str(), &st) == 0;
}

std::string procs_of(const std::string& dir) {
  std::ifstream f(dir + "/cgroup.procs");
  return std::string(std::istreambuf_iterator<char>(f), {});
}

class LabKernelCgroup : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
    mount_ = retx::find_cgroup2_mount();
    ASSERT_FALSE(mount_.empty()) << "no cgroup2 mount";
  }
  std::string mount_;
};

TEST_F(LabKernelCgroup, SocketMadeInTheCgroupCarriesIt) {
  std::string dir;
  {
    LabCgroup cg(mount_, make_run_prefix() + "-t");
    dir = cg.dir();
    ASSERT_TRUE(dir_exists(dir));
    EXPECT_EQ(cg.path(), dir.substr(mount_.size()));
    retx::UniqueFd fd = socket_in_cgroup(cg.dir(), AF_INET, SOCK_STREAM | SOCK_CLOEXEC);
    ASSERT_TRUE(fd);
    EXPECT_EQ(procs_of(dir), "") << "the child that made it has exited";
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(listen(fd.get(), 1), 0);
    socklen_t len = sizeof a;
    getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
    auto ss = run_cmd({"ss", "-Hltn", "--cgroup", "sport = :" + std::to_string(ntohs(a.sin_port))});
    EXPECT_NE(ss.out.find("cgroup:" + cg.path()), std::string::npos) << ss.out;
  }
  EXPECT_FALSE(dir_exists(dir)) << "removed with the object";
}

TEST_F(LabKernelCgroup, MissingCgroupSaysWhich) {
  try {
    socket_in_cgroup(mount_ + "/rxl-no-such-cgroup", AF_INET, SOCK_STREAM);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "socket in cgroup " + mount_ + "/rxl-no-such-cgroup: No such file or directory");
  }
}

TEST_F(LabKernelCgroup, SigtermRemovesTheCgroup) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  pid_t child = fork();
  if (child == 0) {
    install_signal_cleanup();
    LabCgroup cg(mount_, make_run_prefix() + "-sig");
    (void)!write(p[1], cg.dir().c_str(), cg.dir().size());
    close(p[1]);
    for (;;) pause();
  }
  close(p[1]);
  char buf[512] = {};
  ASSERT_GT(read(p[0], buf, sizeof buf - 1), 0);
  close(p[0]);
  const std::string dir = buf;
  EXPECT_TRUE(dir_exists(dir));
  kill(child, SIGTERM);
  int st = 0;
  waitpid(child, &st, 0);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 143);
  EXPECT_FALSE(dir_exists(dir));
}

TEST_F(LabKernelCgroup, SweepRemovesCgroupsOfDeadOwnersOnly) {
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  pid_t live = fork();
  if (live == 0) {
    pause();
    _exit(0);
  }
  const std::string stale = mount_ + "/rxl-" + std::to_string(dead) + "-0-a";
  const std::string alive = mount_ + "/rxl-" + std::to_string(live) + "-0-a";
  ASSERT_EQ(mkdir(stale.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(alive.c_str(), 0755), 0);
  auto removed = sweep_stale_cgroups();
  EXPECT_NE(std::find(removed.begin(), removed.end(), stale), removed.end());
  EXPECT_FALSE(dir_exists(stale));
  EXPECT_TRUE(dir_exists(alive)) << "a live run's cgroup must survive the sweep";
  kill(live, SIGKILL);
  waitpid(live, nullptr, 0);
  sweep_stale_cgroups();
  EXPECT_FALSE(dir_exists(alive));
}

}  // namespace
