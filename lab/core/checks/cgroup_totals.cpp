// cgroup_totals: per cgroup the lab made for a traffic group ("cgroup" in the
// file), the exporter's series with that cgroup label against the group's own
// client sockets, exactly:
//   Σ tcpi_total_retrans = Δ tcp_retransmissions_total{cgroup}
//                        + Δ tcp_retransmit_failures_total{cgroup, stage="xmit"}
// (the failures exist on 6.17+ only; exporter/METRICS.md). The probe reads
// the cgroup from the socket, so retransmits fired from timers and softirqs
// still land on the cgroup of the task that created the socket. Each cgroup
// must also have retransmitted at least "min_retrans" segments (default 1):
// a cgroup with nothing to count proves nothing.
#include <algorithm>

#include "check_kind.h"
#include "scenario.h"

namespace retx::lab {

namespace {
namespace cgroup_totals_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  if (s.cgroups().empty()) c.fail("cgroup_totals needs a traffic group with a \"cgroup\"");
  const auto& a = s.exporter_args;
  if (std::find(a.begin(), a.end(), "--cgroup-labels") == a.end())
    c.fail("cgroup_totals needs \"exporter\": {\"args\": [\"--cgroup-labels\"]} (no cgroup label otherwise)");
  return {{"min_retrans", c.integer_or("min_retrans", 0, 1'000'000'000, 1)}};
}

Judgement judge(const CgroupMeasure& c, double min_retrans, nlohmann::json& measured) {
  const double want = static_cast<double>(c.sockets.total_retrans);
  const double have = c.retransmissions + c.xmit_failures;
  measured = {{"path", c.path},
              {"sockets", c.sockets.sockets},
              {"sum_tcpi_total_retrans", want},
              {"exporter_retransmissions", c.retransmissions},
              {"exporter_xmit_failures", c.xmit_failures},
              {"incomplete_sockets", c.incomplete}};
  if (c.sockets.sockets == 0) return {false, "no client socket was created in " + c.path};
  std::string text = "Σtcpi_total_retrans " + num(want) + " over " + std::to_string(c.sockets.sockets) +
                     " socket(s) vs exporter " + num(c.retransmissions) +
                     (c.xmit_failures > 0 ? " + xmit failures " + num(c.xmit_failures) : "") + " {cgroup=\"" +
                     c.path + "\"}";
  if (c.incomplete > 0)
    text += " (" + std::to_string(c.incomplete) + " socket(s) failed and may have retransmitted after close)";
  if (want < min_retrans) return {false, text + ": fewer than the " + num(min_retrans) + " retransmissions asked for"};
  return {want == have, text};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario&, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  const double min_retrans = spec.params.value("min_retrans", 1.0);
  for (const auto& c : m.cgroups) {
    auto j = judge(c, min_retrans, r.measured[c.name]);
    p.add("cgroup " + c.name, j.ok, j.text);
  }
  if (p.parts.empty()) return skipped(std::move(r), "no cgroup was measured");
  return finish(std::move(r), p);
}

}  // namespace cgroup_totals_check
}  // namespace

extern const CheckKind kCgroupTotals{"cgroup_totals", {"min_retrans"}, cgroup_totals_check::parse,
                                     cgroup_totals_check::evaluate};

}  // namespace retx::lab
