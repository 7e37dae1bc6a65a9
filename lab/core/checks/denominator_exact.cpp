// denominator_exact: the ratio's denominator. The exporter re-exports the
// namespace's own Tcp OutSegs and TcpExt TCPOrigDataSent, so between quiet
// points they must move exactly as the kernel's counters do.
#include "check_kind.h"

namespace retx::lab {

namespace {

using namespace check;

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  PerNs p;
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    const double out = static_cast<double>(delta_or_zero(n->kernel, "Tcp.OutSegs"));
    const double orig = static_cast<double>(delta_or_zero(n->kernel, "TcpExt.TCPOrigDataSent"));
    const double e_out = n->exporter.segments_sent, e_orig = n->exporter.data_segments_sent;
    const bool present = n->exporter_after.has("tcp_segments_sent_total");
    r.measured[n->role] = {{"kernel_OutSegs", out}, {"exporter_segments_sent", e_out},
                           {"kernel_TCPOrigDataSent", orig}, {"exporter_data_segments_sent", e_orig}};
    p.add(n->role, present && out == e_out && orig == e_orig,
          std::string(present ? "" : "no tcp_segments_sent_total series for this netns; ") + "OutSegs +" + num(out) +
              " vs " + num(e_out) + ", TCPOrigDataSent +" + num(orig) + " vs " + num(e_orig));
  }
  return finish(std::move(r), p);
}

}  // namespace

extern const CheckKind kDenominatorExact{"denominator_exact", {"namespaces"}, namespaces_param, evaluate};

}  // namespace retx::lab
