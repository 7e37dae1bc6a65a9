// The exporter under test, either started by the lab (and killed again at the
// end, registered with the cleanup registry so a signal kills it too) or an
// already running one reached by URL.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

#include "prom_text.h"

namespace retx::lab {

// The started exporter's output goes to kExporterLogDir/<head><lab pid>-XXXXXX,
// removed when it stops; sweep_stale_files() removes a killed run's.
inline constexpr const char* kExporterLogDir = "/tmp";
inline constexpr const char* kExporterLogHead = "retx-lab-exporter-";

// retx-exporter next to this binary: <dir of /proc/self/exe>/../exporter/retx-exporter.
std::string default_exporter_path();
// build/top/retx-top next to this build's lab, as default_exporter_path.
std::string default_top_path();

// The exporter exited (or was killed) before it became healthy.
struct ExporterExited : std::runtime_error {
  ExporterExited(const std::string& what, int code) : std::runtime_error(what), exit_code(code) {}
  int exit_code;  // -1: killed by a signal
};

class ExporterProcess {
 public:
  // Starts `bin --listen 127.0.0.1:<free port> args...` and waits until
  // GET /healthz answers 200. Throws ExporterExited (it exited) or
  // std::runtime_error (unhealthy), naming the binary and quoting the end of its log.
  ExporterProcess(const std::string& bin, const std::vector<std::string>& args,
                  std::chrono::seconds ready_timeout = std::chrono::seconds(30));
  ~ExporterProcess();
  ExporterProcess(const ExporterProcess&) = delete;
  ExporterProcess& operator=(const ExporterProcess&) = delete;

  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT
  pid_t pid() const { return pid_; }

 private:
  std::string log_tail() const;
  void stop() noexcept;

  pid_t pid_ = -1;
  std::string url_;
  std::string log_path_;
};

// GET url/metrics and parse it. Throws std::runtime_error on HTTP or format errors.
PromScrape scrape_metrics(const std::string& base_url);
// GET url/healthz == 200.
bool exporter_healthy(const std::string& base_url);

}  // namespace retx::lab
