// Reading a per-CPU hash shaped like the probe's counting maps (the ABI's key
// and value) at scrape time: one BPF_MAP_LOOKUP_BATCH per 256 keys against one
// get_next_key + lookup pair per key. Needs root (CAP_BPF) to create the map.
#include <benchmark/benchmark.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "map_reader.h"
#include "synthetic_rows.h"

namespace {

// One filled map per size, created on first use and kept for the process: the
// fill (N per-CPU updates) is setup, not what is measured.
class FilledMaps {
 public:
  ~FilledMaps() {
    for (auto& [n, fd] : fds_) close(fd);
  }
  // Returns the fd, or -1 with `why` set.
  int get(int n, std::string& why) {
    if (auto it = fds_.find(n); it != fds_.end()) return it->second;
    int fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "rxlb_bench", sizeof(retx_key), sizeof(retx_value),
                            static_cast<__u32>(n), nullptr);
    if (fd < 0) {
      why = std::string("bpf_map_create PERCPU_HASH: ") + std::strerror(errno);
      return -1;
    }
    std::vector<retx_value> per_cpu(static_cast<size_t>(libbpf_num_possible_cpus()));
    for (int i = 0; i < n; ++i) {
      retx_key k = retx::bench::synthetic_key(static_cast<std::uint32_t>(i));
      for (size_t c = 0; c < per_cpu.size(); ++c) per_cpu[c] = {static_cast<__u64>(i + c), 1};
      if (bpf_map_update_elem(fd, &k, per_cpu.data(), BPF_ANY) != 0) {
        why = std::string("bpf_map_update_elem: ") + std::strerror(errno);
        close(fd);
        return -1;
      }
    }
    fds_[n] = fd;
    return fd;
  }

 private:
  std::map<int, int> fds_;
};

FilledMaps& maps() {
  static FilledMaps m;
  return m;
}

void read_map(benchmark::State& state, retx::ReadMethod method) {
  if (geteuid() != 0) {
    state.SkipWithError("needs root: creating a BPF map needs CAP_BPF (run as root)");
    return;
  }
  const int n = static_cast<int>(state.range(0));
  std::string why;
  const int fd = maps().get(n, why);
  if (fd < 0) {
    state.SkipWithError(why.c_str());
    return;
  }
  std::size_t rows = 0;
  for (auto _ : state) {
    auto out = retx::read_counter_map(fd, method);
    rows = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  if (rows != static_cast<std::size_t>(n)) {
    state.SkipWithError(("read " + std::to_string(rows) + " rows from a map of " + std::to_string(n)).c_str());
    return;
  }
  state.counters["keys"] = n;  // run-all.sh divides real_time by this for ns per key
}

void BM_ReadBatch(benchmark::State& state) { read_map(state, retx::ReadMethod::Batch); }
void BM_ReadPerKey(benchmark::State& state) { read_map(state, retx::ReadMethod::PerKey); }

#define KEY_ARGS Arg(10)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_ReadBatch)->KEY_ARGS;
BENCHMARK(BM_ReadPerKey)->KEY_ARGS;

}  // namespace

BENCHMARK_MAIN();
