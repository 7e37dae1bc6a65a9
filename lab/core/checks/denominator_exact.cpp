// denominator_exact: the ratio's denominator. The exporter re-exports the
// namespace's own Tcp OutSegs and TcpExt TCPOrigDataSent, so between quiet
// points they must move exactly as the kernel's counters do.
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace denominator_exact_check {

using namespace check;

Judgement judge(const NamespaceMeasure& n, nlohmann::json& measured) {
  const double out = static_cast<double>(delta_or_zero(n.kernel, "Tcp.OutSegs"));
  const double orig = static_cast<double>(delta_or_zero(n.kernel, "TcpExt.TCPOrigDataSent"));
  const double e_out = n.exporter.segments_sent, e_orig = n.exporter.data_segments_sent;
  const bool present = n.exporter_after.has("tcp_segments_sent_total");
  measured = {{"kernel_OutSegs", out}, {"exporter_segments_sent", e_out},
              {"kernel_TCPOrigDataSent", orig}, {"exporter_data_segments_sent", e_orig}};
  return {present && out == e_out && orig == e_orig,
          std::string(present ? "" : "no tcp_segments_sent_total series for this netns; ") + "OutSegs +" + num(out) +
              " vs " + num(e_out) + ", TCPOrigDataSent +" + num(orig) + " vs " + num(e_orig)};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  return per_namespace(spec, s, m, judge);
}

}  // namespace denominator_exact_check
}  // namespace

extern const CheckKind kDenominatorExact{"denominator_exact", {"namespaces"}, check::namespaces_param,
                                         denominator_exact_check::evaluate};

}  // namespace retx::lab
