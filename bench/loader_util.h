// Shared by the bench-only loaders (empty_probe, per_event): wait for the
// overhead scripts to say "stop", and read a program's bpf_stats. Header-only
// because each loader is one file and a library for two functions is noise.
#pragma once

#include <bpf/bpf.h>
#include <signal.h>

#include <cstdint>
#include <ctime>

namespace retx::bench {

struct RunStats {
  std::uint64_t run_cnt = 0;
  std::uint64_t run_time_ns = 0;
};

// run_cnt / run_time_ns are only accumulated while bpf stats are enabled
// (kernel.bpf_stats_enabled=1 or an fd from bpf_enable_stats).
inline RunStats prog_run_stats(int prog_fd) {
  bpf_prog_info info{};
  __u32 len = sizeof(info);
  RunStats s;
  if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) == 0) {
    s.run_cnt = info.run_cnt;
    s.run_time_ns = info.run_time_ns;
  }
  return s;
}

// Blocks SIGINT/SIGTERM (call before any thread starts) so they can be taken
// synchronously, without a handler racing the main loop.
inline sigset_t block_stop_signals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
  return s;
}

// True once a stop signal is pending; waits at most timeout_ms for one.
inline bool stop_requested(const sigset_t& s, long timeout_ms) {
  timespec ts{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
  siginfo_t si;
  return sigtimedwait(&s, &si, &ts) > 0;
}

}  // namespace retx::bench
