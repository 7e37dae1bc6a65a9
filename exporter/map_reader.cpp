#include "map_reader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace retx {
namespace {

int possible_cpus() {
  static const int n = libbpf_num_possible_cpus();
  if (n <= 0) throw std::runtime_error("libbpf_num_possible_cpus failed");
  return n;
}

std::runtime_error map_error(const char* op, int err, int fd) {
  return std::runtime_error(std::string("BPF map operation ") + op + " failed: " + std::strerror(err) +
                            " [map fd = " + std::to_string(fd) + "]");
}

// Values per key: one per possible CPU in a per-CPU map (retx_agg), one in a
// shared one (retx_detail, added to atomically). Asked of the kernel once per
// read, so a map can never be read with the wrong layout.
int value_slots(int fd) {
  struct bpf_map_info info {};
  __u32 len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) throw map_error("get_info", errno, fd);
  const bool per_cpu = info.type == BPF_MAP_TYPE_PERCPU_HASH || info.type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
                       info.type == BPF_MAP_TYPE_PERCPU_ARRAY;
  return per_cpu ? possible_cpus() : 1;
}

// Per-CPU values are laid out one per possible CPU, each rounded up to 8 bytes
// (retx_value is already 16).
retx_value sum_cpus(const retx_value* per_cpu, int ncpu) {
  retx_value total{};
  for (int c = 0; c < ncpu; ++c) {
    total.segs += per_cpu[c].segs;
    total.skbs += per_cpu[c].skbs;
  }
  return total;
}

bool read_batch(int fd, std::size_t ksz, int ncpu, std::vector<CounterRow>& out) {
  constexpr __u32 kChunk = 256;
  std::vector<unsigned char> keys(kChunk * ksz);
  std::vector<retx_value> values(static_cast<size_t>(kChunk) * ncpu);
  retx_key in{}, next{};
  bool first = true;
  for (;;) {
    __u32 count = kChunk;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    int r = bpf_map_lookup_batch(fd, first ? nullptr : &in, &next, keys.data(), values.data(), &count, &opts);
    int err = r < 0 ? errno : 0;
    if (r < 0 && err != ENOENT) {
      if (first && (err == EINVAL || err == ENOTSUP || err == EOPNOTSUPP || err == ENOSYS)) return false;
      throw map_error("lookup_batch", err, fd);
    }
    for (__u32 i = 0; i < count; ++i) {
      CounterRow row{{}, sum_cpus(&values[static_cast<size_t>(i) * ncpu], ncpu)};
      std::memcpy(&row.key, &keys[i * ksz], ksz);
      out.push_back(row);
    }
    if (err == ENOENT) return true;
    in = next;
    first = false;
  }
}

// The kernel writes key_size bytes of each key: the rest of next stays zero.
void read_per_key(int fd, int ncpu, std::vector<CounterRow>& out) {
  std::vector<retx_value> values(ncpu);
  retx_key key{}, next{};
  bool first = true;
  while (bpf_map_get_next_key(fd, first ? nullptr : &key, &next) == 0) {
    if (bpf_map_lookup_elem(fd, &next, values.data()) == 0) {
      out.push_back({next, sum_cpus(values.data(), ncpu)});
    } else if (errno != ENOENT) {  // ENOENT: deleted meanwhile (a dead namespace's rows)
      throw map_error("lookup", errno, fd);
    }
    key = next;
    first = false;
  }
  if (errno != ENOENT) throw map_error("get_next_key", errno, fd);
}

}  // namespace

std::vector<CounterRow> read_counter_map(int map_fd, ReadMethod method, std::size_t key_size) {
  if (key_size == 0 || key_size > sizeof(retx_key)) throw map_error("read with key size", EINVAL, map_fd);
  const int slots = value_slots(map_fd);
  std::vector<CounterRow> out;
  if (method != ReadMethod::PerKey) {
    if (read_batch(map_fd, key_size, slots, out)) return out;
    if (method == ReadMethod::Batch) throw map_error("lookup_batch", EOPNOTSUPP, map_fd);
    out.clear();
  }
  read_per_key(map_fd, slots, out);
  return out;
}

