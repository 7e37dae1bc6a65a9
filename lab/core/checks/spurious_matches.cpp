// spurious_matches: the DSACK evidence the exporter serves per namespace
// (tcp_dsack_received_segments_total, read from the namespace's
// /proc/net/netstat) moves exactly as TcpExt TCPDSACKRecvSegs between the
// quiet points.
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace spurious_matches_check {

using namespace check;

constexpr const char* kServed = "tcp_dsack_received_segments_total";

Judgement judge(const NamespaceMeasure& n, nlohmann::json& measured) {
  const double kernel = static_cast<double>(delta_or_zero(n.kernel, "TcpExt.TCPDSACKRecvSegs"));
  const double served = metric_delta(n.exporter_before, n.exporter_after, kServed);
  const bool present = n.exporter_after.has(kServed);
  measured = {{"kernel_TCPDSACKRecvSegs", kernel}, {"exporter_dsack_received_segments", served}};
  return {present && kernel == served, std::string(present ? "" : "no " + std::string(kServed) + " series for this netns; ") +
                                           "TCPDSACKRecvSegs +" + num(kernel) + " vs served +" + num(served)};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  return per_namespace(spec, s, m, judge);
}

}  // namespace spurious_matches_check
}  // namespace

extern const CheckKind kSpuriousMatches{"spurious_matches", {"namespaces"}, check::namespaces_param,
                                        spurious_matches_check::evaluate};

}  // namespace retx::lab
