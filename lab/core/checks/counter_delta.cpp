// counter_delta: one kernel counter's delta in the named namespace(s) within
// [min, max].
#include <regex>

#include "check_kind.h"

namespace retx::lab {

namespace {
namespace counter_delta_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  nlohmann::json p = {{"namespace", parse_role(c.at("namespace"), s)}};
  auto counter = c.at("counter").as_string();
  static const std::regex re("(Tcp|TcpExt|Ip|IpExt|Udp)\\.[A-Za-z0-9]+");
  if (!std::regex_match(counter, re)) c.at("counter").fail("expected \"Group.Field\" such as \"TcpExt.TCPSynRetrans\"");
  p["counter"] = counter;
  parse_bounds(c, p, true);
  return p;
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  const auto counter = spec.params["counter"].get<std::string>();
  return bounded_per_namespace(
      spec, s, m, [&](const NamespaceMeasure& n) { return static_cast<double>(delta_or_zero(n.kernel, counter)); },
      [&](double d) { return counter + " " + (d >= 0 ? "+" : "") + num(d); });
}

}  // namespace counter_delta_check
}  // namespace

extern const CheckKind kCounterDelta{"counter_delta", {"namespace", "counter", "min", "max"}, counter_delta_check::parse,
                                     counter_delta_check::evaluate};

}  // namespace retx::lab
