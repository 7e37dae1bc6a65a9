// The iter/tcp reader: one link for the process, one iterator fd per
// namespace (bpf_iter_create binds the fd to the creating thread's netns);
// and the iter/task_file link that names sockets' owners in one pass.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "bpf_iter_read.h"
#include "retx_top.skel.h"
#include "socket_reader.h"

namespace retx::top {
namespace {

// The initial pid namespace's inode (PROC_PID_INIT_INO): task->tgid, which
// the owners program reports, is a pid there.
constexpr const char* kInitPidNs = "pid:[4026531836]";

bool in_initial_pid_ns() {
  char buf[64];
  ssize_t n = readlink("/proc/self/ns/pid", buf, sizeof buf - 1);
  return n > 0 && std::string(buf, static_cast<std::size_t>(n)) == kInitPidNs;
}

class IterReader : public SocketReader {
 public:
  IterReader(int causes_map_fd, retx_top_causes_map kind) : storage_(kind == RETX_TOP_CAUSES_SK_STORAGE) {
    // Owners through the task_file program where pids mean what /proc says;
    // if that program cannot load, the socket view still can.
    if (!load(causes_map_fd, kind, in_initial_pid_ns())) load(causes_map_fd, kind, false);
    link_ = bpf_program__attach_iter(skel_->progs.retx_top_tcp, nullptr);
    if (!link_) fail("attach iter/tcp program", -errno);
    if (bpf_program__autoload(skel_->progs.retx_top_owners)) {
      owners_link_ = bpf_program__attach_iter(skel_->progs.retx_top_owners, nullptr);
    }
  }

  ~IterReader() override { destroy(); }

  const char* name() const override { return "iter/tcp"; }
  bool reads_probe_storage() const override { return storage_; }

  void read_here(std::vector<Conn>& out) const override {
    read_bpf_iter_records<retx_top_sock>(bpf_link__fd(link_), "iter/tcp",
                                [&](const retx_top_sock& r) { fill_from_record(out.emplace_back(), r); });
  }

  bool read_owners(std::unordered_map<std::uint64_t, Owner>& out) const override {
    if (!owners_link_) return false;
    read_bpf_iter_records<retx_top_owner>(bpf_link__fd(owners_link_), "iter/task_file", [&](const retx_top_owner& o) {
      // The lowest pid holding a socket is kept, as the /proc scan does.
      auto [it, fresh] = out.try_emplace(o.ino, Owner{static_cast<int>(o.tgid), ""});
      if (fresh || static_cast<int>(o.tgid) < it->second.pid) {
        it->second = Owner{static_cast<int>(o.tgid), std::string(o.comm, strnlen(o.comm, sizeof o.comm))};
      }
    });
    return true;
  }

 private:
  // False when only the owners program was refused (retry without it).
  bool load(int causes_map_fd, retx_top_causes_map kind, bool with_owners) {
    skel_ = retx_top__open();
    if (!skel_) throw std::runtime_error(std::string("open iterator object: ") + std::strerror(errno));
    skel_->rodata->targ_causes_map = kind;
    bpf_program__set_autoload(skel_->progs.retx_top_owners, with_owners);
    // The maps this load does not share with the probe stay tiny.
    bpf_map__set_max_entries(skel_->maps.retx_sk_ptr, 1);
    int err = 0;
    if (kind == RETX_TOP_CAUSES_SK_STORAGE) err = bpf_map__reuse_fd(skel_->maps.retx_sk_btf, causes_map_fd);
    if (kind == RETX_TOP_CAUSES_PTR_HASH) err = bpf_map__reuse_fd(skel_->maps.retx_sk_ptr, causes_map_fd);
    if (err) fail("reuse the probe's per-socket map", err);
    if ((err = retx_top__load(skel_))) {
      if (with_owners) {
        destroy();
        return false;
      }
      fail("load iter/tcp program", err);
    }
    return true;
  }

  void destroy() {
    if (owners_link_) bpf_link__destroy(owners_link_);
    if (link_) bpf_link__destroy(link_);
    retx_top__destroy(skel_);
    owners_link_ = link_ = nullptr;
    skel_ = nullptr;
  }

  [[noreturn]] void fail(const char* what, int err) {
    destroy();
    throw std::runtime_error(std::string(what) + ": " + std::strerror(-err));
  }

  bool storage_;
  retx_top* skel_ = nullptr;
  bpf_link* link_ = nullptr;
  bpf_link* owners_link_ = nullptr;
};

}  // namespace

std::unique_ptr<SocketReader> make_iter_reader(int causes_map_fd, retx_top_causes_map kind) {
  return std::make_unique<IterReader>(causes_map_fd, kind);
}

}  // namespace retx::top
