// exporter_delta: one of the exporter's per-namespace counters (optionally
// narrowed by labels) moved within [min, max] in the named namespace(s).
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace exporter_delta_check {

using namespace check;

// Counters the exporter exports with a netns label (exporter/METRICS.md); only
// these may be named, so a typo cannot compare against an always-empty series.
const std::vector<std::string>& netns_metrics() {
  static const std::vector<std::string> m = {
      "tcp_retransmissions_total", "tcp_retransmit_skbs_total", "tcp_retransmit_failures_total",
      "tcp_retransmit_failed_skbs_total", "tcp_segments_sent_total", "tcp_data_segments_sent_total"};
  return m;
}

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  nlohmann::json p = {{"namespace", parse_role(c.at("namespace"), s)},
                      {"metric", c.at("metric").as_enum(netns_metrics())},
                      {"labels", nlohmann::json::object()}};
  if (auto l = c.find("labels")) {
    if (!l->value().is_object()) l->fail("expected an object of label: value strings");
    for (auto it = l->value().begin(); it != l->value().end(); ++it) {
      JsonReader v(it.value(), c.file(), l->path() + "." + it.key());
      if (it.key() == "netns") v.fail("netns is set by the runner from the namespace role");
      p["labels"][it.key()] = v.as_string();
    }
  }
  parse_bounds(c, p, true);
  return p;
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  const auto metric = spec.params["metric"].get<std::string>();
  Labels labels;
  for (auto it = spec.params["labels"].begin(); it != spec.params["labels"].end(); ++it)
    labels[it.key()] = it.value().get<std::string>();
  return bounded_per_namespace(
      spec, s, m,
      [&](const NamespaceMeasure& n) { return metric_delta(n.exporter_before, n.exporter_after, metric, labels); },
      [&](double d) { return "Δ" + metric + " " + num(d); });
}

}  // namespace exporter_delta_check
}  // namespace

extern const CheckKind kExporterDelta{"exporter_delta", {"namespace", "metric", "labels", "min", "max"},
                                      exporter_delta_check::parse, exporter_delta_check::evaluate};

}  // namespace retx::lab
