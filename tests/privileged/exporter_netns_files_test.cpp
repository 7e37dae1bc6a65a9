// The namespace counters files the exporter keeps open between scrapes: each
// read is the kernel's figure of that instant (pread from offset 0 makes the
// seq_file print again), and a namespace no longer listed has its files
// closed, so that nothing of the exporter's keeps it alive.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "cleanup.h"
#include "exporter_fixture.h"
#include "netns_exec.h"
#include "netns_files.h"
#include "netns_tasks.h"
#include "proc_net.h"
#include "run_cmd.h"

using namespace retx;
using namespace retx::lab;
using retx::test::open_fds;

namespace {

// A SYN to a closed port on the namespace's loopback and the RST back: two
// segments sent in that namespace.
void send_segments(const std::string& ns_path) {
  run_in_netns(ns_path, [] {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(9);
    EXPECT_NE(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0) << "port 9 must be closed";
    close(s);
  });
}

std::uint64_t kernel_out_segs(const std::string& ns_path) {
  std::uint64_t v = 0;
  run_in_netns(ns_path, [&] { v = counter_or_zero(read_proc_net("/proc/thread-self/net"), "Tcp.OutSegs"); });
  return v;
}

class NetnsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
    install_signal_cleanup();
    name_ = make_run_prefix("rxl") + "-files";
    register_netns(name_);
    run_cmd({"ip", "netns", "add", name_}, {}, std::chrono::seconds(10));
    run_cmd({"ip", "-n", name_, "link", "set", "lo", "up"}, {}, std::chrono::seconds(10));
    ref_.path = "/run/netns/" + name_;
    ref_.inode = static_cast<std::uint32_t>(netns_inode(ref_.path));
    ref_.name = name_;
  }
  void TearDown() override {
    run_cmd({"ip", "netns", "del", name_}, {}, std::chrono::seconds(10));
    unregister_netns(name_);
  }
  std::string name_;
  NetnsRef ref_;
};

TEST_F(NetnsFilesTest, EveryReadIsTheKernelsFigureOfThatInstant) {
  NetnsFiles files;
  auto first = files.read(ref_);
  EXPECT_EQ(files.namespaces_open(), 1u);
  EXPECT_EQ(first.out_segs, kernel_out_segs(ref_.path));
  for (int i = 0; i < 3; ++i) {
    send_segments(ref_.path);
    auto now = files.read(ref_);
    EXPECT_EQ(now.out_segs, kernel_out_segs(ref_.path)) << "read " << i;
    EXPECT_GE(now.out_segs, first.out_segs + 2 * (i + 1)) << "read " << i;
  }
  std::uint64_t cookie = 0;
  run_in_netns(ref_.path, [&] { cookie = socket_netns_cookie(); });
  EXPECT_EQ(files.read(ref_).cookie, cookie) << "the cookie read on entering the namespace";
  EXPECT_EQ(files.namespaces_open(), 1u) << "opened once";
}

TEST_F(NetnsFilesTest, NamespacesNoLongerListedAreReleased) {
  NetnsFiles files;
  std::size_t fds = open_fds();
  files.open_new({&ref_});
  EXPECT_EQ(files.namespaces_open(), 1u);
  EXPECT_EQ(open_fds(), fds + 2) << "snmp and netstat";
  files.close_unlisted({ref_});
  EXPECT_EQ(files.namespaces_open(), 1u) << "still listed";
  files.close_unlisted({});
  EXPECT_EQ(files.namespaces_open(), 0u);
  EXPECT_EQ(open_fds(), fds) << "a file left open keeps the namespace alive";
}

TEST_F(NetnsFilesTest, UnreadableNamespaceIsReportedNotKept) {
  NetnsFiles files;
  NetnsRef gone = ref_;
  gone.path = "/run/netns/" + name_ + "-absent";
  EXPECT_THROW(files.read(gone), std::runtime_error);
  files.open_new({&gone});
  EXPECT_EQ(files.namespaces_open(), 0u);
}

// read_all shares the namespaces between threads (at least kMinPerThread
// each): every result must still be its own namespace's, in order, and a
// namespace that cannot be read must fail alone, in its place.
TEST_F(NetnsFilesTest, ReadOnThreadsGivesEachNamespaceItsOwnCounters) {
  const std::size_t n = 3 * NetnsFiles::kMinPerThread + 5;
  std::vector<std::string> names;
  std::string batch;
  for (std::size_t i = 0; i < n; ++i) {
    names.push_back(name_ + "-" + std::to_string(i));
    register_netns(names.back());
    batch += "netns add " + names.back() + "\n";
  }
  struct Deleter {  // on every way out of the test, failed assertions included
    const std::vector<std::string>& names;
    ~Deleter() {
      std::string undo;
      for (const auto& nm : names) undo += "netns del " + nm + "\n";
      run_cmd({"ip", "-force", "-batch", "-"}, undo, std::chrono::seconds(30));
      for (const auto& nm : names) unregister_netns(nm);
    }
  } deleter{names};
  run_cmd({"ip", "-batch", "-"}, batch, std::chrono::seconds(30));
  std::vector<NetnsRef> refs(n);
  for (std::size_t i = 0; i < n; ++i) {
    refs[i].path = "/run/netns/" + names[i];
    refs[i].inode = static_cast<std::uint32_t>(netns_inode(refs[i].path));
    refs[i].name = names[i];
    run_cmd({"ip", "-n", names[i], "link", "set", "lo", "up"}, {}, std::chrono::seconds(10));
    for (std::size_t k = 0; k < i % 4; ++k) send_segments(refs[i].path);  // 0, 2, 4 or 6 segments
  }
  refs[n / 2].path += "-absent";  // listed, but nothing to open
  std::vector<const NetnsRef*> ptrs;
  for (const auto& r : refs) ptrs.push_back(&r);
  NetnsFiles files;
  files.open_new(ptrs);
  auto got = files.read_all(ptrs, 4);
  ASSERT_EQ(got.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i == n / 2) {
      EXPECT_FALSE(got[i].error.empty()) << "the unreadable namespace reports why";
      continue;
    }
    ASSERT_TRUE(got[i].error.empty()) << names[i] << ": " << got[i].error;
    EXPECT_EQ(got[i].counters.inode, refs[i].inode) << i;
    EXPECT_EQ(got[i].counters.name, names[i]) << i;
    EXPECT_EQ(got[i].counters.out_segs, kernel_out_segs(refs[i].path)) << names[i];
  }
  EXPECT_EQ(files.namespaces_open(), n - 1);
  files.close_all();
}

}  // namespace
