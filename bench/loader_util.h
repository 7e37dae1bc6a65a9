// Shared by the bench-only loaders (empty_probe, per_event): wait for the
// overhead scripts to say "stop", and read a program's bpf_stats (common/). Header-only
// because each loader is one file and a library for two functions is noise.
#pragma once

#include <bpf/bpf.h>

#include "bpf_progs.h"
#include <signal.h>

#include <cstdint>
#include <ctime>

namespace retx::bench {

// run_cnt / run_time_ns of a program (only accumulated while bpf stats are
// enabled); zeros if the kernel refuses.
inline ProgramRun prog_run_stats(int prog_fd) {
  ProgramRun r;
  read_program_run(prog_fd, r);
  return r;
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
