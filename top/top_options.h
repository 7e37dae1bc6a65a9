// Command-line flags of retx-top. Parsing is pure (no I/O) so it is unit
// tested; main() turns a UsageError into one line and exit code 2.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace retx::top {

// Interval: retransmitted segments since the previous refresh; Ratio:
// retrans_segs / segs_out over the connection's life; Total: retrans_segs.
enum class SortKey { Interval, Ratio, Total };

// Where the per-socket causes come from (causes_source.h).
enum class CausesFrom { Auto, Own, None, Program };

struct TopOptions {
  bool once = false;
  bool json = false;
  bool diag = false;  // force the INET_DIAG reader
  std::vector<std::string> netns;  // inodes or /run/netns names; empty = all
  std::optional<std::uint16_t> port;  // local or remote
  std::optional<int> pid;
  std::uint64_t min_retrans = 0;
  std::optional<SortKey> sort;  // default: interval (interactive), total (--once)
  std::size_t limit = 0;        // 0 = no limit
  double interval_s = 2.0;
  CausesFrom causes = CausesFrom::Auto;
  std::uint32_t causes_prog_id = 0;  // with CausesFrom::Program
  bool verbose = false;  // where the time went, on stderr
  bool help = false;
  bool version = false;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws UsageError naming the offending flag.
TopOptions parse_top_options(const std::vector<std::string>& args);

// The sort in force for these options (the default depends on --once).
SortKey effective_sort(const TopOptions& o);

std::string top_usage_text();
const char* sort_key_name(SortKey k);

// Exit codes, documented in --help and the README.
enum ExitCode {
  kExitOk = 0,
  kExitRuntime = 1,
  kExitUsage = 2,
  kExitPrivileges = 3,
  kExitNoTerminal = 4,
  kExitNoReader = 5,
};

}  // namespace retx::top
