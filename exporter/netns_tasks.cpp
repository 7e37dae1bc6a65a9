#include "netns_tasks.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "bpf_iter_read.h"
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
  std::vector<retx_netns_task> out;
  read_bpf_iter_records<retx_netns_task>(bpf_link__fd(link_), "netns task iterator",
                                         [&](const retx_netns_task& t) { out.push_back(t); });
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
