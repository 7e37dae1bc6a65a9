// traffic: one figure of the traffic driver (errors, connect times, bytes,
// seconds, sockets) within [min, max]; a failure quotes the first error.
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace traffic_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario&) {
  nlohmann::json p = {{"field", c.at("field").as_enum({"connect_seconds_max", "connect_seconds_min", "errors", "bytes",
                                                       "seconds", "sockets"})}};
  parse_bounds(c, p, false);
  return p;
}

double field_of(const TrafficMeasure& t, const std::string& field) {
  if (field == "connect_seconds_max") return t.connect_seconds_max;
  if (field == "connect_seconds_min") return t.connect_seconds_min;
  if (field == "errors") return static_cast<double>(t.errors);
  if (field == "bytes") return t.bytes;
  if (field == "seconds") return t.seconds;
  if (field == "sockets") return t.sockets;
  return 0;
}

CheckResult evaluate(const CheckSpec& spec, const Scenario&, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const auto field = spec.params["field"].get<std::string>();
  const double x = field_of(m.traffic, field);
  r.measured[field] = x;
  r.verdict = within(spec.params, x) ? Verdict::Pass : Verdict::Fail;
  r.reason = field + " " + num(x) + " in " + bounds_text(spec.params);
  if (r.verdict == Verdict::Fail && !m.traffic.error_messages.empty()) r.reason += " (first error: " + m.traffic.error_messages.front() + ")";
  return r;
}

}  // namespace traffic_check
}  // namespace

extern const CheckKind kTrafficCheck{"traffic", {"field", "min", "max"}, traffic_check::parse, traffic_check::evaluate};

}  // namespace retx::lab