namespace {

template <typename Key>
std::size_t delete_each(int map_fd, const std::vector<Key>& keys) {
  std::size_t deleted = 0;
  for (const auto& k : keys) {
    if (bpf_map_delete_elem(map_fd, &k) == 0) {
      ++deleted;
    } else if (errno != ENOENT) {
      throw map_error("delete", errno, map_fd);
    }
  }
  return deleted;
}

}  // namespace

std::size_t delete_keys(int map_fd, const std::vector<retx_key>& keys) { return delete_each(map_fd, keys); }

std::size_t delete_keys(int map_fd, const std::vector<retx_netns_key>& keys) { return delete_each(map_fd, keys); }

void mark_cgroups_gone(int map_fd, const std::vector<std::uint64_t>& ids) {
  const std::uint8_t one = 1;
  for (std::uint64_t id : ids) {
    if (bpf_map_update_elem(map_fd, &id, &one, BPF_ANY) != 0) throw map_error("update cgroup_gone", errno, map_fd);
  }
}

std::uint64_t count_u64_keys(int map_fd) {
  struct bpf_map_info info {};
  __u32 len = sizeof(info);
  if (bpf_obj_get_info_by_fd(map_fd, &info, &len) != 0) throw map_error("get_info", errno, map_fd);
  // Batches of keys (the values are read too and dropped): a few syscalls for
  // a full 64k-entry map, where get_next_key would take one per entry.
  constexpr __u32 kChunk = 4096;
  std::vector<std::uint64_t> keys(kChunk);
  std::vector<char> values(static_cast<std::size_t>(kChunk) * info.value_size);
  std::uint64_t n = 0, in = 0, next = 0;
  bool first = true;
  for (;;) {
    __u32 count = kChunk;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    int r = bpf_map_lookup_batch(map_fd, first ? nullptr : &in, &next, keys.data(), values.data(), &count, &opts);
    if (r < 0 && errno != ENOENT) throw map_error("lookup_batch", errno, map_fd);
    n += count;
    if (r < 0) return n;
    in = next;
    first = false;
  }
}

std::array<std::uint64_t, RETX_STAT_COUNT> read_stats_map(int map_fd) {
  const int ncpu = possible_cpus();
  std::array<std::uint64_t, RETX_STAT_COUNT> out{};
  std::vector<std::uint64_t> per_cpu(ncpu);
  for (__u32 slot = 0; slot < RETX_STAT_COUNT; ++slot) {
    if (bpf_map_lookup_elem(map_fd, &slot, per_cpu.data()) != 0) throw map_error("lookup stats", errno, map_fd);
    for (auto v : per_cpu) out[slot] += v;
  }
  return out;
}

std::vector<RatioHistRow> read_ratio_hist_map(int map_fd) {
  const int ncpu = possible_cpus();
  std::vector<retx_ratio_hist> per_cpu(ncpu);
  std::vector<RatioHistRow> out;
  retx_netns_key key{}, next{};
  bool first = true;
  // One entry per namespace that closed a connection: few, so key by key.
  while (bpf_map_get_next_key(map_fd, first ? nullptr : &key, &next) == 0) {
    first = false;
    key = next;
    if (bpf_map_lookup_elem(map_fd, &next, per_cpu.data()) != 0) {
      if (errno == ENOENT) continue;
      throw map_error("lookup ratio histogram", errno, map_fd);
    }
    RatioHistRow row{next.netns_cookie, next.netns, {}};
    for (const auto& h : per_cpu) {
      for (int b = 0; b <= RETX_RATIO_BOUNDS; ++b) row.hist.buckets[b] += h.buckets[b];
      row.hist.sum_scaled += h.sum_scaled;
    }
    out.push_back(row);
  }
  if (errno != ENOENT) throw map_error("get_next_key ratio histogram", errno, map_fd);
  return out;
}

}  // namespace retx
