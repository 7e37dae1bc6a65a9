// netem backend: one root netem qdisc per impaired router interface; drops
// from `tc -s -j qdisc show`. netem drops whole skbs, so with GSO on the
// segment count is only a lower bound (packets). The only backend for the
// extras (delay, jitter, reorder, duplicate, corrupt, rate, limit).
#include "impairment_backend.h"
#include "run_cmd.h"

#include <nlohmann/json.hpp>

#include <atomic>

namespace retx::lab {
namespace {
namespace netem_backend {

// Found by probe(): the seed came later (kernel 6.11, iproute2 6.10) than netem.
std::atomic<bool> g_takes_seed{false};

class NetemBackend : public ImpairmentBackend {
 public:
  NetemBackend(const Topology& topo, const ImpairmentSpec& spec, const std::vector<std::string>& ifaces)
      : ns_(topo.router().name), ifaces_(ifaces), exact_(topo.spec().offload == Offload::SegmentExact) {
    try {
      for (const auto& i : ifaces_) {
        run_cmd(netem_argv(ns_, i, spec, netem_takes_seed()));
        installed_.push_back(i);
      }
    } catch (...) {
      remove();
      throw;
    }
  }
  ~NetemBackend() override { remove(); }

  ImpairmentStats stats() const override {
    ImpairmentStats st;
    st.backend = "netem";
    for (const auto& i : installed_) {
      auto j = nlohmann::json::parse(run_cmd({"tc", "-n", ns_, "-s", "-j", "qdisc", "show", "dev", i, "root"}).out);
      for (const auto& q : j) {
        if (q.value("kind", "") != "netem") continue;
        std::uint64_t sent = q.value("packets", std::uint64_t{0});
        std::uint64_t drops = q.value("drops", std::uint64_t{0});
        st.candidates += sent + drops;
        st.packets_dropped += drops;
      }
    }
    st.segments_dropped = st.packets_dropped;
    st.segments_exact = exact_;
    st.candidates_are_decisions = exact_;
    st.drops_need_retransmit = false;
    return st;
  }

 private:
  void remove() noexcept {
    for (const auto& i : installed_) {
      try {
        try_cmd({"tc", "-n", ns_, "qdisc", "del", "dev", i, "root"});
      } catch (...) {
      }
    }
    installed_.clear();
  }

  std::string ns_;
  std::vector<std::string> ifaces_, installed_;
  bool exact_;
};

bool can_express(const ImpairmentSpec& s) {
  return s.kind == ImpairKind::None || s.kind == ImpairKind::Random || s.kind == ImpairKind::GilbertElliott;
}

std::string probe(const std::string& ns) {
  auto r = try_cmd({"tc", "-n", ns, "qdisc", "add", "dev", "lo", "root", "netem", "loss", "random", "1%"});
  if (r.exit_code != 0) return "tc qdisc add ... netem: " + first_line(r.err);
  g_takes_seed = try_cmd({"tc", "-n", ns, "qdisc", "change", "dev", "lo", "root", "netem", "loss", "random", "1%",
                          "seed", "1"})
                     .exit_code == 0;
  return {};
}

std::unique_ptr<ImpairmentBackend> make(const Topology& topo, const ImpairmentSpec& spec,
                                        const std::vector<std::string>& ifaces) {
  return std::make_unique<NetemBackend>(topo, spec, ifaces);
}

}  // namespace netem_backend
}  // namespace

bool netem_takes_seed() {
  probe_backends();
  return netem_backend::g_takes_seed;
}

extern const BackendInfo kNetemBackend{"netem", netem_backend::can_express, netem_backend::probe, netem_backend::make};

}  // namespace retx::lab
