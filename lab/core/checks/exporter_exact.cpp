// exporter_exact: the exporter against the kernel, per namespace, exactly
// (bpf/README.md derives both identities):
//   with the err field (6.17+): ΔRetransSegs = Δretransmissions + Δxmit failures
//                               and ΔTCPRetransFail = Δxmit failures;
//   without it (< 6.17: a failed transmit fires nothing, but its segments
//   still grow the socket's total_retrans, so the next hit counts them in):
//                               ΔRetransSegs = Δretransmissions.
// No tolerance and no excuse: the probe counts each socket's growth of
// total_retrans, so even a hit the kernel skipped is recovered at the next one.
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace exporter_exact_check {

using namespace check;

Judgement judge(const NamespaceMeasure& n, nlohmann::json& measured, bool err_field) {
  const double k = static_cast<double>(delta_or_zero(n.kernel, "Tcp.RetransSegs"));
  const double e = n.exporter.retransmissions, f = n.exporter.xmit_failures;
  const double kf = static_cast<double>(delta_or_zero(n.kernel, "TcpExt.TCPRetransFail"));
  measured = {{"kernel_RetransSegs", k},
              {"exporter_retransmissions", e},
              {"exporter_xmit_failures", f},
              {"kernel_TCPRetransFail", kf}};
  if (err_field)
    return {k == e + f && kf == f, "RetransSegs +" + num(k) + " vs exporter " + num(e) + " + xmit failures " + num(f) +
                                       ", TCPRetransFail +" + num(kf) + " vs " + num(f)};
  return {k == e, "RetransSegs +" + num(k) + " vs exporter " + num(e) + " (no err field: the " + num(kf) +
                      " segments of TCPRetransFail are counted in with the sent ones)"};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  const auto& e = m.exporter;
  std::vector<std::string> exporter_wide;
  if (e.probe_misses > 0 || e.lost_hits > 0)
    exporter_wide.push_back("exporter-wide Δprobe_misses " + num(e.probe_misses) + ", Δlost_hits " + num(e.lost_hits));
  auto r = per_namespace(
      spec, s, m, [&](const NamespaceMeasure& n, nlohmann::json& measured) { return judge(n, measured, e.err_field); },
      exporter_wide);
  r.measured["exporter_probe_misses"] = e.probe_misses;
  return r;
}

}  // namespace exporter_exact_check
}  // namespace

extern const CheckKind kExporterExact{"exporter_exact", {"namespaces"}, check::namespaces_param,
                                      exporter_exact_check::evaluate};

}  // namespace retx::lab
