// retx-exporter as a user runs it: exit codes for each startup failure, the
// one-shot JSON, /healthz, and a clean detach on SIGTERM.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

// The exporter's lines on stderr, without the ones every successful start prints.
int lines(const std::string& out) { return static_cast<int>(std::count(out.begin(), out.end(), '\n')); }

TEST(ExporterCli, StartupFailuresHaveDistinctExitCodesAndOneLine) {
  ASSERT_EQ(geteuid(), 0u) << "privileged test: run as root";
  auto bad_flag = run("--series-budget 0");
  EXPECT_EQ(bad_flag.code, 2) << bad_flag.out;
  auto no_btf = run("--btf /nonexistent --once 0");
  EXPECT_EQ(no_btf.code, 4) << no_btf.out;
  EXPECT_EQ(no_btf.out, "retx-exporter: --btf /nonexistent: No such file or directory\n");
  // Not "Unknown error 4001" (libbpf's own errno).
  auto not_btf = run("--btf /etc/passwd --once 0");
  EXPECT_EQ(not_btf.code, 4) << not_btf.out;
  EXPECT_EQ(not_btf.out, "retx-exporter: --btf /etc/passwd: not a BTF file (neither raw BTF nor an ELF file with a .BTF section)\n");
  // setpriv (util-linux) drops to nobody with no capabilities.
  auto nobody = run("--once 0", "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all ");
  EXPECT_EQ(nobody.code, 3) << nobody.out;
  EXPECT_NE(nobody.out.find("missing privileges"), std::string::npos) << nobody.out;
  auto bad_ip = run("--listen 999.1.1.1:2112");
  EXPECT_EQ(bad_ip.code, 2) << bad_ip.out;
  EXPECT_EQ(lines(bad_ip.out), 1) << bad_ip.out;
  auto two = run("--listen 127.0.0.1:1,127.0.0.1:2");
  EXPECT_EQ(two.code, 2) << two.out;
  auto no_ns = run("--netns 4294967295 --once 0");
  EXPECT_EQ(no_ns.code, 2) << no_ns.out;
  EXPECT_NE(no_ns.out.find("no network namespace has inode 4294967295"), std::string::npos) << no_ns.out;
  auto no_name = run("--netns rxl-no-such-namespace --once 0");
  EXPECT_EQ(no_name.code, 2) << no_name.out;
  EXPECT_EQ(lines(no_name.out), 1) << no_name.out;

  // A port in use is found before the probes load, in our own words.
  int port = 29000 + getpid() % 1000;
  int fd = listen_on(port);
  ASSERT_GE(fd, 0);
  auto busy = run("--listen 127.0.0.1:" + std::to_string(port));
  close(fd);
  EXPECT_EQ(busy.code, 6) << busy.out;
  EXPECT_EQ(busy.out, "retx-exporter: cannot listen on 127.0.0.1:" + std::to_string(port) + ": the port is in use\n");
  auto foreign = run("--listen 192.0.2.1:2112");
  EXPECT_EQ(foreign.code, 6) << foreign.out;
  EXPECT_EQ(foreign.out, "retx-exporter: cannot listen on 192.0.2.1:2112: not an address of this host\n");
}

// Every web config mistake stops the start with exit code 8 and one line
// naming the file and the key, before anything loads.
TEST(ExporterCli, BadWebConfigIsOneLineNamingFileAndKey) {
  char dir[] = "/tmp/rxl-webcfg-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string file = std::string(dir) + "/web.yml";
  auto write = [&](const std::string& text) {
    FILE* f = fopen(file.c_str(), "w");
    fputs(text.c_str(), f);
    fclose(f);
  };
  write("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth: x\n");
  auto unknown = run("--web.config.file " + file + " --once 0");
  EXPECT_EQ(unknown.code, 8) << unknown.out;
  EXPECT_EQ(unknown.out, "retx-exporter: " + file + ": line 4: tls_server_config.client_auth: unknown key\n");
  write("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n");
  auto missing = run("--web.config.file " + file + " --once 0");
  EXPECT_EQ(missing.code, 8) << missing.out;
  EXPECT_EQ(missing.out, "retx-exporter: " + file + ": tls_server_config.cert_file (" + dir +
                             "/a.crt): cannot read " + dir + "/a.crt: No such file or directory\n");
  auto fifo = std::string(dir) + "/fifo";
  mkfifo(fifo.c_str(), 0600);
  auto blocked = run("--web.config.file " + fifo + " --once 0");
  EXPECT_EQ(blocked.code, 8) << blocked.out;
  EXPECT_EQ(blocked.out, "retx-exporter: --web.config.file " + fifo + ": cannot read " + fifo + ": not a regular file\n");
  unlink(fifo.c_str());
  unlink(file.c_str());
  rmdir(dir);
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
  EXPECT_EQ(retx::count_bpf_progs_named("retx_"), 4u)
      << "serving: skb, synack and state programs and the seed iterator (exporter/baseline_seed.h) loaded";
  kill(pid, SIGTERM);
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
  EXPECT_TRUE(wait_for_retx_progs(0)) << "programs still loaded 10 s after exit";
}

}  // namespace

