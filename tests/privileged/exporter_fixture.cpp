#include "exporter_fixture.h"

#include "labels.h"

namespace retx::test {

NsCounts counts_for(const Snapshot& s, std::uint64_t netns) {
  NsCounts c;
  auto add = [&](const std::vector<CounterRow>& rows) {
    for (const auto& r : rows) {
      if (r.key.netns != netns) continue;
      switch (r.key.outcome) {
        case RETX_OUTCOME_SENT:
          c.sent += r.value.segs;
          c.sent_by_cause[cause_name(r.key.cause)] += r.value.segs;
          break;
        case RETX_OUTCOME_FAILED_XMIT: c.xmit += r.value.segs; break;
        default: c.early += r.value.segs; break;
      }
    }
  };
  add(s.agg);
  add(s.peer);
  return c;
}

NsCounts delta(const NsCounts& b, const NsCounts& a) {
  NsCounts d{a.sent - b.sent, a.xmit - b.xmit, a.early - b.early, {}};
  for (const auto& [cause, v] : a.sent_by_cause) {
    auto it = b.sent_by_cause.find(cause);
    d.sent_by_cause[cause] = v - (it == b.sent_by_cause.end() ? 0 : it->second);
  }
  return d;
}

AttachedProbe::AttachedProbe(AttachMode mode, bool peer_labels, std::uint32_t budget) {
  ProbeConfig pc;
  pc.attach = mode;
  pc.peer_labels = peer_labels;
  pc.series_budget = budget;
  probe_ = std::make_unique<Probe>(pc);
  collector_ = std::make_shared<RetxCollector>(*probe_, CollectorConfig{peer_labels, budget, {}},
                                               BuildInfo{"test", "test"});
}

Window::Window(const std::vector<const AttachedProbe*>& probes, const std::vector<lab::Namespace>& namespaces)
    : probes_(probes), namespaces_(namespaces) {
  for (const auto& ns : namespaces_) before_[ns.name] = lab::read_counters(ns);
  for (const auto* p : probes_) snap_before_.push_back(p->snapshot());
}

void Window::close() {
  for (const auto& ns : namespaces_) after_[ns.name] = lab::read_counters(ns);
  for (const auto* p : probes_) snap_after_.push_back(p->snapshot());
}

std::uint64_t Window::kernel(const lab::Namespace& ns, const std::string& key) const {
  return counter_or_zero(after_.at(ns.name), key) - counter_or_zero(before_.at(ns.name), key);
}

NsCounts Window::exporter(const lab::Namespace& ns, size_t probe) const {
  return delta(counts_for(snap_before_.at(probe), ns.inode), counts_for(snap_after_.at(probe), ns.inode));
}

void expect_identity(const Window& w, const lab::Namespace& ns, size_t probe) {
  auto e = w.exporter(ns, probe);
  EXPECT_EQ(e.sent + e.xmit, w.kernel(ns, "Tcp.RetransSegs"))
      << ns.name << ": exporter sent " << e.sent << " + xmit failures " << e.xmit << " vs kernel RetransSegs";
  EXPECT_EQ(e.xmit, w.kernel(ns, "TcpExt.TCPRetransFail")) << ns.name;
  std::uint64_t syn = e.sent_by_cause["syn"] + e.sent_by_cause["synack"];
  EXPECT_EQ(syn, w.kernel(ns, "TcpExt.TCPSynRetrans")) << ns.name << ": syn + synack vs TCPSynRetrans";
}

}  // namespace retx::test
