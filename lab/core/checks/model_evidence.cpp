#include "model_evidence.h"

#include <algorithm>
#include <array>

namespace retx::lab::check {

namespace {

constexpr std::array<const char*, 7> kNamespaceDrops = {
    "Dev.RxDrop",        "Dev.TxDrop",        "Qdisc.Dropped",           "TcpExt.TCPBacklogDrop",
    "TcpExt.TCPRcvQDrop", "TcpExt.TCPOFODrop", "TcpExt.TCPZeroWindowDrop"};

void add(MachineDrops& d, const std::string& what, std::int64_t n) {
  if (n <= 0) return;
  d.total += n;
  d.detail += (d.detail.empty() ? "" : "; ") + what + " +" + std::to_string(n);
}


}  // namespace

MachineDrops machine_drops(const ScenarioMeasurements& m) {
  MachineDrops d;
  for (const auto& ns : m.namespaces)
    for (const char* k : kNamespaceDrops) add(d, ns.role + " " + k, delta_or_zero(ns.kernel, k));
  if (!m.namespaces.empty()) add(d, "Softnet.Dropped", delta_or_zero(m.namespaces.front().kernel, "Softnet.Dropped"));
  return d;
}

// DSACK blocks a namespace recorded (as a receiver) and counted (as a sender).
static std::int64_t blocks_sent(const NamespaceMeasure& ns) {
  return delta_or_zero(ns.kernel, "TcpExt.TCPDSACKOldSent") + delta_or_zero(ns.kernel, "TcpExt.TCPDSACKOfoSent");
}
static std::int64_t blocks_counted(const NamespaceMeasure& ns) {
  return delta_or_zero(ns.kernel, "TcpExt.TCPDSACKRecv") + delta_or_zero(ns.kernel, "TcpExt.TCPDSACKIgnoredDubious");
}

std::int64_t dsack_blocks_uncounted_by(const ScenarioMeasurements& m,
                                       const std::vector<const NamespaceMeasure*>& senders) {
  std::int64_t sent = 0, counted = 0;
  for (const auto& ns : m.namespaces) {
    const bool sender = std::find(senders.begin(), senders.end(), &ns) != senders.end();
    (sender ? counted : sent) += sender ? blocks_counted(ns) : blocks_sent(ns);
  }
  return std::max<std::int64_t>(0, sent - counted);
}

std::int64_t dsack_blocks_uncounted(const ScenarioMeasurements& m) {
  std::int64_t sent = 0, counted = 0;
  for (const auto& ns : m.namespaces) {
    sent += blocks_sent(ns);
    counted += blocks_counted(ns);
  }
  return std::max<std::int64_t>(0, sent - counted);
}

}  // namespace retx::lab::check
