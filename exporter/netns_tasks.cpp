#include "netns_tasks.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "retx_netns_iter.skel.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71  // include/uapi/asm-generic/socket.h, 5.14
#endif

namespace retx {
namespace {

std::runtime_error iter_error(const char* step, int err) {
  return std::runtime_error(std::string("netns task iterator: ") + step + ": " + std::strerror(err));
}

}  // namespace

NetnsTasks::NetnsTasks() {
  skel_ = retx_netns_iter__open_and_load();
  if (!skel_) throw iter_error("load", errno);
  link_ = bpf_program__attach_iter(skel_->progs.netns_tasks, nullptr);
  if (!link_) {
    int err = errno;
    retx_netns_iter__destroy(skel_);
    throw iter_error("attach", err);
  }
}

NetnsTasks::~NetnsTasks() {
  bpf_link__destroy(link_);
  retx_netns_iter__destroy(skel_);
}

std::vector<retx_netns_task> NetnsTasks::read() const {
  int fd = bpf_iter_create(bpf_link__fd(link_));
  if (fd < 0) throw iter_error("create", errno);
  std::vector<retx_netns_task> out;
  std::vector<char> buf(64 * 1024);
  std::size_t have = 0;
  for (;;) {
    if (buf.size() - have < sizeof(retx_netns_task)) buf.resize(buf.size() * 2);
    ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      throw iter_error("read", err);
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  close(fd);
  out.resize(have / sizeof(retx_netns_task));
  std::memcpy(out.data(), buf.data(), out.size() * sizeof(retx_netns_task));
  return out;
}

std::uint64_t socket_netns_cookie() {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  std::uint64_t cookie = 0;
  socklen_t len = sizeof(cookie);
  if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) != 0) cookie = 0;
  close(fd);
  return cookie;
}

}  // namespace retx
