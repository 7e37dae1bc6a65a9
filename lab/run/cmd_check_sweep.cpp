#include <filesystem>
#include <iostream>

#include "cleanup.h"
#include "lab_cgroup.h"
#include "commands.h"
#include "environment.h"
#include "exporter_process.h"
#include "impairment.h"
#include "input_error.h"
#include "scenario_parse.h"
#include "sysctl_check.h"

#ifndef RETX_LAB_SCENARIO_DIR
#define RETX_LAB_SCENARIO_DIR "scenarios"
#endif

namespace retx::lab {

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s.empty() ? "none" : s;
}

}  // namespace

std::string resolve_suite_file(const std::string& name) {
  std::vector<std::string> tried;
  for (std::string dir : {std::string(RETX_LAB_SCENARIO_DIR), std::string("scenarios")}) {
    auto p = std::filesystem::path(dir) / (name + ".json");
    tried.push_back(p.string());
    if (std::filesystem::exists(p)) return p.string();
  }
  throw InputError("retx-lab: no suite named \"" + name + "\" (looked for " + tried[0] + " and " + tried[1] + ")");
}

int cmd_check(const CliOptions& o) {
  auto files = o.files;
  if (!o.suite.empty()) files.push_back(resolve_suite_file(o.suite));
  int total = 0;
  for (const auto& f : files) {
    Suite s = load_suite_file(f);
    check_suite_sysctls(s);
    total += static_cast<int>(s.scenarios.size());
    std::cout << f << ": suite \"" << s.name << "\", " << s.scenarios.size() << " scenario(s) valid\n";
    for (const auto& sc : s.scenarios) {
      std::cout << "  " << sc.name << ": " << to_string(sc.impairment.kind) << ", " << sc.checks.size() << " check(s)";
      if (sc.impairment.kind != ImpairKind::None || sc.impairment.netem.any()) {
        std::cout << ", backends: " << join(backends_for(sc.impairment), " ");
        if (sc.impairment.netem.any()) std::cout << " (netem extras: " << join(sc.impairment.netem.features(), ", ") << ")";
      }
      std::cout << "\n";
    }
  }
  load_suites(files);  // names must also be unique across files
  std::cout << "ok: " << total << " scenario(s) in " << files.size() << " file(s)\n";
  return kExitPass;
}

int cmd_sweep(const CliOptions&) {
  if (auto p = environment_problem()) {
    std::cerr << "retx-lab sweep: " << *p << "\n";
    return kExitEnvironment;
  }
  auto r = sweep_stale("rxl");
  for (const auto& n : r.removed) std::cout << "removed stale namespace " << n << "\n";
  auto logs = sweep_stale_files(kExporterLogDir, kExporterLogHead);
  for (const auto& f : logs) std::cout << "removed stale exporter log " << f << "\n";
  auto cgroups = sweep_stale_cgroups();
  for (const auto& d : cgroups) std::cout << "removed stale cgroup " << d << "\n";
  std::cout << "sweep: " << r.removed.size() << " stale namespace(s), " << logs.size() << " exporter log(s), "
            << cgroups.size() << " cgroup(s) removed\n";
  return kExitPass;
}

}  // namespace retx::lab
