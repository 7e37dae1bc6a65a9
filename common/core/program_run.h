// A loaded BPF program's name and bpf_stats, as plain data (read by
// common/kernel/bpf_progs.h, reported by the exporter and the benchmarks).
#pragma once

#include <cstdint>
#include <string>

namespace retx {

struct ProgramRun {
  std::string program;
  std::uint64_t run_cnt = 0;      // accumulated only while bpf stats are enabled
  std::uint64_t run_time_ns = 0;  // (kernel.bpf_stats_enabled=1 or a bpf_enable_stats fd)
  // Runs the kernel skipped because the program was already running on that
  // CPU (a softirq interrupting a process-context run).
  std::uint64_t recursion_misses = 0;
};

}  // namespace retx
