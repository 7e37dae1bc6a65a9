// Command-line flags of retx-exporter. Parsing is pure (no I/O) so it is unit
// tested; main() turns a ParseError into one line and exit code 2.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "series_labels.h"

namespace retx {

enum class AttachMode { Auto, TpBtf, RawTp, Tracepoint };

struct Options {
  std::string listen = "0.0.0.0:2112";  // the original Go tool's port: dashboards keep working
  bool peer_labels = false;
  bool cgroup_labels = false;
  std::uint32_t series_budget = kDefaultSeriesBudget;
  std::vector<std::string> netns;  // inodes or /run/netns names; empty = all
  AttachMode attach = AttachMode::Auto;
  std::string btf_path;  // custom BTF for kernels without /sys/kernel/btf/vmlinux
  bool bpf_stats = false;
  std::optional<double> once_seconds;  // one-shot JSON mode
  bool verbose = false;
  bool help = false;
  bool version = false;

  SeriesLabels series_labels() const { return {peer_labels, cgroup_labels, series_budget}; }
};

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws ParseError naming the offending flag.
Options parse_options(const std::vector<std::string>& args);

std::string usage_text();
const char* attach_mode_name(AttachMode m);

}  // namespace retx
