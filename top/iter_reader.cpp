// The iter/tcp reader: one link for the process, one iterator fd per
// namespace (bpf_iter_create binds the fd to the creating thread's netns).
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "retx_top.skel.h"
#include "socket_reader.h"

namespace retx::top {
namespace {

class IterReader : public SocketReader {
 public:
  IterReader(int causes_map_fd, retx_top_causes_map kind) {
    skel_ = retx_top__open();
    if (!skel_) throw std::runtime_error(std::string("open iterator object: ") + std::strerror(errno));
    skel_->rodata->targ_causes_map = kind;
    // The maps this load does not share with the probe stay tiny.
    bpf_map__set_max_entries(skel_->maps.retx_sk_ptr, 1);
    int err = 0;
    if (kind == RETX_TOP_CAUSES_SK_STORAGE) err = bpf_map__reuse_fd(skel_->maps.retx_sk_btf, causes_map_fd);
    if (kind == RETX_TOP_CAUSES_PTR_HASH) err = bpf_map__reuse_fd(skel_->maps.retx_sk_ptr, causes_map_fd);
    if (err) fail("reuse the probe's per-socket map", err);
    if ((err = retx_top__load(skel_))) fail("load iter/tcp program", err);
    link_ = bpf_program__attach_iter(skel_->progs.retx_top_tcp, nullptr);
    if (!link_) fail("attach iter/tcp program", -errno);
  }

  ~IterReader() override {
    if (link_) bpf_link__destroy(link_);
    retx_top__destroy(skel_);
  }

  const char* name() const override { return "iter/tcp"; }

  std::vector<Conn> read_here() const override {
    int fd = bpf_iter_create(bpf_link__fd(link_));
    if (fd < 0) throw std::runtime_error(std::string("bpf_iter_create: ") + std::strerror(errno));
    std::vector<char> buf;
    std::size_t used = 0;
    for (;;) {
      if (buf.size() - used < 64 * 1024) buf.resize(buf.size() + 256 * 1024);
      ssize_t n = read(fd, buf.data() + used, buf.size() - used);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        close(fd);
        throw std::runtime_error(std::string("read iter/tcp: ") + std::strerror(e));
      }
      if (n == 0) break;
      used += static_cast<std::size_t>(n);
    }
    close(fd);
    std::vector<Conn> out;
    out.reserve(used / sizeof(retx_top_sock));
    for (std::size_t off = 0; off + sizeof(retx_top_sock) <= used; off += sizeof(retx_top_sock)) {
      retx_top_sock r;
      std::memcpy(&r, buf.data() + off, sizeof r);
      out.push_back(conn_from_record(r));
    }
    return out;
  }

 private:
  [[noreturn]] void fail(const char* what, int err) {
    if (link_) bpf_link__destroy(link_);
    retx_top__destroy(skel_);
    throw std::runtime_error(std::string(what) + ": " + std::strerror(-err));
  }

  retx_top* skel_ = nullptr;
  bpf_link* link_ = nullptr;
};

}  // namespace

std::unique_ptr<SocketReader> make_iter_reader(int causes_map_fd, retx_top_causes_map kind) {
  return std::make_unique<IterReader>(causes_map_fd, kind);
}

}  // namespace retx::top
