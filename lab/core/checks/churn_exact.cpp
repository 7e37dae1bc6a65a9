// churn_exact: in every cycle of a churn scenario, every namespace reads 0 at
// the exporter's first scrape (even one that got a dead namespace's inode),
// and after its traffic the exporter's retransmissions + xmit failures equal
// its kernel's Tcp.RetransSegs since birth, exactly. At least
// min_reused_cycles cycles must have reused an inode, or the scenario did not
// test what it is for.
#include "check_kind.h"

namespace retx::lab {

namespace {
namespace churn_exact_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  if (!s.churn.active()) c.fail("needs a scenario with \"churn\"");
  return {{"min_reused_cycles", c.integer_or("min_reused_cycles", 0, s.churn.cycles, 1)}};
}

// The first few failures, so the reason stays one readable line.
void note(std::vector<std::string>& bad, int& count, const std::string& what) {
  if (++count <= 3) bad.push_back(what);
}

CheckResult evaluate(const CheckSpec& spec, const Scenario&, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const auto& ch = m.churn;
  if (ch.cycles.empty()) return skipped(std::move(r), "no churn cycle was measured");
  std::vector<std::string> bad;
  int not_fresh = 0, not_exact = 0, namespaces = 0;
  double retransmitted = 0;
  for (size_t i = 0; i < ch.cycles.size(); ++i)
    for (const auto& n : ch.cycles[i].namespaces) {
      ++namespaces;
      retransmitted += static_cast<double>(n.kernel);
      const std::string where = "cycle " + std::to_string(i + 1) + " " + n.role + " (netns " +
                                std::to_string(n.inode) + (n.reused ? ", reused" : "") + ")";
      if (n.fresh != 0) note(bad, not_fresh, where + " read " + num(n.fresh) + " when new");
      if (n.exporter != static_cast<double>(n.kernel))
        note(bad, not_exact, where + ": exporter " + num(n.exporter) + " vs RetransSegs +" + num(double(n.kernel)));
    }
  const int reused = ch.reused_cycles(), min_reused = spec.params.value("min_reused_cycles", 1);
  r.measured = {{"cycles", ch.cycles.size()},   {"namespaces", namespaces},   {"not_fresh", not_fresh},
                {"not_exact", not_exact},       {"reused_cycles", reused},    {"kernel_RetransSegs", retransmitted}};
  if (reused < min_reused) bad.push_back("only " + std::to_string(reused) + " cycles reused an inode");
  if (retransmitted == 0) bad.push_back("no namespace retransmitted: the cycles prove nothing");
  r.verdict = bad.empty() ? Verdict::Pass : Verdict::Fail;
  r.reason = std::to_string(ch.cycles.size()) + " cycles, " + std::to_string(namespaces) + " namespaces (" +
             std::to_string(reused) + " cycles reused an inode), RetransSegs +" + num(retransmitted) + ": " +
             std::to_string(not_fresh) + " not 0 when new, " + std::to_string(not_exact) + " not exact";
  for (const auto& b : bad) r.reason += "; " + b;
  return r;
}

}  // namespace churn_exact_check
}  // namespace

extern const CheckKind kChurnExact{"churn_exact", {"min_reused_cycles"}, churn_exact_check::parse,
                                   churn_exact_check::evaluate};

}  // namespace retx::lab
