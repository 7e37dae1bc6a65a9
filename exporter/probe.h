// The retx BPF programs, loaded and attached: the one C++ file that includes
// the generated skeleton. The constructor picks the attach flavour the running
// kernel accepts (tp_btf, then raw_tp, then the classic tracepoint) and whether
// the tracepoint carries err; the destructor detaches every link.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "options.h"
#include "snapshot.h"

struct retx_bpf;  // generated skeleton
struct bpf_link;

namespace retx {

// Startup failures, each mapped to a distinct exit code by main().
struct StartupError : std::runtime_error {
  StartupError(int code, const std::string& what) : std::runtime_error(what), exit_code(code) {}
  int exit_code;
};

struct KernelFeatures {
  bool has_skb_tracepoint = false;
  bool has_synack_tracepoint = false;
  bool skb_has_err = false;  // tcp_retransmit_skb carries int err (6.17+)
  bool has_state_tracepoint = false;  // sock:inet_sock_set_state (4.16+)
};

// Reads the features from the kernel's BTF (or btf_path). Throws StartupError.
KernelFeatures detect_features(const std::string& btf_path);


struct ProbeConfig {
  AttachMode attach = AttachMode::Auto;
  bool peer_labels = false;
  std::uint32_t series_budget = 1000;
  std::vector<std::uint32_t> netns_filter;  // empty = all
  std::string btf_path;
};

class Probe {
 public:
  explicit Probe(const ProbeConfig& cfg);  // throws StartupError
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  AttachMode attach_mode() const { return mode_; }
  const KernelFeatures& features() const { return features_; }
  // Why earlier flavours were rejected, for the log and `--verbose`.
  const std::vector<std::string>& fallback_notes() const { return notes_; }

  int agg_map_fd() const;
  int peer_map_fd() const;
  int stats_map_fd() const;
  // Per-netns histograms of closed connections' retransmission ratios.
  int ratio_hist_map_fd() const;
  // The loaded flavour's per-socket state (retx_sk_btf with tp_btf,
  // retx_sk_ptr otherwise), whose causes retx-top reads.
  int sk_state_map_fd() const;
  std::vector<ProgramRun> program_stats() const;

 private:
  bool try_load(AttachMode mode, const ProbeConfig& cfg, std::string& why);

  struct ::retx_bpf* skel_ = nullptr;
  std::vector<struct bpf_link*> links_;
  AttachMode mode_ = AttachMode::Auto;
  KernelFeatures features_;
  std::vector<std::string> notes_;
};

}  // namespace retx
