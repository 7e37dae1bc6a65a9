#include "cli_options.h"

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
}  // namespace

CliOptions parse_cli(const std::vector<std::string>& args) {
  CliOptions o;
  if (args.empty()) bad("missing command");
  size_t i = 0;
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") { o.command = "help"; return o; }
  if (first == "--version" || first == "version") { o.command = "version"; return o; }
  if (first != "run" && first != "check" && first != "sweep" && first != "report")
    bad("unknown command \"" + first + "\"");
  o.command = first;
  // report hands its arguments to the renderer untouched (lab/report/README.md).
  if (first == "report") {
    o.files.assign(args.begin() + 1, args.end());
    if (o.files.empty()) bad("report needs at least one report JSON");
    return o;
  }
  for (i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& flag) -> std::string {
      if (i + 1 >= args.size()) bad(flag + " needs a value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") { o.command = "help"; return o; }
    if (a == "--verbose" || a == "-v") { o.verbose = true; continue; }
    if (o.command == "sweep") bad("sweep takes no argument, got \"" + a + "\"");
    if (a == "--suite") o.suite = value(a);
    else if (a == "--scenario") o.only.push_back(value(a));
    else if (o.command == "check" && a.rfind("--", 0) == 0) bad("check takes scenario files only, got \"" + a + "\"");
    else if (a == "--parallel") o.parallel = to_int(a, value(a), 1, 16);
    else if (a == "--exporter-url") o.exporter_url = value(a);
    else if (a == "--exporter-bin") o.exporter_bin = value(a);
    else if (a == "--report") o.report_path = value(a);
    else if (a == "--reports-dir") o.reports_dir = value(a);
    else if (a == "--compare") o.compare_path = value(a);
    else if (a == "--repeat") o.repeat = to_int(a, value(a), 1, 100);
    else if (a.rfind("-", 0) == 0) bad("unknown option \"" + a + "\"");
    else o.files.push_back(a);
  }
  if (o.command == "sweep") return o;
  if (!o.exporter_url.empty() && !o.exporter_bin.empty()) bad("--exporter-url and --exporter-bin exclude each other");
  if (!o.suite.empty() && !o.files.empty()) bad("give either --suite or scenario files, not both");
  if (o.command == "check" && o.files.empty() && o.suite.empty()) bad("check needs at least one scenario file");
  if (o.command == "run" && o.files.empty() && o.suite.empty()) o.suite = "smoke";
  if (!o.suite.empty() && o.suite.find('/') != std::string::npos) bad("--suite takes a name (smoke, full), got \"" + o.suite + "\"");
  return o;
}

std::string usage_text() {
  return R"(retx-lab: proves retx-exporter's retransmission counts against the kernel's own
counters, in network namespaces with impairments.

usage:
  retx-lab run [--suite smoke|full | FILE...] [--scenario NAME]... [--parallel N]
               [--exporter-url URL | --exporter-bin PATH] [--report PATH]
               [--reports-dir DIR] [--compare OLD.json] [--repeat K] [--verbose]
  retx-lab check FILE...     validate scenario files; creates nothing
  retx-lab sweep             remove namespaces left by runs that were SIGKILLed
  retx-lab report REPORT.json [MORE.json...] [--bench BENCH.json] [-o OUT.html]
                             one self-contained HTML page (gnuplot SVG, works
                             offline); several reports make a kernel matrix
  retx-lab --help | --version

run starts <build>/exporter/retx-exporter on 127.0.0.1:<free port> unless
--exporter-url points at a running one. The report goes to
DIR/<suite>-<UTC time>.json (DIR defaults to ./reports) and to --report PATH.

exit codes: 0 no check failed (skipped and inconclusive are listed, not failed:
inconclusive means the lab's impairment missed its nominal rate), 1 a check
failed, 2 bad input, 3 environment (not root, missing tools or kernel
features, exporter missing), 130/143 interrupted (everything removed).
)";
}

}  // namespace retx::lab
