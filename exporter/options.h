// Command-line flags of retx-exporter. Parsing is pure (no I/O) so it is unit
// tested and fuzzed; main() turns a ParseError into one line and exit code 2.
// What needs the file system or the kernel (--netns names, --btf, the web
// config, the port) is checked by startup_checks before anything loads.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "listen_address.h"
#include "series_labels.h"

namespace retx {

enum class AttachMode { Auto, TpBtf, RawTp, Tracepoint };

// --capabilities.keep: what survives the drop once the probes are attached.
struct CapabilityKeep {
  enum class Mode { Auto, All, None, List };
  Mode mode = Mode::Auto;  // Auto: what a scrape needs (privileges.h says what and why)
  std::vector<int> caps;   // Mode::List: capability numbers (CAP_SYS_PTRACE, ...)
};

// The largest --netns list: each entry is one element of the probe's filter map.
constexpr std::size_t kMaxNetnsEntries = 65536;

struct Options {
  // The original Go tool's port: dashboards keep working.
  ListenAddress listen{"0.0.0.0", 2112, false};
  std::string telemetry_path = "/metrics";
  std::string web_config_file;  // exporter-toolkit's format (web_config.h); empty = plain HTTP, no auth
  CapabilityKeep keep_caps;
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

// Exit codes, one per kind of failure (README and --help list them).
namespace exit_code {
constexpr int kOk = 0;
constexpr int kRuntime = 1;
constexpr int kBadFlags = 2;
constexpr int kPrivileges = 3;
constexpr int kNoBtf = 4;
constexpr int kNoTracepoint = 5;
constexpr int kListen = 6;
constexpr int kProbeLoad = 7;
constexpr int kWebConfig = 8;
constexpr int kDropPrivileges = 9;
constexpr int kCgroupLabels = 10;
}  // namespace exit_code

// Throws ParseError naming the offending flag.
Options parse_options(const std::vector<std::string>& args);

std::string usage_text();
const char* attach_mode_name(AttachMode m);

}  // namespace retx
