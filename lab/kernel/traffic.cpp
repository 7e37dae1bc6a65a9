#include "traffic.h"

#include "netns_exec.h"
#include "traffic_socket.h"

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace retx::lab {
namespace {

using retx::UniqueFd;

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxMessages = 20;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// SO_MAX_PACING_RATE takes bytes per second.
std::uint64_t pacing_bytes_per_s(const TrafficSpec& s) { return static_cast<std::uint64_t>(s.pacing_mbit * 1e6 / 8); }

// hold_open: the client workers that have neither parked their socket nor
// given up, the parked sockets (fd, identity), and whether they were released.
struct Hold {
  std::mutex mu;
  std::condition_variable cv;
  int pending = 0;
  std::vector<std::pair<int, SocketInfo>> held;
  bool released = false;
};

// Shared state of one run; every worker reports into it under the mutex.
struct Run {
  const TrafficSpec& spec;
  Clock::time_point start = Clock::now();
  Clock::time_point deadline;
  std::mutex mu;
  TrafficResult res;
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<bool> clients_done{false};
  Hold hold;

  explicit Run(const TrafficSpec& s) : spec(s) {
    hold.pending = s.hold_open ? s.flows : 0;  // one connection per worker outside storm mode
    deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.max_seconds));
  }
  sock::Limits limits() const { return {spec.io_timeout_s, deadline}; }
  bool past_deadline() const { return Clock::now() >= deadline; }
  void error(const std::string& where, const std::exception& e) {
    std::lock_guard lk(mu);
    ++res.errors;
    if (res.error_messages.size() < kMaxMessages) res.error_messages.push_back(where + ": " + e.what());
  }
  void record(const SocketInfo& si, std::uint64_t received) {
    std::lock_guard lk(mu);
    res.sockets.push_back(si);
    res.bytes += received;
  }
  void connected(double secs) {
    std::lock_guard lk(mu);
    res.connect_seconds.push_back(secs);
    ++res.connections;
  }
};

// Bulk sender: by bytes, or for duration_s from this connection's start (a
// slow connect must not eat the transfer).
std::uint64_t send_bulk(Run& run, int fd) {
  const auto& s = run.spec;
  if (s.bytes > 0) {
    sock::send_all(fd, s.bytes, run.limits());
    return s.bytes;
  }
  auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.duration_s));
  std::uint64_t sent = 0;
  while (Clock::now() < end) {
    sock::send_all(fd, 65536, run.limits());
    sent += 65536;
  }
  return sent;
}

// Parks a client socket whose data is all acknowledged until run_traffic's
// thread has measured every parked one. A wait cut short by the deadline
// takes the socket back out, so it is never read once it may be closed.
void park(Run& run, int fd, const SocketInfo& id, bool& parked) {
  if (!run.spec.hold_open) return;
  sock::wait_acked(fd, run.limits());
  auto& h = run.hold;
  std::unique_lock lk(h.mu);
  h.held.emplace_back(fd, id);
  parked = true;
  if (--h.pending == 0) h.cv.notify_all();
  if (!h.cv.wait_until(lk, run.deadline, [&] { return h.released; }))
    std::erase_if(h.held, [&](const auto& p) { return p.first == fd; });
}

// A client worker that will never park (it failed) stops being waited for.
void give_up_parking(Run& run) {
  auto& h = run.hold;
  std::lock_guard lk(h.mu);
  if (--h.pending == 0) h.cv.notify_all();
}

// run_traffic's thread: once every worker parked or gave up, TCP_INFO of the
// parked sockets goes to while_open, then they are released.
void measure_parked(Run& run, const WhileOpen& while_open) {
  auto& h = run.hold;
  std::unique_lock lk(h.mu);
  try {
    if (!h.cv.wait_until(lk, run.deadline, [&] { return h.pending == 0; }))
      throw std::runtime_error("run time cap reached before every client was done sending");
    std::vector<SocketInfo> open;
    for (const auto& [fd, id] : h.held) open.push_back(sock::snapshot(fd, id));
    if (while_open) while_open(open);
  } catch (const std::exception& e) {
    run.error("hold_open", e);
  }
  h.released = true;
  h.cv.notify_all();
}

// The sender closes its half first and waits for the peer's EOF: by then all
// data is acknowledged, so TCP_INFO holds the socket's final retransmissions.
SocketInfo finish_as_sender(Run& run, int fd, SocketInfo id, std::uint64_t sent) {
  shutdown(fd, SHUT_WR);
  std::uint64_t extra = sock::drain_to_eof(fd, run.limits());
  SocketInfo si = sock::snapshot(fd, id);
  si.bytes_sent = sent;
  si.bytes_received = extra;
  return si;
}

