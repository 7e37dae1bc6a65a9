#include "top_options.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <string_view>

namespace retx::top {
namespace {

template <typename T>
T parse_uint(const std::string& flag, const std::string& v, T max) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n > static_cast<std::uint64_t>(max)) {
    throw UsageError(flag + ": '" + v + "' is not a whole number in 0.." + std::to_string(max));
  }
  return static_cast<T>(n);
}

SortKey parse_sort(const std::string& v) {
  if (v == "interval") return SortKey::Interval;
  if (v == "ratio") return SortKey::Ratio;
  if (v == "total") return SortKey::Total;
  throw UsageError("--sort: '" + v + "' is not one of interval, ratio, total");
}

void parse_causes(const std::string& v, TopOptions& o) {
  if (v == "auto") o.causes = CausesFrom::Auto;
  else if (v == "own") o.causes = CausesFrom::Own;
  else if (v == "none") o.causes = CausesFrom::None;
  else {
    o.causes = CausesFrom::Program;
    try {
      o.causes_prog_id = parse_uint<std::uint32_t>("--causes", v, UINT32_MAX);
    } catch (const UsageError&) {
      throw UsageError("--causes: '" + v + "' is not auto, own, none or a BPF program id");
    }
  }
}

double parse_interval(const std::string& v) {
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d) || d < 0.1 || d > 3600) {
    throw UsageError("--interval: '" + v + "' is not a number of seconds in 0.1..3600");
  }
  return d;
}

void split_netns(const std::string& v, TopOptions& o) {
  std::string_view rest = v;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto part = rest.substr(0, comma);
    if (part.empty()) throw UsageError("--netns: empty entry in '" + v + "'");
    o.netns.emplace_back(part);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
    if (rest.empty()) throw UsageError("--netns: empty entry in '" + v + "'");
  }
}

struct Flag {
  const char* name;
  bool takes_value;
  std::function<void(TopOptions&, const std::string&)> apply;
};

const std::vector<Flag>& flags() {
  static const std::vector<Flag> table = {
      {"--once", false, [](TopOptions& o, const std::string&) { o.once = true; }},
      {"--json", false, [](TopOptions& o, const std::string&) { o.json = true; }},
      {"--diag", false, [](TopOptions& o, const std::string&) { o.diag = true; }},
      {"--netns", true, [](TopOptions& o, const std::string& v) { split_netns(v, o); }},
      {"--port", true,
       [](TopOptions& o, const std::string& v) { o.port = parse_uint<std::uint16_t>("--port", v, 65535); }},
      {"--pid", true, [](TopOptions& o, const std::string& v) { o.pid = parse_uint<int>("--pid", v, 1 << 22); }},
      {"--min-retrans", true,
       [](TopOptions& o, const std::string& v) {
         o.min_retrans = parse_uint<std::uint64_t>("--min-retrans", v, UINT64_MAX);
       }},
      {"--sort", true, [](TopOptions& o, const std::string& v) { o.sort = parse_sort(v); }},
      {"--limit", true,
       [](TopOptions& o, const std::string& v) { o.limit = parse_uint<std::size_t>("--limit", v, 1000000); }},
      {"--interval", true, [](TopOptions& o, const std::string& v) { o.interval_s = parse_interval(v); }},
      {"--causes", true, [](TopOptions& o, const std::string& v) { parse_causes(v, o); }},
      {"--verbose", false, [](TopOptions& o, const std::string&) { o.verbose = true; }},
      {"--help", false, [](TopOptions& o, const std::string&) { o.help = true; }},
      {"-h", false, [](TopOptions& o, const std::string&) { o.help = true; }},
      {"--version", false, [](TopOptions& o, const std::string&) { o.version = true; }},
  };
  return table;
}

}  // namespace

TopOptions parse_top_options(const std::vector<std::string>& args) {
  TopOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i], value;
    bool inline_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      inline_value = true;
    }
    const Flag* f = nullptr;
    for (const auto& cand : flags()) {
      if (arg == cand.name) f = &cand;
    }
    if (!f) throw UsageError("unknown option '" + args[i] + "' (see --help)");
    if (f->takes_value && !inline_value) {
      if (i + 1 >= args.size()) throw UsageError(std::string(f->name) + " needs a value");
      value = args[++i];
    } else if (!f->takes_value && inline_value) {
      throw UsageError(std::string(f->name) + " takes no value");
    }
    f->apply(o, value);
  }
  if (o.json && !o.once) throw UsageError("--json needs --once (the interactive view is a table)");
  return o;
}

SortKey effective_sort(const TopOptions& o) {
  if (o.sort) return *o.sort;
  return o.once ? SortKey::Total : SortKey::Interval;
}

const char* sort_key_name(SortKey k) {
  switch (k) {
    case SortKey::Interval: return "interval";
    case SortKey::Ratio: return "ratio";
    case SortKey::Total: return "total";
  }
  return "?";
}

std::string top_usage_text() {
  return R"(Usage: retx-top [OPTIONS]

Every TCP connection in every network namespace, with its retransmissions,
read from the kernel: a BPF iterator (iter/tcp) per namespace, or INET_DIAG
netlink where iterators are unavailable. Figures are the socket's own
(tcp_sock, what TCP_INFO and `ss -ti` report); causes (rto, fast, tlp, syn,
synack, other) come from the retransmit probe's per-socket state: a running
retx-exporter's, else retx-top's own probe, counting from retx-top's start.
Listening, time-wait and request sockets are not shown. Needs root.

Modes:
  (default)            refreshing table, sorted by retransmissions in the last
                       interval; fits 80 columns, plain ANSI (works over ssh)
  --once               print the table once and exit
  --once --json        print {"connections": [...]} (fields: README.md, retx-top)

Options:
  --netns LIST         only these namespaces: inodes or /run/netns names,
                       comma-separated or repeated
  --port N             only connections with local or remote port N
  --pid N              only sockets owned by process N
  --min-retrans N      only connections with at least N retransmitted segments
  --sort KEY           interval | ratio | total (default: interval; total with
                       --once, where `interval` waits one --interval)
  --limit N            show at most N connections
  --interval SECONDS   refresh period (default 2, 0.1..3600)
  --causes SOURCE      auto (a running retx-exporter's probe, else retx-top's
                       own probe, but not with --once, whose causes would all
                       be 0) | own | none | a BPF program id of a running
                       probe (retx_skb_*)
  --diag               read sockets with INET_DIAG instead of the BPF iterator
  --verbose            say on stderr where the time of each reading went
  --help, --version

Keys (interactive): i r t  sort by interval, ratio, total
                    n p c  filter by netns, port, process (pid or command);
                           Enter applies, Esc cancels, empty clears
                    x      clear filters    space  refresh now    q  quit

Exit codes: 0 ok, 1 runtime error, 2 bad flags, 3 missing privileges,
4 interactive mode without a terminal, 5 no socket reader works.
)";
}

}  // namespace retx::top
