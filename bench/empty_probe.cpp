// retx-bench-empty-probe: attaches bench/retx_empty.bpf.c (a program that does
// nothing) to tcp_retransmit_skb until SIGINT/SIGTERM, then prints its
// bpf_stats as JSON. Its run_time_ns / run_cnt is the floor: what any program
// on this tracepoint costs (dispatch + the stats' own clock reads), which the
// exporter's figure is compared against in the same run.
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "loader_util.h"
#include "retx_empty.skel.h"

int main() {
  sigset_t stop = retx::bench::block_stop_signals();
  libbpf_set_print([](enum libbpf_print_level, const char*, va_list) { return 0; });

  // tp_btf first (what the exporter picks here); raw_tp where BTF attach is refused.
  const char* flavour = "tp_btf";
  retx_empty* skel = retx_empty__open();
  if (!skel) {
    std::fprintf(stderr, "empty-probe: open skeleton: %s\n", std::strerror(errno));
    return 1;
  }
  bpf_program__set_autoload(skel->progs.retx_empty_raw, false);
  if (retx_empty__load(skel) != 0) {
    retx_empty__destroy(skel);
    skel = retx_empty__open();
    if (!skel) return 1;
    bpf_program__set_autoload(skel->progs.retx_empty_btf, false);
    flavour = "raw_tp";
    if (retx_empty__load(skel) != 0) {
      std::fprintf(stderr, "empty-probe: load failed (tp_btf and raw_tp): %s\n", std::strerror(errno));
      retx_empty__destroy(skel);
      return 1;
    }
  }
  bpf_program* prog = std::strcmp(flavour, "tp_btf") == 0 ? skel->progs.retx_empty_btf : skel->progs.retx_empty_raw;
  bpf_link* link = std::strcmp(flavour, "tp_btf") == 0 ? bpf_program__attach(prog)
                                                       : bpf_program__attach_raw_tracepoint(prog, "tcp_retransmit_skb");
  if (!link) {
    std::fprintf(stderr, "empty-probe: attach %s: %s\n", flavour, std::strerror(errno));
    retx_empty__destroy(skel);
    return 1;
  }
  // Refcounted by the kernel and dropped when we exit: no global sysctl to restore.
  int stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
  if (stats_fd < 0) std::fprintf(stderr, "empty-probe: warning: bpf_enable_stats: %s\n", std::strerror(errno));
  std::fprintf(stderr, "empty-probe: ready (%s)\n", flavour);

  int sig = 0;
  sigwait(&stop, &sig);
  auto st = retx::bench::prog_run_stats(bpf_program__fd(prog));
  std::printf("{\"program\":\"%s\",\"attach\":\"%s\",\"run_cnt\":%llu,\"run_time_ns\":%llu}\n", bpf_program__name(prog),
              flavour, static_cast<unsigned long long>(st.run_cnt), static_cast<unsigned long long>(st.run_time_ns));
  bpf_link__destroy(link);
  retx_empty__destroy(skel);
  if (stats_fd >= 0) close(stats_fd);
  return 0;
}