// A failed socket's retransmissions happened all the same: its TCP_INFO is
// kept, marked incomplete, so per-socket sums still cover every socket.
void record_failed(Run& run, const UniqueFd& fd, const SocketInfo& id) {
  if (fd.get() < 0) return;
  try {
    SocketInfo si = sock::snapshot(fd.get(), id);
    si.completed = false;
    run.record(si, 0);
  } catch (...) {
  }
}

void client_connection(Run& run, int worker, std::uint32_t conn, std::uint16_t port, const std::string& addr,
                       bool& parked) {
  const auto& s = run.spec;
  std::string where = "client flow " + std::to_string(worker) + " conn " + std::to_string(conn);
  UniqueFd fd;
  SocketInfo id;
  try {
    auto t0 = Clock::now();
    double left = std::chrono::duration<double>(run.deadline - t0).count();
    if (left <= 0) throw std::runtime_error("connect: run time cap reached");
    fd = sock::connect_to(s.family, addr, port, std::min(s.connect_timeout_s, left), s.cgroup_dir);
    run.connected(since(t0));
    id = sock::identify(fd.get(), SocketRole::Client, s.family);
    SocketInfo si;
    if (s.mode == TrafficMode::Bulk && s.transfer == Transfer::Download) {
      std::uint64_t received = sock::drain_to_eof(fd.get(), run.limits());
      si = sock::snapshot(fd.get(), id);
      si.bytes_received = received;
    } else if (s.mode == TrafficMode::Bulk) {
      sock::set_pacing(fd.get(), pacing_bytes_per_s(s));
      const std::uint64_t sent = send_bulk(run, fd.get());
      park(run, fd.get(), id, parked);
      si = finish_as_sender(run, fd.get(), id, sent);
    } else {
      std::uint32_t n = s.mode == TrafficMode::Storm ? 1 : s.transactions;
      sock::set_pacing(fd.get(), pacing_bytes_per_s(s));
      std::uint64_t received = 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        sock::send_all(fd.get(), s.request_bytes, run.limits());
        if (!sock::recv_exact(fd.get(), s.response_bytes, run.limits())) {
          throw std::runtime_error("server closed early");
        }
        received += s.response_bytes;
      }
      park(run, fd.get(), id, parked);
      si = finish_as_sender(run, fd.get(), id, std::uint64_t{n} * s.request_bytes);
      si.bytes_received += received;
    }
    run.record(si, si.bytes_received);
  } catch (const std::exception& e) {
    run.error(where, e);
    record_failed(run, fd, id);
  }
}

void server_connection(Run& run, UniqueFd fd) {
  const auto& s = run.spec;
  SocketInfo id = sock::identify(fd.get(), SocketRole::Server, s.family);
  try {
    SocketInfo si;
    if (s.mode == TrafficMode::Bulk && s.transfer == Transfer::Download) {
      sock::set_pacing(fd.get(), pacing_bytes_per_s(s));
      si = finish_as_sender(run, fd.get(), id, send_bulk(run, fd.get()));
    } else if (s.mode == TrafficMode::Bulk) {
      std::uint64_t got = sock::drain_to_eof(fd.get(), run.limits());
      si = sock::snapshot(fd.get(), id);
      si.bytes_received = got;
    } else {
      sock::set_pacing(fd.get(), pacing_bytes_per_s(s));
      std::uint64_t got = 0, sent = 0;
      while (sock::recv_exact(fd.get(), s.request_bytes, run.limits())) {
        got += s.request_bytes;
        sock::send_all(fd.get(), s.response_bytes, run.limits());
        sent += s.response_bytes;
      }
      si = sock::snapshot(fd.get(), id);
      si.bytes_received = got;
      si.bytes_sent = sent;
    }
    run.record(si, si.bytes_received);
  } catch (const std::exception& e) {
    run.error("server", e);
    record_failed(run, fd, id);
  }
}

// Accepts until `expected` connections were taken, the clients gave up, or
// the run's deadline passed. Polling in short steps keeps every exit prompt.
void server_worker(Run& run, int listen_fd, std::uint64_t expected) {
  while (!run.past_deadline()) {
    if (run.accepted.load() >= expected) return;
    pollfd pf{listen_fd, POLLIN, 0};
    int pr = poll(&pf, 1, 50);
    if (pr <= 0) {
      if (run.clients_done.load()) return;
      continue;
    }
    int c = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;  // another worker took it
    run.accepted.fetch_add(1);
    server_connection(run, UniqueFd(c));
  }
}

