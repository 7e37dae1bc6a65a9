// socket_totals: Σ tcpi_total_retrans of the traffic driver's sockets in a
// namespace against its RetransSegs (optionally without the exporter's
// synack cause: request sockets may not hand their count to the child).
#include <cmath>

#include "check_kind.h"

namespace retx::lab {

namespace {
namespace socket_totals_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  return {{"namespace", role_or(c, s, "namespace", "sender")},
          {"exclude_synack", c.bool_or("exclude_synack", false)},
          {"tolerance", c.integer_or("tolerance", 0, 1'000'000, 0)}};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  const bool exclude_synack = spec.params.value("exclude_synack", false);
  const double tol = spec.params.value("tolerance", 0);
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    if (n->sockets.sockets == 0) continue;  // the router has no sockets of ours
    const double k = static_cast<double>(delta_or_zero(n->kernel, "Tcp.RetransSegs"));
    double synack = 0;
    if (exclude_synack) {
      auto it = n->exporter.retrans_by_cause.find("synack");
      synack = it == n->exporter.retrans_by_cause.end() ? 0 : it->second;
    }
    const double want = k - synack, have = static_cast<double>(n->sockets.total_retrans);
    r.measured[n->role] = {{"sum_tcpi_total_retrans", have},
                           {"sockets", n->sockets.sockets},
                           {"kernel_RetransSegs", k},
                           {"synack_excluded", synack}};
    p.add(n->role, std::fabs(have - want) <= tol,
          "Σtcpi_total_retrans " + num(have) + " over " + std::to_string(n->sockets.sockets) +
              " sockets vs RetransSegs +" + num(k) + (exclude_synack ? " - synack " + num(synack) : "") +
              (tol > 0 ? " (tolerance " + num(tol) + ")" : ""));
  }
  if (p.parts.empty()) return skipped(std::move(r), "no socket of the traffic driver lives in the named namespaces");
  return finish(std::move(r), p);
}

}  // namespace socket_totals_check
}  // namespace

extern const CheckKind kSocketTotals{"socket_totals", {"namespace", "exclude_synack", "tolerance"},
                                     socket_totals_check::parse, socket_totals_check::evaluate};

}  // namespace retx::lab
