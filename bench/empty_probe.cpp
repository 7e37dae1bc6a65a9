// retx-bench-empty-probe: attaches bench/retx_empty.bpf.c (a program that does
// nothing) to one tracepoint until SIGINT/SIGTERM, then prints its bpf_stats
// as JSON. Its run_time_ns / run_cnt is the floor: what any program on that
// tracepoint costs (dispatch + the stats' own clock reads), which the
// exporter's figure is compared against in the same run.
//
//   retx-bench-empty-probe [--tracepoint tcp_retransmit_skb|inet_sock_set_state]
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "loader_util.h"
#include "retx_empty.skel.h"

namespace {

struct Choice {
  bool state = false;  // inet_sock_set_state instead of tcp_retransmit_skb
  bool btf = true;     // tp_btf, else raw_tp
};

bpf_program* program(retx_empty* s, Choice c) {
  if (c.state) return c.btf ? s->progs.retx_empty_state_btf : s->progs.retx_empty_state_raw;
  return c.btf ? s->progs.retx_empty_btf : s->progs.retx_empty_raw;
}

// Opens the skeleton with only the chosen program to load; nullptr if the
// kernel refuses it.
retx_empty* open_and_load(Choice c) {
  retx_empty* s = retx_empty__open();
  if (!s) return nullptr;
  bpf_program* p;
  bpf_object__for_each_program(p, s->obj) bpf_program__set_autoload(p, p == program(s, c));
  if (retx_empty__load(s) == 0) return s;
  retx_empty__destroy(s);
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  Choice c;
  if (argc == 3 && std::strcmp(argv[1], "--tracepoint") == 0) {
    c.state = std::strcmp(argv[2], "inet_sock_set_state") == 0;
    if (!c.state && std::strcmp(argv[2], "tcp_retransmit_skb") != 0) argc = 0;
  }
  if (argc != 1 && argc != 3) {
    std::fprintf(stderr, "usage: %s [--tracepoint tcp_retransmit_skb|inet_sock_set_state]\n", argv[0]);
    return 2;
  }
  const char* tp = c.state ? "inet_sock_set_state" : "tcp_retransmit_skb";
  sigset_t stop = retx::bench::block_stop_signals();
  libbpf_set_print([](enum libbpf_print_level, const char*, va_list) { return 0; });

  // tp_btf first (what the exporter picks here); raw_tp where BTF attach is refused.
  retx_empty* skel = open_and_load(c);
  if (!skel) skel = open_and_load({c.state, false});
  if (!skel) {
    std::fprintf(stderr, "empty-probe: load failed (tp_btf and raw_tp): %s\n", std::strerror(errno));
    return 1;
  }
  const bool btf = bpf_program__autoload(program(skel, c));
  bpf_program* prog = program(skel, {c.state, btf});
  bpf_link* link = btf ? bpf_program__attach(prog) : bpf_program__attach_raw_tracepoint(prog, tp);
  if (!link) {
    std::fprintf(stderr, "empty-probe: attach %s: %s\n", tp, std::strerror(errno));
    retx_empty__destroy(skel);
    return 1;
  }
  // Refcounted by the kernel and dropped when we exit: no global sysctl to restore.
  int stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
  if (stats_fd < 0) std::fprintf(stderr, "empty-probe: warning: bpf_enable_stats: %s\n", std::strerror(errno));
  const char* flavour = btf ? "tp_btf" : "raw_tp";
  std::fprintf(stderr, "empty-probe: ready (%s/%s)\n", flavour, tp);

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
