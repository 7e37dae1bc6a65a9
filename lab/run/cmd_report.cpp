// retx-lab report: the page is drawn by lab/report/render-report.sh (jq +
// gnuplot), so this only finds the script and execs it with the arguments.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <vector>

#include "commands.h"

#ifndef RETX_LAB_REPORT_DIR
#define RETX_LAB_REPORT_DIR "lab/report"
#endif

namespace retx::lab {

int cmd_report(const CliOptions& o) {
  for (std::string dir : {std::string(RETX_LAB_REPORT_DIR), std::string("lab/report")}) {
    std::string script = dir + "/render-report.sh";
    if (access(script.c_str(), X_OK) != 0) continue;
    std::vector<char*> argv{const_cast<char*>(script.c_str())};
    for (const auto& f : o.files) argv.push_back(const_cast<char*>(f.c_str()));
    argv.push_back(nullptr);
    execv(script.c_str(), argv.data());
    std::cerr << "retx-lab: report: exec " << script << ": " << std::strerror(errno) << "\n";
    return kExitEnvironment;
  }
  std::cerr << "retx-lab: report: lab/report/render-report.sh not found (run from the source tree)\n";
  return kExitEnvironment;
}

}  // namespace retx::lab
