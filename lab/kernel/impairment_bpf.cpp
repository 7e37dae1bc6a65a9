// bpf backend: our cls_bpf dropper (bpf/lab_dropper.bpf.c) on clsact egress
// of the router's veths. Seeded, stateful (Gilbert-Elliott, nth, first SYN /
// SYN-ACK per connection, blackhole window), and its drop counts are weighted
// by gso_segs, so segments are exact with GSO on too.
#include "impairment_backend.h"

#include "lab_dropper.skel.h"
#include "lab_dropper_abi.h"
#include "netns_exec.h"

#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <net/if.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <type_traits>

namespace retx::lab {
namespace {
namespace bpf_backend {

static_assert(sizeof(lab_drop_stats) == 5 * 8, "lab_drop_stats layout shared with the BPF side");
static_assert(std::is_trivially_copyable_v<lab_drop_stats>);

std::uint64_t threshold(double p) {
  return static_cast<std::uint64_t>(std::llround(p * static_cast<double>(LAB_DROP_ONE)));
}

std::string errstr(int err) { return std::strerror(err < 0 ? -err : err); }

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

std::uint32_t kind_of(ImpairKind k) {
  switch (k) {
    case ImpairKind::Random: return LAB_DROP_RANDOM;
    case ImpairKind::GilbertElliott: return LAB_DROP_GE;
    case ImpairKind::NthSegment: return LAB_DROP_NTH;
    case ImpairKind::Blackhole: return LAB_DROP_BLACKHOLE;
    case ImpairKind::FirstSyn: return LAB_DROP_FIRST_SYN;
    case ImpairKind::FirstSynAck: return LAB_DROP_FIRST_SYNACK;
    default: throw std::invalid_argument("bpf dropper cannot express impairment kind " + std::string(to_string(k)));
  }
}

class BpfBackend : public ImpairmentBackend {
 public:
  BpfBackend(const std::string& ns_path, const ImpairmentSpec& spec, const std::vector<std::string>& ifaces)
      : ns_path_(ns_path) {
    skel_ = lab_dropper__open();
    if (!skel_) throw std::runtime_error("bpf dropper: open failed: " + errstr(errno));
    try {
      auto* ro = skel_->rodata;
      ro->cfg_kind = kind_of(spec.kind);
      bool sampled = spec.kind == ImpairKind::Random || spec.kind == ImpairKind::GilbertElliott ||
                     spec.kind == ImpairKind::NthSegment;
      ro->cfg_payload_only = sampled && spec.direction == Direction::Data ? 1 : 0;
      ro->cfg_nth = spec.nth;
      // bpf_ktime_get_ns() is CLOCK_MONOTONIC: the window is fixed here, at
      // construction, like the nft backend's.
      std::uint64_t now = monotonic_ns();
      ro->cfg_bh_start_ns = now + static_cast<std::uint64_t>(spec.blackhole.start_ms * 1e6);
      ro->cfg_bh_end_ns = ro->cfg_bh_start_ns + static_cast<std::uint64_t>(spec.blackhole.duration_ms * 1e6);
      ro->cfg_seed = spec.seed;
      ro->cfg_loss = threshold(spec.loss);
      ro->cfg_ge_p = threshold(spec.gemodel.p);
      ro->cfg_ge_r = threshold(spec.gemodel.r);
      ro->cfg_ge_bad = threshold(spec.gemodel.loss_bad);
      ro->cfg_ge_good = threshold(spec.gemodel.loss_good);
      if (int err = lab_dropper__load(skel_)) throw std::runtime_error("bpf dropper: load failed: " + errstr(err));
      // tc netlink requests act on the namespace of the calling thread.
      retx::run_in_netns(ns_path_, [&] {
        for (const auto& i : ifaces) attach(i);
      });
    } catch (...) {
      detach_all();
      lab_dropper__destroy(skel_);
      throw;
    }
  }

  ~BpfBackend() override {
    detach_all();
    lab_dropper__destroy(skel_);
  }

  ImpairmentStats stats() const override {
    int ncpu = libbpf_num_possible_cpus();
    if (ncpu <= 0) throw std::runtime_error("bpf dropper: cannot count possible CPUs");
    std::vector<lab_drop_stats> per_cpu(static_cast<size_t>(ncpu));
    std::uint32_t key = 0;
    if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.drop_stats), &key, per_cpu.data()) != 0) {
      throw std::runtime_error("bpf dropper: map lookup failed: " + errstr(errno) + " [map = drop_stats]");
    }
    ImpairmentStats st;
    st.backend = "bpf";
    for (const auto& c : per_cpu) {
      st.candidates += c.candidates;
      st.packets_dropped += c.packets_dropped;
      st.segments_dropped += c.segments_dropped;
      st.bytes_dropped += c.bytes_dropped;
      st.bad_state_candidates += c.ge_bad_packets;
    }
    st.segments_exact = true;
    return st;
  }

 private:
  void attach(const std::string& iface) {
    int ifindex = static_cast<int>(if_nametoindex(iface.c_str()));
    if (ifindex == 0) throw std::runtime_error("bpf dropper: no interface " + iface + " in router namespace");
    bpf_tc_hook hook{};
    hook.sz = sizeof hook;
    hook.ifindex = ifindex;
    hook.attach_point = BPF_TC_EGRESS;
    int err = bpf_tc_hook_create(&hook);
    if (err && err != -EEXIST) throw std::runtime_error("bpf dropper: clsact on " + iface + ": " + errstr(err));
    hooked_.push_back(ifindex);
    bpf_tc_opts opts{};
    opts.sz = sizeof opts;
    opts.prog_fd = bpf_program__fd(skel_->progs.lab_drop);
    err = bpf_tc_attach(&hook, &opts);
    if (err) throw std::runtime_error("bpf dropper: attach on " + iface + ": " + errstr(err));
  }

  // Removing the clsact qdisc removes our filter with it; if the namespace is
  // already gone, so are the interfaces and there is nothing to undo.
  void detach_all() noexcept {
    if (hooked_.empty()) return;
    try {
      retx::run_in_netns(ns_path_, [&] {
        for (int ifindex : hooked_) {
          bpf_tc_hook hook{};
          hook.sz = sizeof hook;
          hook.ifindex = ifindex;
          hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
          bpf_tc_hook_destroy(&hook);
        }
      });
    } catch (...) {
    }
    hooked_.clear();
  }

  std::string ns_path_;
  lab_dropper* skel_ = nullptr;
  std::vector<int> hooked_;
};

bool can_express(const ImpairmentSpec& s) { return s.kind != ImpairKind::None && !s.netem.any(); }

// Loads and attaches the dropper on "lo" of the scratch namespace, then removes it again.
std::string probe(const std::string& ns) {
  ImpairmentSpec s;
  s.kind = ImpairKind::Random;
  s.loss = 0.01;
  BpfBackend dropper("/run/netns/" + ns, s, {"lo"});
  return {};
}

std::unique_ptr<ImpairmentBackend> make(const Topology& topo, const ImpairmentSpec& spec,
                                        const std::vector<std::string>& ifaces) {
  return std::make_unique<BpfBackend>(topo.router().path, spec, ifaces);
}

}  // namespace bpf_backend
}  // namespace

extern const BackendInfo kBpfBackend{"bpf", bpf_backend::can_express, bpf_backend::probe, bpf_backend::make};

}  // namespace retx::lab
