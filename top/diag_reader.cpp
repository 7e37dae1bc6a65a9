// The INET_DIAG reader: a sock_diag dump per family of the calling thread's
// namespace, with tcp_info, the cgroup id and, when the probe keeps its
// per-socket state in socket-local storage, that storage too.
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "socket_reader.h"
#include "unique_fd.h"

namespace retx::top {
namespace {

// Kernel TCP states (include/net/tcp_states.h) not shown: no tcp_sock behind them.
constexpr int kTimeWait = 6, kListen = 10, kNewSynRecv = 12;
constexpr __u32 kStates = ((1u << 13) - 2) & ~((1u << kTimeWait) | (1u << kListen) | (1u << kNewSynRecv));

// The dump request: header, inet_diag_req_v2 and, for causes, a nested
// INET_DIAG_REQ_SK_BPF_STORAGES { SK_DIAG_BPF_STORAGE_REQ_MAP_FD }.
struct Request {
  nlmsghdr nlh;
  inet_diag_req_v2 req;
  nlattr storages;
  nlattr map_fd_attr;
  __u32 map_fd;
};

void send_request(int sock, int family, int causes_fd) {
  Request m{};
  m.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  m.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  m.req.sdiag_family = static_cast<__u8>(family);
  m.req.sdiag_protocol = IPPROTO_TCP;
  m.req.idiag_states = kStates;
  m.req.idiag_ext = 1u << (INET_DIAG_INFO - 1);
  std::size_t len = offsetof(Request, storages);
  if (causes_fd >= 0) {
    m.storages.nla_type = NLA_F_NESTED | INET_DIAG_REQ_SK_BPF_STORAGES;
    m.storages.nla_len = sizeof(nlattr) * 2 + sizeof(__u32);
    m.map_fd_attr.nla_type = SK_DIAG_BPF_STORAGE_REQ_MAP_FD;
    m.map_fd_attr.nla_len = sizeof(nlattr) + sizeof(__u32);
    m.map_fd = static_cast<__u32>(causes_fd);
    len = sizeof(Request);
  }
  m.nlh.nlmsg_len = static_cast<__u32>(len);
  if (send(sock, &m, len, 0) != static_cast<ssize_t>(len)) {
    throw std::runtime_error(std::string("inet_diag: send: ") + std::strerror(errno));
  }
}

template <typename F>
void for_each_attr(const void* data, std::size_t len, F&& f) {
  const auto* a = static_cast<const nlattr*>(data);
  while (len >= sizeof(nlattr) && a->nla_len >= sizeof(nlattr) && a->nla_len <= len) {
    f(*a, reinterpret_cast<const char*>(a) + NLA_HDRLEN, a->nla_len - NLA_HDRLEN);
    std::size_t step = NLA_ALIGN(a->nla_len);
    if (step >= len) break;
    len -= step;
    a = reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(a) + step);
  }
}

void fill_tcp_info(Conn& c, const char* p, std::size_t n) {
  tcp_info ti{};
  std::memcpy(&ti, p, std::min(n, sizeof ti));  // older kernels send a shorter struct
  c.retrans_segs = ti.tcpi_total_retrans;
  c.segs_out = ti.tcpi_segs_out;
  c.data_segs_out = ti.tcpi_data_segs_out;
  c.lost = ti.tcpi_lost;
  c.sacked = ti.tcpi_sacked;
  c.dsack_dups = ti.tcpi_dsack_dups;
  c.reord_seen = ti.tcpi_reord_seen;
  c.srtt_us = ti.tcpi_rtt;
  c.cwnd = ti.tcpi_snd_cwnd;
  c.bytes_acked = ti.tcpi_bytes_acked;
}

// INET_DIAG_SK_BPF_STORAGES { SK_DIAG_BPF_STORAGE { MAP_ID, MAP_VALUE } }:
// the probe's struct retx_sk_last for this socket.
void fill_storage(Conn& c, const char* p, std::size_t n) {
  for_each_attr(p, n, [&](const nlattr& a, const char* sp, std::size_t sn) {
    if ((a.nla_type & NLA_TYPE_MASK) != SK_DIAG_BPF_STORAGE) return;
    for_each_attr(sp, sn, [&](const nlattr& v, const char* vp, std::size_t vn) {
      if ((v.nla_type & NLA_TYPE_MASK) != SK_DIAG_BPF_STORAGE_MAP_VALUE || vn < sizeof(retx_sk_last)) return;
      retx_sk_last last;
      std::memcpy(&last, vp, sizeof last);
      if (!last.seen) return;
      Causes k{};
      for (int i = 0; i < RETX_CAUSE_COUNT; ++i) k[i] = last.causes[i];
      c.causes = k;
    });
  });
}

Conn conn_from_msg(const inet_diag_msg& m, std::size_t attrs_len) {
  Conn c;
  c.family = m.idiag_family;
  c.state = m.idiag_state;
  c.lport = ntohs(m.id.idiag_sport);
  c.rport = ntohs(m.id.idiag_dport);
  std::memcpy(c.laddr, m.id.idiag_src, 16);
  std::memcpy(c.raddr, m.id.idiag_dst, 16);
  c.cookie = m.id.idiag_cookie[0] | (static_cast<std::uint64_t>(m.id.idiag_cookie[1]) << 32);
  c.ino = m.idiag_inode;
  for_each_attr(reinterpret_cast<const char*>(&m) + NLMSG_ALIGN(sizeof m), attrs_len,
                [&](const nlattr& a, const char* p, std::size_t n) {
                  switch (a.nla_type & NLA_TYPE_MASK) {
                    case INET_DIAG_INFO: fill_tcp_info(c, p, n); break;
                    case INET_DIAG_CGROUP_ID:
                      if (n >= sizeof(std::uint64_t)) std::memcpy(&c.cgroup_id, p, sizeof c.cgroup_id);
                      break;
                    case INET_DIAG_SK_BPF_STORAGES: fill_storage(c, p, n); break;
                    default: break;
                  }
                });
  return c;
}

// Receives the dump's messages until NLMSG_DONE.
void receive_dump(int sock, std::vector<Conn>& out) {
  alignas(nlmsghdr) static thread_local char buf[64 * 1024];
  for (;;) {
    ssize_t n = recv(sock, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(std::string("inet_diag: recv: ") + std::strerror(errno));
    auto len = static_cast<unsigned>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        throw std::runtime_error(std::string("inet_diag: ") + std::strerror(-e->error));
      }
      if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
      const auto* m = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
      out.push_back(conn_from_msg(*m, h->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(inet_diag_msg)))));
    }
  }
}

class DiagReader : public SocketReader {
 public:
  // Socket-local storage is the only probe state sock_diag can dump.
  DiagReader(int causes_map_fd, retx_top_causes_map kind)
      : causes_fd_(kind == RETX_TOP_CAUSES_SK_STORAGE ? causes_map_fd : -1) {}

  const char* name() const override { return "inet_diag"; }
  bool reads_probe_storage() const override { return causes_fd_ >= 0; }

  void read_here(std::vector<Conn>& out) const override {
    for (int family : {AF_INET, AF_INET6}) {
      UniqueFd sock(socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
      if (!sock) throw std::runtime_error(std::string("inet_diag: socket: ") + std::strerror(errno));
      send_request(sock.get(), family, causes_fd_);
      receive_dump(sock.get(), out);
    }
  }

 private:
  int causes_fd_;
};

}  // namespace

std::unique_ptr<SocketReader> make_diag_reader(int causes_map_fd, retx_top_causes_map kind) {
  return std::make_unique<DiagReader>(causes_map_fd, kind);
}

}  // namespace retx::top
