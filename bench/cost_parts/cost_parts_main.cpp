// retx-bench-cost-parts --part NAME (reads, direct, map, sk, stat, hash, slot): attaches one part of the
// exporter's per-event work (cost_parts.bpf.c) to tcp_retransmit_skb until
// SIGINT/SIGTERM. run-probe-cost.sh reads its bpf_stats from /proc/PID/fdinfo
// like every other variant, so this loader prints nothing but "ready".
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "../loader_util.h"
#include "retx_cost_parts.skel.h"

int main(int argc, char** argv) {
  const std::string part = argc == 3 && std::string(argv[1]) == "--part" ? argv[2] : "";
  libbpf_set_print([](enum libbpf_print_level, const char*, va_list) { return 0; });
  retx_cost_parts* skel = retx_cost_parts__open();
  if (!skel) {
    std::fprintf(stderr, "cost-parts: open skeleton: %s\n", std::strerror(errno));
    return 1;
  }
  // The parts are the object's programs, named parts_<part>: only the chosen one loads.
  std::string known;
  bool found = false;
  bpf_program* prog;
  bpf_object__for_each_program(prog, skel->obj) {
    const std::string name = std::string(bpf_program__name(prog)).substr(std::strlen("parts_"));
    known += (known.empty() ? "" : "|") + name;
    found |= name == part;
    bpf_program__set_autoload(prog, name == part);
  }
  if (!found) {
    std::fprintf(stderr, "usage: %s --part %s\n", argv[0], known.c_str());
    retx_cost_parts__destroy(skel);
    return 2;
  }
  sigset_t stop = retx::bench::block_stop_signals();
  if (retx_cost_parts__load(skel) != 0 || retx_cost_parts__attach(skel) != 0) {
    std::fprintf(stderr, "cost-parts: load/attach %s: %s\n", part.c_str(), std::strerror(errno));
    retx_cost_parts__destroy(skel);
    return 1;
  }
  std::fprintf(stderr, "cost-parts: ready (%s)\n", part.c_str());
  int sig = 0;
  sigwait(&stop, &sig);
  retx_cost_parts__destroy(skel);
  return 0;
}
