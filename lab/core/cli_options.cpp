#include "cli_options.h"

#include <sys/socket.h>

#include <sstream>

#include "input_error.h"

namespace retx::lab {

namespace {

[[noreturn]] void bad(const std::string& what) { throw InputError("retx-lab: " + what + " (see retx-lab --help)"); }

int to_int(const std::string& flag, const std::string& v, int lo, int hi) {
  try {
    size_t used = 0;
    int x = std::stoi(v, &used);
    if (used == v.size() && x >= lo && x <= hi) return x;
  } catch (const std::exception&) {
  }
  bad(flag + ": expected an integer in [" + std::to_string(lo) + "," + std::to_string(hi) + "], got \"" + v + "\"");
}

double to_percent(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    double x = std::stod(v, &used);
    if (used == v.size() && x >= 0 && x <= 100) return x;
  } catch (const std::exception&) {
  }
  bad(flag + ": expected a percentage in [0,100], got \"" + v + "\"");
}

bool is_help(const std::string& a) { return a == "--help" || a == "-h"; }

// Walks args[from..]: `value(flag)` takes the next argument or fails.
struct Args {
  const std::vector<std::string>& v;
  size_t i;
  std::string value(const std::string& flag) {
    if (i + 1 >= v.size()) bad(flag + " needs a value");
    return v[++i];
  }
};

void parse_pair_flag(Args& it, const std::string& a, CliOptions& o) {
  auto& p = o.pair;
  if (a == "--prefix") p.prefix = it.value(a);
  else if (a == "--clients") p.clients = to_int(a, it.value(a), 1, 8);
  else if (a == "--loss") {
    std::stringstream ss(it.value(a));
    std::string x;
    p.loss_pct.clear();
    while (std::getline(ss, x, ',')) p.loss_pct.push_back(to_percent(a, x));
  } else if (a == "--loss-port") p.loss_port = to_int(a, it.value(a), 1, 65535);
  else if (a == "--drop-syn-ports") {
    const std::string v = it.value(a);
    const auto dash = v.find('-');
    p.syn_drop_first = to_int(a, v.substr(0, dash), 1, 65535);
    p.syn_drop_last = dash == std::string::npos ? p.syn_drop_first : to_int(a, v.substr(dash + 1), 1, 65535);
  } else if (a == "--family") {
    const std::string v = it.value(a);
    if (v != "ipv4" && v != "ipv6") bad("--family: expected ipv4 or ipv6, got \"" + v + "\"");
    p.family = v == "ipv6" ? AF_INET6 : AF_INET;
  } else if (a == "--offload") {
    const std::string v = it.value(a);
    if (v != "gso" && v != "segment_exact") bad("--offload: expected gso or segment_exact, got \"" + v + "\"");
    p.offload = v == "gso" ? Offload::Gso : Offload::SegmentExact;
  } else if (a == "--json") o.json = true;
  else if (a == "--delete") o.pair_delete = it.value(a);
  else bad("pair: unknown option \"" + a + "\"");
}

void parse_run_flag(Args& it, const std::string& a, CliOptions& o) {
  if (a == "--suite") o.suite = it.value(a);
  else if (a == "--scenario") o.only.push_back(it.value(a));
  else if (o.command == "check" && a.rfind("--", 0) == 0) bad("check takes scenario files only, got \"" + a + "\"");
  else if (a == "--parallel") o.parallel = to_int(a, it.value(a), 1, 16);
  else if (a == "--exporter-url") o.exporter_url = it.value(a);
  else if (a == "--exporter-bin") o.exporter_bin = it.value(a);
  else if (a == "--report") o.report_path = it.value(a);
  else if (a == "--reports-dir") o.reports_dir = it.value(a);
  else if (a == "--compare") o.compare_path = it.value(a);
  else if (a == "--repeat") o.repeat = to_int(a, it.value(a), 1, 100);
  else if (a.rfind("-", 0) == 0) bad("unknown option \"" + a + "\"");
  else o.files.push_back(a);
}

void check_run_combination(CliOptions& o) {
  if (!o.exporter_url.empty() && !o.exporter_bin.empty()) bad("--exporter-url and --exporter-bin exclude each other");
  if (!o.suite.empty() && !o.files.empty()) bad("give either --suite or scenario files, not both");
  if (o.command == "check" && o.files.empty() && o.suite.empty()) bad("check needs at least one scenario file");
  if (o.command == "run" && o.files.empty() && o.suite.empty()) o.suite = "smoke";
  if (!o.suite.empty() && o.suite.find('/') != std::string::npos) bad("--suite takes a name (smoke, full), got \"" + o.suite + "\"");
}

void check_pair_combination(const CliOptions& o) {
  if (!o.pair_delete.empty()) return;
  if (o.pair.prefix.empty()) bad("pair needs --prefix rxl-<owner pid>-<tag> (or --delete PREFIX)");
  if (auto e = pair_spec_error(o.pair); !e.empty()) bad("pair: " + e);
}

}  // namespace

CliOptions parse_cli(const std::vector<std::string>& args) {
  CliOptions o;
  if (args.empty()) bad("missing command");
  const std::string& first = args[0];
  if (is_help(first) || first == "help") { o.command = "help"; return o; }
  if (first == "--version" || first == "version") { o.command = "version"; return o; }
  if (first != "run" && first != "check" && first != "sweep" && first != "report" && first != "pair")
    bad("unknown command \"" + first + "\"");
  o.command = first;
  for (size_t i = 1; i < args.size(); ++i)
    if (is_help(args[i])) {
      o.help_topic = o.command;
      o.command = "help";
      return o;
    }
  // report hands its arguments to the renderer untouched (lab/report/README.md).
  if (first == "report") {
    o.files.assign(args.begin() + 1, args.end());
    if (o.files.empty()) bad("report needs at least one report JSON");
    return o;
  }
  Args it{args, 1};
  for (; it.i < args.size(); ++it.i) {
    const std::string& a = args[it.i];
    if (first == "pair") { parse_pair_flag(it, a, o); continue; }
    if (a == "--verbose" || a == "-v") { o.verbose = true; continue; }
    if (o.command == "sweep") bad("sweep takes no argument, got \"" + a + "\"");
    parse_run_flag(it, a, o);
  }
  if (o.command == "pair") check_pair_combination(o);
  else if (o.command != "sweep") check_run_combination(o);
  return o;
}

}  // namespace retx::lab
