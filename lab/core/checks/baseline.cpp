// baseline: no impairment, so no retransmissions at all ("none") or only those
// the receivers' DSACKs explain as spurious ("dsack"), per namespace.
#include "check_kind.h"
#include "checks/model_evidence.h"

namespace retx::lab {

namespace {
namespace baseline_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  return {{"namespaces", parse_roles(c, s, "namespaces", "all")}, {"allow", c.at("allow").as_enum({"none", "dsack"})}};
}

// The most segments one DSACK block can cover: it names one duplicate skb,
// and under GSO an skb holds at most 64 KiB, 45 segments at the veths' 1500
// byte MTU (MSS 1428-1448); without GSO one segment. Measured here: every
// shortfall of the unpaced baseline was 45 x the uncounted blocks or less.
std::int64_t max_segs_per_block(const Scenario& s) { return s.topology.offload == Offload::Gso ? 45 : 1; }

// A shortfall the model cannot judge is inconclusive: the machine dropped
// packets (those retransmissions may be real repairs). One the receivers'
// own DSACK records cover passes: blocks they recorded that the senders never
// counted (a second duplicate before the ACK overwrites the first; a block
// reaching a socket in TIME_WAIT is not counted), each covering at most
// max_segs_per_block. With neither, it fails.
CheckResult judge_shortfall(CheckResult r, const Scenario& s, const ScenarioMeasurements& m, bool dsack,
                            std::int64_t shortfall) {
  const auto drops = machine_drops(m);
  r.measured["machine_drops"] = drops.total;
  if (drops.total > 0) {
    r.verdict = Verdict::Inconclusive;
    r.reason += "; but the kernel dropped packets no impairment asked for (" + drops.detail +
                "): those retransmissions may repair real losses";
    return r;
  }
  if (!dsack) return r;
  const std::int64_t uncounted = dsack_blocks_uncounted(m);
  r.measured["dsack_blocks_uncounted"] = uncounted;
  const std::string blocks = std::to_string(uncounted) +
                             " DSACK block(s) the senders never counted (TCPDSACKOldSent+OfoSent > "
                             "TCPDSACKRecv+IgnoredDubious)";
  const std::int64_t cover = uncounted * max_segs_per_block(s);
  r.measured["dsack_uncounted_cover"] = cover;
  if (uncounted > 0 && shortfall <= cover) {
    r.verdict = Verdict::Pass;
    r.reason += "; explained: the receivers recorded " + blocks + ", covering up to " + std::to_string(cover) +
                " segments (one duplicate skb each) of the " + std::to_string(shortfall) +
                " missing; no drop below TCP";
  } else {
    r.reason += "; no drop below TCP, and " + std::to_string(uncounted) +
                " uncounted DSACK block(s) cover at most " + std::to_string(cover) + " of the " +
                std::to_string(shortfall) + " missing segments: unexplained";
  }
  return r;
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const bool dsack = spec.params.value("allow", std::string("none")) == "dsack";
  const double mbit = s.primary_traffic().pacing_mbit;
  const std::string pacing = mbit > 0 ? "paced at " + fmt(mbit, 6) + " Mbit/s per flow" : "unpaced";
  bool ok = true;
  std::string parts;
  std::int64_t shortfall = 0;  // retransmitted segments DSACK did not report
  const auto nss = resolve_all(roles_of(spec), s, m);
  for (const auto* n : nss) {
    const double k = static_cast<double>(delta_or_zero(n->kernel, "Tcp.RetransSegs"));
    // TCPDSACKRecvSegs (>= 5.x) counts segments; older kernels only count DSACK blocks.
    const bool has_segs = n->kernel.count("TcpExt.TCPDSACKRecvSegs") > 0;
    const double d = static_cast<double>(
        delta_or_zero(n->kernel, has_segs ? "TcpExt.TCPDSACKRecvSegs" : "TcpExt.TCPDSACKRecv"));
    const bool this_ok = dsack ? k <= d : k == 0;
    ok = ok && this_ok;
    if (!this_ok) shortfall += static_cast<std::int64_t>(dsack ? k - d : k);
    r.measured[n->role] = {{"RetransSegs", k}, {"DSACKRecvSegs", d}};
    parts += (parts.empty() ? "" : "; ") + n->role + ": RetransSegs +" + fmt(k, 12) +
             (dsack ? (this_ok ? " <= " : " > ") + std::string("DSACK-reported segments ") + fmt(d, 12) : "");
  }
  if (nss.empty()) return skipped(std::move(r), "no namespace matched the check's roles");
  r.expected["traffic"] = pacing;
  r.verdict = ok ? Verdict::Pass : Verdict::Fail;
  r.reason = std::string(dsack ? "retransmissions only as DSACK explains them" : "zero retransmissions") + ", " +
             pacing + ": " + parts;
  return ok ? r : judge_shortfall(std::move(r), s, m, dsack, shortfall);
}

}  // namespace baseline_check
}  // namespace

extern const CheckKind kBaseline{"baseline", {"namespaces", "allow"}, baseline_check::parse, baseline_check::evaluate};

}  // namespace retx::lab
