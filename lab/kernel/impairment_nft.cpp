// nft backend: the ruleset of nft_ruleset.cpp in the router namespace, its
// named counters as ground truth, and a timer thread for blackhole windows.
#include "impairment_backend.h"
#include "run_cmd.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace retx::lab {
namespace {
namespace nft_backend {

constexpr std::uint32_t kHdr4 = 20 + 32, kHdr6 = 40 + 32;  // IP + TCP with timestamps
constexpr std::uint32_t kMss4 = Topology::kMtu - kHdr4, kMss6 = Topology::kMtu - kHdr6;

struct Counter {
  std::uint64_t packets = 0, bytes = 0;
};

class NftBackend : public ImpairmentBackend {
 public:
  NftBackend(const Topology& topo, const ImpairmentSpec& spec, const std::vector<std::string>& ifaces)
      : ns_(topo.router().name),
        spec_(spec),
        ifaces_(ifaces),
        exact_(topo.spec().offload == Offload::SegmentExact),
        t0_(std::chrono::steady_clock::now()) {
    nft({"-f", "-"}, nft_ruleset(spec, ifaces));
    if (spec.kind == ImpairKind::Blackhole) {
      // A window starting at 0 is open before the constructor returns, so
      // traffic started afterwards never slips through.
      if (spec.blackhole.start_ms <= 0) {
        auto r = try_cmd({"ip", "netns", "exec", ns_, "nft", "add", "element", "inet", "retxlab", "bh_on",
                          element_list(ifaces_)});
        if (r.exit_code != 0) {
          try_cmd({"ip", "netns", "exec", ns_, "nft", "delete", "table", "inet", "retxlab"});
          throw CmdError("blackhole could not open: nft add element failed: " + r.err);
        }
      }
      timer_ = std::thread([this] { blackhole_timer(); });
    }
  }

  ~NftBackend() override {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (timer_.joinable()) timer_.join();
    try_cmd({"ip", "netns", "exec", ns_, "nft", "delete", "table", "inet", "retxlab"});
  }

  ImpairmentStats stats() const override {
    {
      std::lock_guard lk(mu_);
      if (!timer_error_.empty()) throw std::runtime_error(timer_error_);
    }
    auto j = nlohmann::json::parse(nft({"-j", "list", "counters", "table", "inet", "retxlab"}, {}));
    std::map<std::string, Counter> c;
    for (const auto& item : j.at("nftables")) {
      if (!item.contains("counter")) continue;
      const auto& k = item["counter"];
      c[k.at("name").get<std::string>()] = {k.at("packets").get<std::uint64_t>(), k.at("bytes").get<std::uint64_t>()};
    }
    ImpairmentStats st;
    st.backend = "nft";
    st.candidates = c["cand"].packets;
    st.packets_dropped = c["drop4"].packets + c["drop6"].packets;
    st.bytes_dropped = c["drop4"].bytes + c["drop6"].bytes;
    if (exact_) {
      st.segments_dropped = st.packets_dropped;  // gso_max_segs 1: one skb is one segment
    } else {
      st.segments_dropped = estimate_segments(c["drop4"].packets, c["drop4"].bytes, kHdr4, kMss4) +
                            estimate_segments(c["drop6"].packets, c["drop6"].bytes, kHdr6, kMss6);
      st.segments_exact = false;
    }
    return st;
  }

 private:
  std::string nft(std::vector<std::string> args, const std::string& input) const {
    std::vector<std::string> argv{"ip", "netns", "exec", ns_, "nft"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_cmd(argv, input).out;
  }

  // The window opens and closes by adding/removing the interfaces to the
  // bh_on set; the drop counters stay in place across both edges.
  void blackhole_timer() {
    using namespace std::chrono;
    auto open_at = t0_ + duration_cast<steady_clock::duration>(duration<double, std::milli>(spec_.blackhole.start_ms));
    auto close_at =
        open_at + duration_cast<steady_clock::duration>(duration<double, std::milli>(spec_.blackhole.duration_ms));
    std::string elems = element_list(ifaces_);
    std::unique_lock lk(mu_);
    if (cv_.wait_until(lk, open_at, [this] { return stop_; })) return;
    if (spec_.blackhole.start_ms > 0) open_window(elems);
    cv_.wait_until(lk, close_at, [this] { return stop_; });
    // Closed on stop too, though deleting the table would end it anyway.
    try_cmd({"ip", "netns", "exec", ns_, "nft", "delete", "element", "inet", "retxlab", "bh_on", elems});
  }

  static std::string element_list(const std::vector<std::string>& ifaces) {
    std::string elems = "{ ";
    for (size_t i = 0; i < ifaces.size(); ++i) elems += (i ? ", \"" : "\"") + ifaces[i] + "\"";
    return elems + " }";
  }

  void open_window(const std::string& elems) {
    auto r = try_cmd({"ip", "netns", "exec", ns_, "nft", "add", "element", "inet", "retxlab", "bh_on", elems});
    if (r.exit_code != 0) timer_error_ = "blackhole could not open: nft add element failed: " + r.err;
  }

  std::string ns_;
  ImpairmentSpec spec_;
  std::vector<std::string> ifaces_;
  bool exact_;
  std::chrono::steady_clock::time_point t0_;
  std::thread timer_;
  mutable std::mutex mu_;
  std::string timer_error_;
  std::condition_variable cv_;
  bool stop_ = false;
};

bool can_express(const ImpairmentSpec& s) {
  if (s.netem.any()) return false;
  return s.kind == ImpairKind::Random || s.kind == ImpairKind::FirstSyn || s.kind == ImpairKind::FirstSynAck ||
         s.kind == ImpairKind::NthSegment || s.kind == ImpairKind::Blackhole;
}

std::string probe(const std::string& ns) {
  auto r = try_cmd({"ip", "netns", "exec", ns, "nft", "add", "table", "inet", "retxlab_probe"});
  return r.exit_code == 0 ? "" : "nft add table: " + first_line(r.err);
}

std::unique_ptr<ImpairmentBackend> make(const Topology& topo, const ImpairmentSpec& spec,
                                        const std::vector<std::string>& ifaces) {
  return std::make_unique<NftBackend>(topo, spec, ifaces);
}

std::string note(const ImpairmentSpec& s) {
  return s.kind == ImpairKind::Random ? "nft numgen random cannot be seeded" : "";
}

}  // namespace nft_backend
}  // namespace

extern const BackendInfo kNftBackend{"nft", nft_backend::can_express, nft_backend::probe, nft_backend::make,
                                     nft_backend::note};

}  // namespace retx::lab
