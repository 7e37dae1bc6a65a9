// baseline: no impairment, so no retransmissions at all ("none") or only those
// the receivers' DSACKs explain as spurious ("dsack"), per namespace.
#include "check_kind.h"

namespace retx::lab {

namespace {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  return {{"namespaces", parse_roles(c, s, "namespaces", "all")}, {"allow", c.at("allow").as_enum({"none", "dsack"})}};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const bool dsack = spec.params.value("allow", std::string("none")) == "dsack";
  const double mbit = s.primary_traffic().pacing_mbit;
  const std::string pacing = mbit > 0 ? "paced at " + fmt(mbit, 6) + " Mbit/s per flow" : "unpaced";
  bool ok = true;
  std::string parts;
  const auto nss = resolve_all(roles_of(spec), s, m);
  for (const auto* n : nss) {
    const double k = static_cast<double>(delta_or_zero(n->kernel, "Tcp.RetransSegs"));
    // TCPDSACKRecvSegs (>= 5.x) counts segments; older kernels only count DSACK blocks.
    const bool has_segs = n->kernel.count("TcpExt.TCPDSACKRecvSegs") > 0;
    const double d = static_cast<double>(
        delta_or_zero(n->kernel, has_segs ? "TcpExt.TCPDSACKRecvSegs" : "TcpExt.TCPDSACKRecv"));
    const bool this_ok = dsack ? k <= d : k == 0;
    ok = ok && this_ok;
    r.measured[n->role] = {{"RetransSegs", k}, {"DSACKRecvSegs", d}};
    parts += (parts.empty() ? "" : "; ") + n->role + ": RetransSegs +" + fmt(k, 12) +
             (dsack ? (this_ok ? " <= " : " > ") + std::string("DSACK-reported segments ") + fmt(d, 12) : "");
  }
  if (nss.empty()) return skipped(std::move(r), "no namespace matched the check's roles");
  r.expected["traffic"] = pacing;
  r.verdict = ok ? Verdict::Pass : Verdict::Fail;
  r.reason = std::string(dsack ? "retransmissions only as DSACK explains them" : "zero retransmissions") + ", " +
             pacing + ": " + parts;
  return r;
}

}  // namespace

extern const CheckKind kBaseline{"baseline", {"namespaces", "allow"}, parse, evaluate};

}  // namespace retx::lab
