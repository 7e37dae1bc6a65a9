// retx-exporter as a user runs it: exit codes for each startup failure, the
// one-shot JSON, /healthz, and a clean detach on SIGTERM.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "bpf_progs.h"

namespace {

struct Result {
  int code;
  std::string out;
};

// Runs the exporter with args (behind `prefix`, e.g. a privilege drop) and
// returns its exit code and combined output.
Result run(const std::string& args, const std::string& prefix = "") {
  std::string cmd = prefix + RETX_EXPORTER_BIN + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 1) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

TEST(ExporterCli, StartupFailuresHaveDistinctExitCodesAndOneLine) {
  ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
  auto bad_flag = run("--series-budget 0");
  EXPECT_EQ(bad_flag.code, 2) << bad_flag.out;
  auto no_btf = run("--btf /nonexistent --once 0");
  EXPECT_EQ(no_btf.code, 4) << no_btf.out;
  EXPECT_NE(no_btf.out.find("no kernel BTF"), std::string::npos) << no_btf.out;
  // setpriv (util-linux) drops to nobody with no capabilities.
  auto nobody = run("--once 0", "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all ");
  EXPECT_EQ(nobody.code, 3) << nobody.out;
  EXPECT_NE(nobody.out.find("missing privileges"), std::string::npos) << nobody.out;

  int port = 29000 + getpid() % 1000;
  int fd = listen_on(port);
  ASSERT_GE(fd, 0);
  auto busy = run("--listen 127.0.0.1:" + std::to_string(port));
  close(fd);
  EXPECT_EQ(busy.code, 6) << busy.out;
  EXPECT_NE(busy.out.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos) << busy.out;
}

TEST(ExporterCli, OnceModePrintsJsonWithTheChosenAttach) {
  auto r = run("--once 0.2 2>/dev/null");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  EXPECT_EQ(j.at("attach"), "tp_btf");
  EXPECT_TRUE(j.at("counters").is_array());
  EXPECT_FALSE(j.at("netns").empty()) << "the exporter's own namespace must be listed";
}

// Programs are freed after their last fd closes, through RCU: give it time.
bool wait_for_retx_progs(std::size_t want) {
  for (int i = 0; i < 100; ++i) {
    if (retx::count_bpf_progs_named("retx_") == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Serving, /healthz, then SIGTERM: exit 0 and none of its programs left loaded.
TEST(ExporterCli, SigtermDetachesEverything) {
  ASSERT_TRUE(wait_for_retx_progs(0)) << "another retx probe is loaded: this test needs the machine to itself";
  int port = 30000 + getpid() % 1000;
  pid_t pid = fork();
  if (pid == 0) {
    std::string listen = "127.0.0.1:" + std::to_string(port);
    execl(RETX_EXPORTER_BIN, RETX_EXPORTER_BIN, "--listen", listen.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string health;
  for (int i = 0; i < 100 && health != "ok\n"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    FILE* p = popen(("curl -s --max-time 1 http://127.0.0.1:" + std::to_string(port) + "/healthz").c_str(), "r");
    char buf[64] = {};
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    pclose(p);
    health.assign(buf, n);
  }
  EXPECT_EQ(health, "ok\n");
  EXPECT_EQ(retx::count_bpf_progs_named("retx_"), 3u) << "serving: skb, synack and state programs loaded";
  kill(pid, SIGTERM);
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
  EXPECT_TRUE(wait_for_retx_progs(0)) << "programs still loaded 10 s after exit";
}

}  // namespace
