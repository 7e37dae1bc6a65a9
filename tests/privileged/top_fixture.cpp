#include "top_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "netns_exec.h"
#include "run_cmd.h"
#include "syn_sent.h"

namespace retx::test {
namespace {

using Clock = std::chrono::steady_clock;

UniqueFd accept_one(int listen_fd) {
  for (auto end = Clock::now() + std::chrono::seconds(10); Clock::now() < end;) {
    pollfd p{listen_fd, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) return UniqueFd(fd);
    }
  }
  throw std::runtime_error("accept: no connection within 10 s");
}

// Until the sender has nothing unacknowledged and no retransmit timer armed.
void wait_all_acked(int fd) {
  for (auto end = Clock::now() + std::chrono::seconds(20); Clock::now() < end;) {
    tcp_info ti = tcp_info_of(fd);
    if (ti.tcpi_unacked == 0 && ti.tcpi_retransmits == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("data still unacknowledged after 20 s");
}

std::string slurp(FILE* f) {
  std::string s;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, f)) s.append(buf, n);
  return s;
}

}  // namespace

tcp_info tcp_info_of(int fd) {
  tcp_info ti{};
  socklen_t len = sizeof ti;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) throw std::runtime_error("getsockopt(TCP_INFO) failed");
  return ti;
}

std::vector<HeldConn> hold_connections(const lab::Topology& topo, int n, std::uint64_t bytes, int family) {
  std::uint16_t port = 0;
  UniqueFd listener;
  run_in_netns(topo.server().path,
               [&] { listener = lab::sock::listen_on(family, lab::Topology::server_addr(family), port); });
  std::vector<HeldConn> held(n);
  for (auto& h : held) {
    run_in_netns(topo.client(0).path, [&] {
      h.client = lab::sock::connect_to(family, lab::Topology::server_addr(family), port, 5);
    });
    h.server = accept_one(listener.get());
    h.client_port = local_port(h.client.get());
    h.server_port = port;
  }
  lab::sock::Limits lim{15, Clock::now() + std::chrono::seconds(60)};
  std::vector<std::thread> senders;
  for (auto& h : held) {
    lab::sock::set_timeouts(h.client.get(), 15);
    lab::sock::set_timeouts(h.server.get(), 15);
    senders.emplace_back([&h, bytes, lim] { lab::sock::send_all(h.client.get(), bytes, lim); });
  }
  for (auto& h : held) lab::sock::recv_exact(h.server.get(), bytes, lim);
  for (auto& t : senders) t.join();
  for (auto& h : held) wait_all_acked(h.client.get());
  return held;
}

TopRun run_top(const std::string& args, const std::string& prefix) {
  std::string errfile = "/tmp/rxl-" + std::to_string(getpid()) + "-top.err";
  std::string cmd = prefix + RETX_TOP_BIN + " " + args + " 2>" + errfile;
  TopRun r;
  FILE* p = popen(cmd.c_str(), "r");
  r.out = slurp(p);
  int st = pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  std::ifstream e(errfile);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  std::remove(errfile.c_str());
  if (!r.out.empty() && r.out[0] == '{') r.json = nlohmann::json::parse(r.out, nullptr, false);
  return r;
}

const nlohmann::json* find_conn(const nlohmann::json& top, std::uint64_t netns, std::uint16_t lport,
                                std::uint16_t rport) {
  for (const auto& c : top.at("connections")) {
    if (c.at("netns") == netns && c.at("local_port") == lport && c.at("remote_port") == rport) return &c;
  }
  return nullptr;
}

std::map<std::pair<std::uint16_t, std::uint16_t>, SsFigures> ss_figures(const lab::Namespace& ns) {
  auto r = lab::run_cmd({"ip", "netns", "exec", ns.name, "ss", "-tinHO", "state", "established"});
  std::map<std::pair<std::uint16_t, std::uint16_t>, SsFigures> out;
  // With one state selected, ss prints no State column: Recv-Q Send-Q local peer info...
  static const std::regex ports(R"(^\s*\d+\s+\d+\s+\S+:(\d+)\s+\S+:(\d+))");
  static const std::regex segs(R"(\bsegs_out:(\d+))");
  static const std::regex retrans(R"(\bretrans:\d+/(\d+))");
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, ports)) continue;
    auto key = std::make_pair(static_cast<std::uint16_t>(std::stoi(m[1])), static_cast<std::uint16_t>(std::stoi(m[2])));
    SsFigures f;
    if (std::regex_search(line, m, segs)) f.segs_out = std::stoull(m[1]);
    if (std::regex_search(line, m, retrans)) f.retrans_total = std::stoull(m[1]);
    out[key] = f;
  }
  return out;
}

}  // namespace retx::test
