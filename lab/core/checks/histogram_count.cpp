// histogram_count: the exporter counts every connection of a namespace that
// reaches CLOSE in tcp_connection_retransmission_ratio; between the quiet
// points its _count grows by exactly the sockets the traffic driver opened
// and closed there (all of them were closed before the second reading).
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace histogram_count_check {

using namespace check;

constexpr const char* kCount = "tcp_connection_retransmission_ratio_count";

Judgement judge(const NamespaceMeasure& n, nlohmann::json& measured) {
  const double have = metric_delta(n.exporter_before, n.exporter_after, kCount);
  const double want = n.sockets.sockets;
  // A namespace that closed nothing may have no series at all.
  const bool present = want == 0 || n.exporter_after.has(kCount);
  measured = {{"histogram_count_delta", have}, {"closed_sockets", want}};
  return {present && have == want, std::string(present ? "" : "no " + std::string(kCount) + " series for this netns; ") +
                                       "count +" + num(have) + " vs " + num(want) + " socket(s) closed"};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  return per_namespace(spec, s, m, judge);
}

}  // namespace histogram_count_check
}  // namespace

extern const CheckKind kHistogramCount{"histogram_count", {"namespaces"}, check::namespaces_param,
                                       histogram_count_check::evaluate};

}  // namespace retx::lab
