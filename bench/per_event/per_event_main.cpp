// retx-bench-per-event: the per-event comparison mode. Loads retx_events.bpf.c,
// counts every ring-buffer record in user space until SIGINT/SIGTERM, then
// prints one JSON object: hits the program saw, records received, records lost
// (ring full), segments per netns, and the program's bpf_stats.
//
//   retx-bench-per-event [--ringbuf-kib N]
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "../loader_util.h"
#include "probe.h"  // retx::detect_features: whether the tracepoint carries err
#include "retx_event.h"
#include "retx_events.skel.h"

namespace {

struct Totals {
  std::uint64_t records = 0;
  std::map<std::uint32_t, std::uint64_t> segs_by_netns;
};

int on_record(void* ctx, void* data, size_t size) {
  if (size < sizeof(retx_event)) return 0;
  auto* t = static_cast<Totals*>(ctx);
  retx_event e;
  std::memcpy(&e, data, sizeof(e));
  t->records++;
  t->segs_by_netns[e.netns] += e.segs;
  return 0;
}

std::uint64_t stat_sum(int fd, __u32 slot) {
  std::vector<std::uint64_t> per_cpu(static_cast<size_t>(libbpf_num_possible_cpus()));
  if (bpf_map_lookup_elem(fd, &slot, per_cpu.data()) != 0) return 0;
  std::uint64_t s = 0;
  for (auto v : per_cpu) s += v;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned ringbuf_kib = 256;  // libbpf-tools' usual size for a low-rate tracer
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--ringbuf-kib" && i + 1 < argc) {
      ringbuf_kib = static_cast<unsigned>(std::stoul(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--ringbuf-kib N]  (N a power of two, >= 4)\n", argv[0]);
      return 2;
    }
  }
  sigset_t stop = retx::bench::block_stop_signals();
  libbpf_set_print([](enum libbpf_print_level, const char*, va_list) { return 0; });

  bool has_err = false;
  try {
    has_err = retx::detect_features("").skb_has_err;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "per-event: %s\n", e.what());
    return 1;
  }
  retx_events* skel = retx_events__open();
  if (!skel) {
    std::fprintf(stderr, "per-event: open skeleton: %s\n", std::strerror(errno));
    return 1;
  }
  skel->rodata->targ_has_err = has_err;
  bpf_map__set_max_entries(skel->maps.events, ringbuf_kib * 1024);
  if (retx_events__load(skel) != 0 || retx_events__attach(skel) != 0) {
    std::fprintf(stderr, "per-event: load/attach tp_btf/tcp_retransmit_skb: %s\n", std::strerror(errno));
    retx_events__destroy(skel);
    return 1;
  }
  Totals totals;
  ring_buffer* rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_record, &totals, nullptr);
  if (!rb) {
    std::fprintf(stderr, "per-event: ring_buffer__new: %s\n", std::strerror(errno));
    retx_events__destroy(skel);
    return 1;
  }
  int stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
  std::fprintf(stderr, "per-event: ready (ring %u KiB, err field %s)\n", ringbuf_kib, has_err ? "yes" : "no");

  // Poll with a short timeout so a stop signal is noticed within 100 ms.
  while (!retx::bench::stop_requested(stop, 0)) {
    int r = ring_buffer__poll(rb, 100);
    if (r < 0 && r != -EINTR) {
      std::fprintf(stderr, "per-event: ring_buffer__poll: %s\n", std::strerror(-r));
      break;
    }
  }
  // Detach first, then drain: every record the kernel managed to submit is counted.
  bpf_link__destroy(skel->links.retx_event_btf);
  skel->links.retx_event_btf = nullptr;
  ring_buffer__consume(rb);

  const int sfd = bpf_map__fd(skel->maps.ev_stats);
  auto st = retx::bench::prog_run_stats(bpf_program__fd(skel->progs.retx_event_btf));
  std::printf("{\"ringbuf_kib\":%u,\"hits\":%llu,\"records\":%llu,\"lost\":%llu,\"run_cnt\":%llu,\"run_time_ns\":%llu,"
              "\"segs_by_netns\":{",
              ringbuf_kib, static_cast<unsigned long long>(stat_sum(sfd, RETX_EV_HITS)),
              static_cast<unsigned long long>(totals.records),
              static_cast<unsigned long long>(stat_sum(sfd, RETX_EV_RESERVE_FAIL)),
              static_cast<unsigned long long>(st.run_cnt), static_cast<unsigned long long>(st.run_time_ns));
  const char* sep = "";
  for (const auto& [ns, segs] : totals.segs_by_netns) {
    std::printf("%s\"%u\":%llu", sep, ns, static_cast<unsigned long long>(segs));
    sep = ",";
  }
  std::printf("}}\n");
  ring_buffer__free(rb);
  retx_events__destroy(skel);
  if (stats_fd >= 0) close(stats_fd);
  return 0;
}
