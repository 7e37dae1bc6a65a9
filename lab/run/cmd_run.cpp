// retx-lab run: validate everything, check the host, probe the backends, start
// (or reach) the exporter, run the suite, write the report, compare.
#include <algorithm>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>

#include "cleanup.h"
#include "lab_cgroup.h"
#include "commands.h"
#include "compare.h"
#include "environment.h"
#include "exporter_process.h"
#include "impairment.h"
#include "input_error.h"
#include "json_reader.h"
#include "scenario_parse.h"
#include "suite_runner.h"
#include "sysctl_check.h"

#ifndef RETX_VERSION
#define RETX_VERSION "0.0.0"
#endif

namespace retx::lab {

namespace {

std::string normalise_url(std::string u) {
  while (!u.empty() && u.back() == '/') u.pop_back();
  const std::string m = "/metrics";
  if (u.size() > m.size() && u.compare(u.size() - m.size(), m.size(), m) == 0) u.resize(u.size() - m.size());
  return u;
}

nlohmann::json probe_facts(const PromScrape& s) {
  nlohmann::json attach = nlohmann::json::array(), build = nlohmann::json::object();
  for (const auto* x : s.find("retx_exporter_probe_info")) attach.push_back(x->labels);
  for (const auto* x : s.find("retx_exporter_build_info")) build = x->labels;
  return {{"probe_info", attach}, {"build_info", build}};
}

// The suite or files, narrowed to --scenario names. Throws InputError.
Suite load_selected(const CliOptions& o, std::vector<std::string>& files) {
  files = o.files;
  if (!o.suite.empty()) files.push_back(resolve_suite_file(o.suite));
  Suite suite = load_suites(files);
  if (o.only.empty()) return suite;
  std::vector<Scenario> keep;
  for (const auto& name : o.only) {
    auto it = std::find_if(suite.scenarios.begin(), suite.scenarios.end(), [&](const Scenario& s) { return s.name == name; });
    if (it == suite.scenarios.end()) throw InputError("retx-lab: --scenario " + name + ": no such scenario in " + files[0]);
    keep.push_back(*it);
  }
  suite.scenarios = std::move(keep);
  return suite;
}

// Which exporter the run uses; a line on stderr and exit 3 when there is none.
std::optional<int> choose_exporter(const CliOptions& o, RunContext& ctx) {
  if (o.exporter_url.empty()) {
    ctx.exporter_bin = o.exporter_bin.empty() ? default_exporter_path() : o.exporter_bin;
    if (find_executable(ctx.exporter_bin).empty()) {
      std::cerr << "retx-lab run: exporter binary not found or not executable: " << ctx.exporter_bin
                << " (build it, or pass --exporter-bin PATH or --exporter-url URL)\n";
      return kExitEnvironment;
    }
    return std::nullopt;
  }
  ctx.exporter_url = normalise_url(o.exporter_url);
  if (!exporter_healthy(ctx.exporter_url)) {
    std::cerr << "retx-lab run: no healthy exporter at " << ctx.exporter_url << " (GET /healthz did not answer 200)\n";
    return kExitEnvironment;
  }
  return std::nullopt;
}

// Probes the backends and starts the exporter (when the lab runs its own).
// Throws std::runtime_error when the environment cannot do either.
std::unique_ptr<ExporterProcess> start_environment(RunContext& ctx, RunReport& report) {
  const auto& probe = probe_backends();
  report.backends_available = probe.available;
  report.backends_unavailable = probe.unavailable;
  ctx.backends = probe.available;
  ctx.backends_missing = probe.unavailable;
  std::unique_ptr<ExporterProcess> exporter;
  if (!ctx.exporter_bin.empty()) {
    exporter = std::make_unique<ExporterProcess>(ctx.exporter_bin, std::vector<std::string>{});
    ctx.exporter_url = exporter->url();
    ctx.exporter_pid = exporter->pid();
  }
  report.exporter = {{"mode", exporter ? "started" : "url"}, {"url", ctx.exporter_url}, {"binary", ctx.exporter_bin}};
  report.exporter.update(probe_facts(scrape_metrics(ctx.exporter_url)));
  return exporter;
}

void print_header(const Suite& suite, const RunReport& report, const RunContext& ctx) {
  std::cout << "retx-lab " << RETX_VERSION << ": suite " << suite.name << ", " << suite.scenarios.size()
            << " scenario(s), kernel " << report.host["kernel_release"].get<std::string>() << ", backends";
  for (const auto& b : ctx.backends) std::cout << " " << b;
  for (const auto& [b, why] : ctx.backends_missing) std::cout << " (" << b << " unavailable: " << why << ")";
  std::cout << ", exporter " << ctx.exporter_url;
  for (const auto& pi : report.exporter["probe_info"])
    std::cout << " [" << pi.value("tracepoint", "?") << ": " << pi.value("attach", "?") << ", err_field "
              << pi.value("err_field", "?") << "]";
  std::cout << "\n";
}

// The timestamped report and --report PATH; the first path, or nullopt after
// saying why on stderr.
std::optional<std::string> write_reports(const CliOptions& o, const RunReport& report, std::time_t t_start) {
  try {
    const std::string first = write_new_report(report, default_report_path(o.reports_dir, report.suite, utc_compact(t_start)));
    std::cout << "report: " << first << "\n";
    if (!o.report_path.empty()) {
      write_report(report, o.report_path);
      std::cout << "report: " << o.report_path << "\n";
    }
    return first;
  } catch (const std::exception& e) {
    std::cerr << "retx-lab run: " << e.what() << "\n";
    return std::nullopt;
  }
}

// Where the reports go must be writable before the run spends minutes on a
// result it could not keep. Throws InputError naming the flag and the path.
void check_output_paths(const CliOptions& o) {
  if (auto p = output_path_problem(o.reports_dir, true)) throw InputError("retx-lab run: --reports-dir " + *p);
  if (o.report_path.empty()) return;
  if (auto p = output_path_problem(o.report_path, false)) throw InputError("retx-lab run: --report " + *p);
}

}  // namespace

int cmd_run(const CliOptions& o) {
  // Everything that can be wrong with the input is found before anything is created.
  std::vector<std::string> files;
  Suite suite = load_selected(o, files);
  check_suite_sysctls(suite);
  nlohmann::json old_report;
  if (!o.compare_path.empty()) {
    old_report = read_json_file(o.compare_path);
    compare_reports(old_report, o.compare_path, old_report, o.compare_path);  // validates its shape
  }
  if (auto p = environment_problem()) {
    std::cerr << "retx-lab run: " << *p << "\n";
    return kExitEnvironment;
  }
  check_output_paths(o);  // after the root check: as another user, root's directories are not writable
  RunContext ctx;
  ctx.repeat_override = o.repeat;
  ctx.verbose = o.verbose;
  if (auto code = choose_exporter(o, ctx)) return *code;

  install_signal_cleanup();
  for (const auto& n : sweep_stale("rxl").removed) std::cout << "swept stale namespace " << n << " (left by a killed run)\n";
  for (const auto& f : sweep_stale_files(kExporterLogDir, kExporterLogHead))
    std::cout << "swept stale exporter log " << f << " (left by a killed run)\n";
  for (const auto& d : sweep_stale_cgroups()) std::cout << "swept stale cgroup " << d << " (left by a killed run)\n";

  RunReport report;
  report.tool_version = RETX_VERSION;
  report.suite = suite.name;
  report.files = files;
  const std::time_t t_start = std::time(nullptr);
  report.started_utc = utc_iso(t_start);
  report.host = host_facts();
  report.options = {{"parallel", o.parallel}, {"repeat", o.repeat}, {"scenarios", o.only}};
  const auto wall0 = std::chrono::steady_clock::now();
  std::unique_ptr<ExporterProcess> exporter;
  try {
    exporter = start_environment(ctx, report);
  } catch (const std::exception& e) {
    std::cerr << "retx-lab run: " << e.what() << "\n";
    return kExitEnvironment;
  }
  print_header(suite, report, ctx);

  report.scenarios = run_suite(suite, ctx, o.parallel, std::cout);
  exporter.reset();
  report.finished_utc = utc_iso(std::time(nullptr));
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  print_summary(report, std::cout);

  auto written = write_reports(o, report, t_start);
  if (!written) return kExitEnvironment;
  int code = report.verdict() == Verdict::Fail ? kExitCheckFailed : kExitPass;
  if (!o.compare_path.empty()) {
    auto cmp = compare_reports(old_report, o.compare_path, to_json(report), *written);
    std::cout << format_compare(cmp, o.compare_path);
    if (cmp.regressed()) code = kExitCheckFailed;
  }
  return code;
}

}  // namespace retx::lab
