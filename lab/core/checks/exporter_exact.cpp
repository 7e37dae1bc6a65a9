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

using namespace check;

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    const double k = static_cast<double>(delta_or_zero(n->kernel, "Tcp.RetransSegs"));
    const double e = n->exporter.retransmissions, f = n->exporter.xmit_failures;
    const double kf = static_cast<double>(delta_or_zero(n->kernel, "TcpExt.TCPRetransFail"));
    r.measured[n->role] = {{"kernel_RetransSegs", k},
                           {"exporter_retransmissions", e},
                           {"exporter_xmit_failures", f},
                           {"kernel_TCPRetransFail", kf}};
    bool ok;
    std::string text;
    if (m.exporter.err_field) {
      ok = k == e + f && kf == f;
      text = "RetransSegs +" + num(k) + " vs exporter " + num(e) + " + xmit failures " + num(f) +
             ", TCPRetransFail +" + num(kf) + " vs " + num(f);
    } else {
      ok = k == e;
      text = "RetransSegs +" + num(k) + " vs exporter " + num(e) +
             " (no err field: the " + num(kf) + " segments of TCPRetransFail are counted in with the sent ones)";
    }
    p.add(n->role, ok, text);
  }
  if (m.exporter.probe_misses > 0 || m.exporter.lost_hits > 0)
    p.parts.push_back("exporter-wide Δprobe_misses " + num(m.exporter.probe_misses) + ", Δlost_hits " +
                      num(m.exporter.lost_hits));
  r.measured["exporter_probe_misses"] = m.exporter.probe_misses;
  return finish(std::move(r), p);
}

}  // namespace

extern const CheckKind kExporterExact{"exporter_exact", {"namespaces"}, namespaces_param, evaluate};

}  // namespace retx::lab
