#include "bpf_iter_read.h"

#include <bpf/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "unique_fd.h"

namespace retx {
namespace {

[[noreturn]] void iter_failure(const std::string& what, const char* step, int err) {
  throw std::runtime_error(what + ": " + step + ": " + std::strerror(err));
}

}  // namespace

void read_bpf_iter(int link_fd, const std::string& what, std::size_t record_size,
                   const std::function<void(const char*)>& on_record) {
  UniqueFd fd(bpf_iter_create(link_fd));
  if (!fd) iter_failure(what, "bpf_iter_create", errno);
  // On the stack, not the heap: the seed pass reads from a short-lived
  // thread per namespace, and glibc keeps what such threads free in their
  // arenas (a heap buffer here doubled the exporter's RSS over a namespace
  // churn). The kernel hands out at most 8 pages per read (bpf_seq_read).
  char buf[32 * 1024];
  if (record_size == 0 || record_size > sizeof buf) iter_failure(what, "record size", EINVAL);
  std::size_t have = 0;
  for (;;) {
    ssize_t n = read(fd.get(), buf + have, sizeof buf - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) iter_failure(what, "read", errno);
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
    std::size_t off = 0;
    for (; off + record_size <= have; off += record_size) on_record(buf + off);
    std::memmove(buf, buf + off, have - off);
    have -= off;
  }
}

}  // namespace retx
