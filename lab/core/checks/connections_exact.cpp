// connections_exact: every lab socket still open at the end of its transfer
// (traffic "hold_open") is listed by `retx-top --once --json` with the
// retrans_segs and segs_out its own TCP_INFO reports (tcpi_total_retrans,
// tcpi_segs_out), read at one quiet point.
#include <algorithm>

#include "check_kind.h"
#include "scenario.h"

namespace retx::lab {

namespace {
namespace connections_exact_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  const bool held = std::any_of(s.traffic.begin(), s.traffic.end(), [](const TrafficGroup& g) { return g.hold_open; });
  if (!held) c.fail("connections_exact needs a traffic group with \"hold_open\": true (no socket is read while open)");
  return {{"namespaces", parse_roles(c, s, "namespaces", "client")}};
}

std::string ports(const OpenSocket& o) {
  return std::to_string(o.local_port) + "->" + std::to_string(o.remote_port);
}

// At most three mismatches spelled out; the report's measured has them all.
Judgement judge(const NamespaceMeasure& n, nlohmann::json& measured) {
  const auto& o = n.open;
  measured = to_json(o);
  if (!o.taken) return {false, "no socket was read while open here (see the traffic errors)"};
  if (!o.error.empty()) return {false, o.error};
  if (o.sockets.empty()) return {false, "no socket was still open at the measurement"};
  std::vector<std::string> bad;
  std::uint64_t retrans = 0, segs = 0;
  for (const auto& s : o.sockets) {
    retrans += s.tcpi_total_retrans;
    segs += s.tcpi_segs_out;
    if (!s.listed) bad.push_back(ports(s) + " not listed by retx-top");
    else if (s.top_retrans_segs != s.tcpi_total_retrans || s.top_segs_out != s.tcpi_segs_out)
      bad.push_back(ports(s) + " retx-top retrans_segs " + std::to_string(s.top_retrans_segs) + " segs_out " +
                    std::to_string(s.top_segs_out) + " vs TCP_INFO " + std::to_string(s.tcpi_total_retrans) + " / " +
                    std::to_string(s.tcpi_segs_out));
  }
  std::string text = std::to_string(o.sockets.size()) + " open socket(s), TCP_INFO Σretrans " +
                     std::to_string(retrans) + " Σsegs_out " + std::to_string(segs);
  if (bad.empty()) return {true, text + ": retx-top equal on every one"};
  text += ": " + std::to_string(bad.size()) + " differ";
  for (size_t i = 0; i < bad.size() && i < 3; ++i) text += (i ? ", " : " (") + bad[i];
  return {false, text + (bad.size() > 3 ? ", ...)" : ")")};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  return per_namespace(spec, s, m, judge);
}

}  // namespace connections_exact_check
}  // namespace

extern const CheckKind kConnectionsExact{"connections_exact", {"namespaces"}, connections_exact_check::parse,
                                         connections_exact_check::evaluate};

}  // namespace retx::lab