// One client worker, in the client's namespace: its connection, or its share
// of the storm's.
void client_worker(Run& run, int w, const std::string& client_ns, std::uint16_t port, const std::string& addr,
                   std::atomic<std::uint32_t>& next_conn, bool& parked) {
  try {
    retx::enter_netns(client_ns);
  } catch (const std::exception& e) {
    run.error("client flow " + std::to_string(w), e);
    return;
  }
  if (run.spec.mode != TrafficMode::Storm) {
    client_connection(run, w, 0, port, addr, parked);
    return;
  }
  for (;;) {
    std::uint32_t c = next_conn.fetch_add(1);
    if (c >= run.spec.connections || run.past_deadline()) return;
    client_connection(run, w, c, port, addr, parked);
  }
}

}  // namespace

std::string traffic_spec_error(const TrafficSpec& s, int clients) {
  if (s.flows < 1 || s.flows > 1024) return "traffic.flows = " + std::to_string(s.flows) + ": must be 1..1024";
  if (s.family != AF_INET && s.family != AF_INET6) return "traffic.family: must be AF_INET or AF_INET6";
  if (s.client_index < 0 || s.client_index >= clients) {
    return "traffic.client_index = " + std::to_string(s.client_index) + ": topology has " + std::to_string(clients) +
           " client(s)";
  }
  if (!(s.max_seconds > 0) || !(s.io_timeout_s > 0) || !(s.connect_timeout_s > 0)) {
    return "traffic timeouts (max_seconds, io_timeout_s, connect_timeout_s) must be > 0";
  }
  if (s.hold_open && (s.mode == TrafficMode::Storm || (s.mode == TrafficMode::Bulk && s.transfer == Transfer::Download)))
    return "traffic.hold_open: only with bulk upload or rr traffic";
  switch (s.mode) {
    case TrafficMode::Bulk:
      if (s.bytes == 0 && !(s.duration_s > 0)) return "traffic: bulk needs bytes > 0 or duration_s > 0";
      if (s.duration_s >= s.max_seconds) return "traffic.duration_s must be below max_seconds";
      break;
    case TrafficMode::RequestResponse:
      if (s.transactions == 0) return "traffic.transactions must be > 0";
      [[fallthrough]];
    case TrafficMode::Storm:
      if (s.request_bytes == 0 || s.response_bytes == 0) return "traffic: request_bytes and response_bytes must be > 0";
      if (s.mode == TrafficMode::Storm && s.connections == 0) return "traffic.connections must be > 0";
      break;
  }
  return {};
}

TrafficResult run_traffic(const Topology& topo, const TrafficSpec& spec, const WhileOpen& while_open) {
  if (auto err = traffic_spec_error(spec, static_cast<int>(topo.clients().size())); !err.empty()) {
    throw std::invalid_argument(err);
  }
  Run run(spec);
  std::uint16_t port = 0;
  UniqueFd listener;
  // The socket stays in the server's namespace after the thread that made it ends.
  retx::run_in_netns(topo.server().path,
                     [&] { listener = sock::listen_on(spec.family, Topology::server_addr(spec.family), port); });
  std::uint64_t expected = spec.mode == TrafficMode::Storm ? spec.connections : static_cast<std::uint64_t>(spec.flows);
  std::vector<std::thread> servers, clients;
  for (int i = 0; i < spec.flows; ++i) servers.emplace_back(server_worker, std::ref(run), listener.get(), expected);

  std::string addr = Topology::server_addr(spec.family);
  std::string client_ns = topo.client(spec.client_index).path;
  std::atomic<std::uint32_t> next_conn{0};
  for (int w = 0; w < spec.flows; ++w) {
    clients.emplace_back([&, w] {
      bool parked = false;
      client_worker(run, w, client_ns, port, addr, next_conn, parked);
      if (spec.hold_open && !parked) give_up_parking(run);
    });
  }
  if (spec.hold_open) measure_parked(run, while_open);
  for (auto& t : clients) t.join();
  run.clients_done.store(true);
  for (auto& t : servers) t.join();
  run.res.seconds = since(run.start);
  return std::move(run.res);
}

}  // namespace retx::lab
