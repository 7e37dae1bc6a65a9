// closure_bound: every dropped data segment is retransmitted at least once,
// so the sender's ΔRetransSegs >= segments dropped (a hard bound).
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace closure_bound_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  if (s.impairment.kind == ImpairKind::None) c.at("check").fail("needs an impairment that drops packets");
  return {{"namespace", role_or(c, s, "namespace", "sender")}};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  if (!m.impairment.active) return skipped(std::move(r), "no impairment was installed");
  if (s.impairment.direction == Direction::Ack && s.impairment.kind != ImpairKind::FirstSynAck)
    return skipped(std::move(r), "ACK-path drops are pure ACKs, which TCP never retransmits: no bound follows");
  double retrans = 0;
  std::string who;
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
    retrans += static_cast<double>(delta_or_zero(n->kernel, "Tcp.RetransSegs"));
    who += (who.empty() ? "" : "+") + n->role;
  }
  const double dropped = static_cast<double>(m.impairment.segments_dropped);
  const bool exact = m.impairment.segments_exact;
  r.measured = {{"RetransSegs", retrans}, {"segments_dropped", dropped}, {"segments_exact", exact}, {"namespaces", who}};
  r.verdict = retrans >= dropped ? Verdict::Pass : Verdict::Fail;
  r.reason = who + " RetransSegs +" + fmt(retrans, 12) + (retrans >= dropped ? " >= " : " < ") +
             fmt(dropped, 12) + (exact ? "" : " (estimated from bytes)") + " segments dropped";
  // A bound against an estimate cannot convict anyone.
  if (!exact && r.verdict == Verdict::Fail) {
    r.verdict = Verdict::Inconclusive;
    r.reason += ": the backend only estimates segments in GSO mode";
  }
  // A count that includes packets TCP never resends (netem drops pure ACKs
  // too) over-states what had to be retransmitted: it cannot convict either.
  if (!m.impairment.drops_need_retransmit && r.verdict == Verdict::Fail) {
    r.verdict = Verdict::Inconclusive;
    r.reason += ": " + m.impairment.backend + "'s drop count includes packets whose loss needs no retransmission (pure ACKs)";
  }
  return r;
}

}  // namespace closure_bound_check
}  // namespace

extern const CheckKind kClosureBound{"closure_bound", {"namespace"}, closure_bound_check::parse,
                                     closure_bound_check::evaluate};

}  // namespace retx::lab