namespace {

// The exporter started in the background with its stderr on a pipe.
struct Background {
  pid_t pid = -1;
  FILE* err = nullptr;

  explicit Background(const std::vector<std::string>& args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid = fork();
    if (pid == 0) {
      dup2(fds[1], 2);
      close(fds[0]);
      std::vector<char*> argv{const_cast<char*>(RETX_EXPORTER_BIN)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(RETX_EXPORTER_BIN, argv.data());
      _exit(127);
    }
    close(fds[1]);
    err = fdopen(fds[0], "r");
  }
  // The next stderr line containing `what` (empty at EOF).
  std::string line_with(const std::string& what) {
    char buf[512];
    while (err && fgets(buf, sizeof buf, err)) {
      if (std::string(buf).find(what) != std::string::npos) return buf;
    }
    return "";
  }
  // Sends `sig` (0: none, the process is expected to exit by itself) and reaps.
  int stop(int sig) {
    if (sig) kill(pid, sig);
    int st = 0;
    waitpid(pid, &st, 0);
    if (err) fclose(err);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
};

std::string curl(const std::string& url) {
  FILE* p = popen(("curl -gs --max-time 3 '" + url + "'").c_str(), "r");
  char buf[64] = {};
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  return std::string(buf, n);
}

}  // namespace

// Port 0 is reported truthfully (the port the kernel chose), SIGHUP without a
// web config is logged and ignored.
TEST(ExporterCli, PortZeroIsReportedAndSighupIsIgnored) {
  Background e({"--listen", "127.0.0.1:0"});
  std::string serving = e.line_with("serving ");
  auto at = serving.find("http://127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << serving;
  int port = std::atoi(serving.c_str() + at + 17);
  EXPECT_GT(port, 0) << serving;
  EXPECT_EQ(curl("http://127.0.0.1:" + std::to_string(port) + "/healthz"), "ok\n");
  kill(e.pid, SIGHUP);
  EXPECT_NE(e.line_with("SIGHUP ignored: no --web.config.file to reload"), "");
  EXPECT_EQ(curl("http://127.0.0.1:" + std::to_string(port) + "/healthz"), "ok\n") << "still serving after SIGHUP";
  EXPECT_EQ(e.stop(SIGTERM), 0);
}

// IPv6 in brackets is parsed; whether it can be served depends on how civetweb
// was built. Debian 12's has no IPv6: then the exporter says so before loading
// anything, instead of civetweb's "address in use".
TEST(ExporterCli, Ipv6InBracketsServesOrSaysWhyNot) {
  auto r = run("--listen [::1]:0 --once 0");
  EXPECT_EQ(r.code, 0) << r.out << "(--once does not listen)";
  Background e({"--listen", "[::1]:0"});
  std::string line = e.line_with("[::1]");
  if (line.find("built without IPv6") != std::string::npos) {
    EXPECT_EQ(line, "retx-exporter: cannot listen on [::1]:0: this civetweb (libcivetweb1) is built without IPv6; "
                    "use an IPv4 address\n");
    EXPECT_EQ(e.stop(0), 6);
    return;
  }
  auto at = line.find("http://[::1]:");
  ASSERT_NE(at, std::string::npos) << line;
  EXPECT_EQ(curl("http://[::1]:" + std::to_string(std::atoi(line.c_str() + at + 13)) + "/healthz"), "ok\n");
  EXPECT_EQ(e.stop(SIGTERM), 0);
}
