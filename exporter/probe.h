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

#include "baseline_seed.h"
#include "kernel_features.h"
#include "netns_tasks.h"
#include "options.h"
#include "series_labels.h"
#include "snapshot.h"

struct retx_bpf;  // generated skeleton
struct bpf_link;

namespace retx {

// Startup failures, each mapped to a distinct exit code by main().
struct StartupError : std::runtime_error {
  StartupError(int code, const std::string& what) : std::runtime_error(what), exit_code(code) {}
  int exit_code;
};

// Reads the features from the kernel's BTF (or btf_path). Throws StartupError.
KernelFeatures detect_features(const std::string& btf_path);

struct ProbeConfig {
  AttachMode attach = AttachMode::Auto;
  SeriesLabels labels;
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
  // The tracepoints whose programs are attached.
  std::vector<std::string> tracepoints() const;

  // How namespaces are told apart: by cookie when the keys carry one and
  // user space can read the cookies of living namespaces (the task iterator);
  // else by inode, where a namespace that reuses a dead one's inode between
  // two scrapes inherits its rows. netns_identity_note() says why.
  bool netns_by_cookie() const { return tasks_ != nullptr; }
  const std::string& netns_identity_note() const { return identity_note_; }
  // Every task's namespace (empty unless netns_by_cookie()). Throws on a read failure.
  std::vector<retx_netns_task> netns_tasks() const;

  int agg_map_fd() const;
  int detail_map_fd() const;  // keys with peer or cgroup labels
  // Where rows go that a map refused to insert with room to spare (retx_abi.h).
  int agg_spill_map_fd() const;
  int detail_spill_map_fd() const;
  int ratio_hist_spill_map_fd() const;
  int stats_map_fd() const;
  int cgroup_gone_map_fd() const;
  int sk_baseline_map_fd() const;  // LRU of per-socket baselines; -1 with tp_btf (socket storage)
  // Per-netns histograms of closed connections' retransmission ratios.
  int ratio_hist_map_fd() const;
  // The loaded flavour's per-socket state (retx_sk_btf with tp_btf,
  // retx_sk_ptr otherwise), whose causes retx-top reads.
  int sk_state_map_fd() const;
  std::vector<ProgramRun> program_stats() const;
  // Which sockets get a per-socket baseline (exporter/baseline_seed.h), for
  // the log; the seeder, null where every connection gets one. Loaded with
  // the probe, before the privilege drop; the collector runs its passes.
  const std::string& baseline_note() const { return seed_note_; }
  BaselineSeeder* seeder() const { return seeder_.get(); }

 private:
  bool try_load(AttachMode mode, const ProbeConfig& cfg, std::string& why);
  void start_netns_tasks();
  void start_seed();

  struct ::retx_bpf* skel_ = nullptr;
  std::vector<struct bpf_link*> links_;
  AttachMode mode_ = AttachMode::Auto;
  KernelFeatures features_;
  std::vector<std::string> notes_;
  std::unique_ptr<NetnsTasks> tasks_;
  std::string identity_note_;
  std::unique_ptr<BaselineSeeder> seeder_;
  std::string seed_note_;
};

}  // namespace retx
