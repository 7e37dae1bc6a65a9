#include "options.h"

#include <charconv>

namespace retx {
namespace {

std::uint64_t parse_uint(const std::string& flag, const std::string& v, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || out < lo || out > hi) {
    throw ParseError(flag + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                     "], got '" + v + "'");
  }
  return out;
}

double parse_seconds(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size() && d >= 0 && d <= 86400) return d;
  } catch (const std::exception&) {
  }
  throw ParseError(flag + ": expected seconds in [0, 86400], got '" + v + "'");
}

void check_listen(const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos || colon + 1 == v.size()) {
    throw ParseError("--listen: expected HOST:PORT, got '" + v + "'");
  }
  parse_uint("--listen", v.substr(colon + 1), 0, 65535);
}

AttachMode parse_attach(const std::string& v) {
  if (v == "auto") return AttachMode::Auto;
  if (v == "tp_btf") return AttachMode::TpBtf;
  if (v == "raw_tp") return AttachMode::RawTp;
  if (v == "tracepoint") return AttachMode::Tracepoint;
  throw ParseError("--attach: expected auto, tp_btf, raw_tp or tracepoint, got '" + v + "'");
}

void split_list(const std::string& v, std::vector<std::string>& out) {
  size_t start = 0;
  while (start <= v.size()) {
    size_t comma = v.find(',', start);
    if (comma == std::string::npos) comma = v.size();
    if (comma > start) out.push_back(v.substr(start, comma - start));
    start = comma + 1;
  }
}

}  // namespace

const char* attach_mode_name(AttachMode m) {
  switch (m) {
    case AttachMode::Auto: return "auto";
    case AttachMode::TpBtf: return "tp_btf";
    case AttachMode::RawTp: return "raw_tp";
    case AttachMode::Tracepoint: return "tracepoint";
  }
  return "?";
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_inline = false;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_inline = true;
    }
    auto need = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= args.size()) throw ParseError(a + ": missing value");
      return args[++i];
    };
    auto no_value = [&] {
      if (has_inline) throw ParseError(a + ": takes no value");
    };
    if (a == "--listen" || a == "-l") {
      o.listen = need();
      check_listen(o.listen);
    } else if (a == "--peer-labels") {
      no_value();
      o.peer_labels = true;
    } else if (a == "--cgroup-labels") {
      no_value();
      o.cgroup_labels = true;
    } else if (a == "--series-budget") {
      o.series_budget = static_cast<std::uint32_t>(parse_uint(a, need(), 1, 1000000));
    } else if (a == "--netns") {
      split_list(need(), o.netns);
    } else if (a == "--attach") {
      o.attach = parse_attach(need());
    } else if (a == "--btf") {
      o.btf_path = need();
    } else if (a == "--bpf-stats") {
      no_value();
      o.bpf_stats = true;
    } else if (a == "--once") {
      o.once_seconds = parse_seconds(a, need());
    } else if (a == "--verbose" || a == "-v") {
      no_value();
      o.verbose = true;
    } else if (a == "--help" || a == "-h") {
      o.help = true;
    } else if (a == "--version") {
      o.version = true;
    } else {
      throw ParseError("unknown flag '" + args[i] + "' (see --help)");
    }
  }
  return o;
}

std::string usage_text() {
  return R"(Usage: retx-exporter [FLAGS]

Counts TCP retransmissions in the kernel (libbpf CO-RE probes on the
tcp_retransmit_skb and tcp_retransmit_synack tracepoints) and serves them to
Prometheus. Metrics are documented in exporter/METRICS.md.

Flags:
  -l, --listen HOST:PORT   where to serve /metrics and /healthz (default 0.0.0.0:2112)
      --peer-labels        add remote_addr, remote_port, local_port labels
      --cgroup-labels      add the socket's cgroup v2 path as a cgroup label, and
                           tcp_workload_info naming its unit, pod and container
      --series-budget N    at most N series with peer or cgroup labels; the rest fold
                           into 'overflow' series whose totals stay exact (default )" +
         std::to_string(kDefaultSeriesBudget) + R"()
      --netns LIST         count only these namespaces: inodes or /run/netns names,
                           comma separated, repeatable (default: all)
      --attach MODE        auto|tp_btf|raw_tp|tracepoint (default auto: the first that
                           loads, in that order)
      --btf PATH           kernel BTF to use where /sys/kernel/btf/vmlinux is missing
      --bpf-stats          enable kernel.bpf_stats while running (probe run time metrics)
      --once SECONDS       count for SECONDS, print the counts as JSON on stdout, exit
  -v, --verbose            print libbpf's own log on stderr
      --version            print the version and exit
  -h, --help               print this help and exit

Exit codes: 0 ok, 1 runtime error, 2 bad flags, 3 missing privileges,
4 no kernel BTF, 5 tracepoint absent, 6 listen address in use, 7 probe load failed,
8 --cgroup-labels unusable here (kernel before 5.15, or no cgroup2 mount).
)";
}

}  // namespace retx
