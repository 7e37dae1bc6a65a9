// exporter_health: no lost hits and no map or iterator read errors during the
// attempt. Probe misses are exporter-wide and also come from other namespaces'
// traffic, so they are recorded here and judged by exporter_exact; so are
// /proc/net read errors, which any namespace on the host can cause (the
// scenario's own namespaces are judged by their denominators).
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace exporter_health_check {

using namespace check;

CheckResult evaluate(const CheckSpec& spec, const Scenario&, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const auto& e = m.exporter;
  r.measured = {{"lost_hits", e.lost_hits},
                {"probe_misses", e.probe_misses},
                {"scrape_errors", e.scrape_errors},
                {"netns_read_errors", e.netns_read_errors}};
  r.expected = {{"lost_hits", 0}, {"scrape_errors", 0}};
  r.verdict = (e.lost_hits == 0 && e.scrape_errors == 0) ? Verdict::Pass : Verdict::Fail;
  r.reason = "Δlost_hits " + num(e.lost_hits) + ", Δprobe_misses " + num(e.probe_misses) + ", Δscrape_errors " +
             num(e.scrape_errors) + ", Δnetns_read_errors " + num(e.netns_read_errors) +
             " (exporter-wide: any scenario running in parallel adds to them)";
  return r;
}

}  // namespace exporter_health_check
}  // namespace

extern const CheckKind kExporterHealth{"exporter_health", {}, check::no_params, exporter_health_check::evaluate};

}  // namespace retx::lab
