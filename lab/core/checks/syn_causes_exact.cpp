// syn_causes_exact: the exporter's syn and synack causes together against the
// kernel's TCPSynRetrans, per namespace, exactly.
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace syn_causes_exact_check {

using namespace check;

double cause(const std::map<std::string, double>& x, const char* k) {
  auto it = x.find(k);
  return it == x.end() ? 0.0 : it->second;
}

Judgement judge(const NamespaceMeasure& n, nlohmann::json& measured) {
  const auto& e = n.exporter;
  const double k = static_cast<double>(delta_or_zero(n.kernel, "TcpExt.TCPSynRetrans"));
  const double syn = cause(e.retrans_by_cause, "syn") + cause(e.xmit_failures_by_cause, "syn");
  const double synack = cause(e.retrans_by_cause, "synack") + cause(e.xmit_failures_by_cause, "synack");
  measured = {{"kernel_TCPSynRetrans", k}, {"exporter_syn", syn}, {"exporter_synack", synack}};
  return {k == syn + synack, "TCPSynRetrans +" + num(k) + " vs exporter syn " + num(syn) + " + synack " + num(synack)};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  return per_namespace(spec, s, m, judge);
}

}  // namespace syn_causes_exact_check
}  // namespace

extern const CheckKind kSynCausesExact{"syn_causes_exact", {"namespaces"}, check::namespaces_param,
                                       syn_causes_exact_check::evaluate};

}  // namespace retx::lab
