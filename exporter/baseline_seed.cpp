#include "baseline_seed.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "bpf_iter_read.h"
#include "netns_exec.h"
#include "netns_tasks.h"
#include "retx_seed.skel.h"

namespace retx {
namespace {

std::runtime_error seed_error(const char* step, int err) {
  return std::runtime_error(std::string(step) + ": " + std::strerror(err));
}

}  // namespace

BaselineSeeder::BaselineSeeder(int sk_storage_map_fd, int stats_map_fd, int seeded_map_fd) : seeded_fd_(seeded_map_fd) {
  skel_ = retx_seed__open();
  if (!skel_) throw seed_error("open the seed program", errno);
  // Only the socket storage is shared; the pointer-keyed map goes unused.
  bpf_map__set_max_entries(skel_->maps.retx_sk_ptr, 1);
  int err = bpf_map__reuse_fd(skel_->maps.retx_sk_btf, sk_storage_map_fd);
  if (!err) err = bpf_map__reuse_fd(skel_->maps.retx_stats, stats_map_fd);
  if (!err) err = retx_seed__load(skel_);
  if (!err) {
    link_ = bpf_program__attach_iter(skel_->progs.retx_seed, nullptr);
    if (!link_) err = -errno;
  }
  if (err) {
    retx_seed__destroy(skel_);
    throw seed_error("load the seed program", -err);
  }
}

BaselineSeeder::~BaselineSeeder() {
  bpf_link__destroy(link_);
  retx_seed__destroy(skel_);
}

std::uint64_t BaselineSeeder::sockets_seeded() const { return skel_->bss->seeded_sockets; }

// The cookie of the namespace at path, walked from a thread inside it; 0 when
// it was tried already or cannot be entered.
std::uint64_t BaselineSeeder::walk(const std::string& path) const {
  std::uint64_t walked = 0;
  try {
    run_in_netns(path, [&] {
      std::uint64_t cookie = socket_netns_cookie();
      if (cookie == 0 || tried(cookie)) return;
      // The program writes nothing: reading to the end is the walk.
      read_bpf_iter(bpf_link__fd(link_), "seed iterator", 1, [](const char*) {});
      walked = cookie;
    });
  } catch (const std::exception&) {
    return 0;  // setns refused, or the thread or bind mount went since the listing
  }
  return walked;
}

std::size_t BaselineSeeder::seed(const std::vector<NetnsRef>& refs, bool enter_unknown) {
  std::size_t n = 0;
  for (const auto& r : refs) {
    if (r.cookie != 0 ? tried(r.cookie) : !enter_unknown) continue;
    std::uint64_t cookie = walk(netns_entry_path(r));
    if (cookie == 0) {
      if (r.cookie != 0) failed_.insert(r.cookie);
      continue;
    }
    std::uint8_t one = 1;
    // Marked only after the walk: a connection set up during it gets a
    // baseline at setup, as before.
    if (bpf_map_update_elem(seeded_fd_, &cookie, &one, BPF_ANY) != 0) {
      failed_.insert(cookie);
      continue;
    }
    marked_.insert(cookie);
    ++n;
  }
  return n;
}

void BaselineSeeder::keep_only(const std::unordered_set<std::uint64_t>& alive) {
  std::erase_if(marked_, [&](std::uint64_t cookie) {
    if (alive.contains(cookie)) return false;
    bpf_map_delete_elem(seeded_fd_, &cookie);
    return true;
  });
  std::erase_if(failed_, [&](std::uint64_t cookie) { return !alive.contains(cookie); });
}

}  // namespace retx
