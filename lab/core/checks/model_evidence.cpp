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

std::int64_t sum_over(const ScenarioMeasurements& m, std::initializer_list<const char*> keys) {
  std::int64_t n = 0;
  for (const auto& ns : m.namespaces)
    for (const char* k : keys) n += delta_or_zero(ns.kernel, k);
  return n;
}

}  // namespace

MachineDrops machine_drops(const ScenarioMeasurements& m) {
  MachineDrops d;
  for (const auto& ns : m.namespaces)
    for (const char* k : kNamespaceDrops) add(d, ns.role + " " + k, delta_or_zero(ns.kernel, k));
  if (!m.namespaces.empty()) add(d, "Softnet.Dropped", delta_or_zero(m.namespaces.front().kernel, "Softnet.Dropped"));
  return d;
}

std::int64_t dsack_blocks_uncounted_by(const ScenarioMeasurements& m,
                                       const std::vector<const NamespaceMeasure*>& senders) {
  std::int64_t sent = 0, counted = 0;
  for (const auto& ns : m.namespaces) {
    if (std::find(senders.begin(), senders.end(), &ns) != senders.end()) {
      counted += delta_or_zero(ns.kernel, "TcpExt.TCPDSACKRecv") + delta_or_zero(ns.kernel, "TcpExt.TCPDSACKIgnoredDubious");
    } else {
      sent += delta_or_zero(ns.kernel, "TcpExt.TCPDSACKOldSent") + delta_or_zero(ns.kernel, "TcpExt.TCPDSACKOfoSent");
    }
  }
  return std::max<std::int64_t>(0, sent - counted);
}

std::int64_t dsack_blocks_uncounted(const ScenarioMeasurements& m) {
  const std::int64_t sent = sum_over(m, {"TcpExt.TCPDSACKOldSent", "TcpExt.TCPDSACKOfoSent"});
  const std::int64_t counted = sum_over(m, {"TcpExt.TCPDSACKRecv", "TcpExt.TCPDSACKIgnoredDubious"});
  return std::max<std::int64_t>(0, sent - counted);
}

}  // namespace retx::lab::check
