#include "check_eval_stats.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "check_eval_util.h"
#include "wilson.h"

namespace retx::lab {

using detail::start;

namespace {

std::string fmt(double x, int prec = 6) {
  std::ostringstream s;
  s.precision(prec);
  s << x;
  return s.str();
}
std::string pct(double x) { return fmt(100 * x, 4) + " %"; }

std::vector<const NamespaceMeasure*> role_ns(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  return resolve_role(spec.params.value("namespace", std::string("sender")), s, m);
}

// Realised per-decision drop rate. The backends decide per skb: in GSO mode
// one decision drops many segments at once, so the number of independent
// trials (the effective sample size) is the number of skbs, not segments.
struct Realised {
  double trials = 0, dropped = 0, rate = 0, segs_per_drop = 1;
};
Realised realised(const ImpairmentMeasure& im) {
  Realised r;
  r.trials = static_cast<double>(im.candidates);
  r.dropped = static_cast<double>(im.packets_dropped);
  r.rate = r.trials > 0 ? r.dropped / r.trials : 0;
  r.segs_per_drop = im.packets_dropped ? static_cast<double>(im.segments_dropped) / r.dropped : 1;
  return r;
}

}  // namespace

CheckResult check_drop_rate_wilson(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const double conf = spec.params.value("confidence", 0.99);
  const double nominal = s.impairment.nominal_loss();
  if (!m.impairment.active) {
    r.verdict = Verdict::Skipped;
    r.reason = "no impairment was installed";
    return r;
  }
  if (!m.impairment.candidates_are_decisions) {
    r.verdict = Verdict::Skipped;
    r.reason = m.impairment.backend + " counts what it let through in other units than what it dropped (netem under "
               "GSO: sent counted per GSO segment, dropped per skb), so its counters give no per-decision sample; the "
               "segment_exact scenarios check the realised rate";
    return r;
  }
  auto x = realised(m.impairment);
  if (x.trials <= 0) {
    r.verdict = Verdict::Inconclusive;
    r.reason = "the impairment saw no packets: nothing to estimate a rate from";
    return r;
  }
  const Interval iv = wilson_interval(x.dropped, x.trials, conf);
  r.measured = {{"decisions", x.trials},      {"dropped_packets", x.dropped},
                {"dropped_segments", m.impairment.segments_dropped}, {"segments_per_drop", x.segs_per_drop},
                {"realised_rate", x.rate},    {"interval_low", iv.low}, {"interval_high", iv.high}};
  r.expected = {{"nominal_rate", nominal}, {"confidence", conf}};
  const std::string text = "nominal " + pct(nominal) + (iv.contains(nominal) ? " inside " : " outside ") +
                           fmt(conf * 100, 4) + " % Wilson interval [" + pct(iv.low) + ", " + pct(iv.high) +
                           "] of realised " + pct(x.rate) + " (effective N = " + fmt(x.trials, 10) +
                           " decisions, " + fmt(x.segs_per_drop, 3) + " segments per dropped skb)";
  r.verdict = iv.contains(nominal) ? Verdict::Pass : Verdict::Inconclusive;
  r.reason = iv.contains(nominal) ? text : text + ": the lab's impairment missed its nominal rate, not an exporter fault";
  return r;
}

CheckResult check_closure_bound(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  if (!m.impairment.active) {
    r.verdict = Verdict::Skipped;
    r.reason = "no impairment was installed";
    return r;
  }
  if (s.impairment.direction == "ack" && s.impairment.kind != "first_synack") {
    r.verdict = Verdict::Skipped;
    r.reason = "ACK-path drops are pure ACKs, which TCP never retransmits: no bound follows";
    return r;
  }
  double retrans = 0;
  std::string who;
  for (const auto* n : role_ns(spec, s, m)) {
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

CheckResult check_ratio_model(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const double tol = spec.params.value("tolerance", 0.25);
  const bool use_nominal = spec.params.value("p", std::string("realised")) == "nominal";
  if (!m.impairment.active) {
    r.verdict = Verdict::Skipped;
    r.reason = "no impairment was installed";
    return r;
  }
  // The model describes repairs of real losses. Spurious retransmissions
  // (reordering on the veths, retransmits racing the original still in a host
  // queue) come on top; the receiver reports them with DSACK, so by default
  // they are taken out before comparing.
  const bool minus_dsack = spec.params.value("subtract_dsack", true);
  double retrans = 0, orig = 0, exp_retrans = 0, exp_data = 0, spurious = 0;
  for (const auto* n : role_ns(spec, s, m)) {
    retrans += static_cast<double>(delta_or_zero(n->kernel, "Tcp.RetransSegs"));
    spurious += static_cast<double>(delta_or_zero(n->kernel, "TcpExt.TCPDSACKRecvSegs"));
    orig += static_cast<double>(delta_or_zero(n->kernel, "TcpExt.TCPOrigDataSent"));
    exp_retrans += n->exporter.retransmissions;
    exp_data += n->exporter.data_segments_sent;
  }
  auto x = realised(m.impairment);
  const double p = use_nominal ? s.impairment.nominal_loss() : x.rate;
  if (orig <= 0 || p >= 1) {
    r.verdict = Verdict::Inconclusive;
    r.reason = orig <= 0 ? "no original data segments were sent" : "drop rate 1: the model is undefined";
    return r;
  }
  const double repairs = minus_dsack ? std::max(0.0, retrans - spurious) : retrans;
  const double ratio = repairs / orig, model = p / (1 - p);
  const bool ok = std::fabs(ratio - model) <= tol * model;
  r.measured = {{"RetransSegs", retrans},
                {"DSACKRecvSegs", spurious},
                {"TCPOrigDataSent", orig},
                {"ratio", ratio},
                {"exporter_ratio", exp_data > 0 ? exp_retrans / exp_data : 0.0},
                {"p", p}};
  r.expected = {{"model", model}, {"p_source", use_nominal ? "nominal" : "realised"}, {"tolerance", tol},
                {"subtract_dsack", minus_dsack}};
  r.verdict = ok ? Verdict::Pass : Verdict::Fail;
  r.reason = std::string(minus_dsack ? "(RetransSegs - DSACKRecvSegs " + fmt(spurious, 10) + ")" : "RetransSegs") +
             "/TCPOrigDataSent " + fmt(ratio, 4) + " vs p/(1-p) " + fmt(model, 4) + " at " +
             (use_nominal ? "nominal" : "realised") + " p " + pct(p) + ": off by " +
             fmt(model > 0 ? 100 * std::fabs(ratio - model) / model : 0, 3) + " %, tolerance " + fmt(tol * 100, 3) + " %";
  return r;
}

CheckResult check_baseline(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const bool dsack = spec.params.value("allow", std::string("none")) == "dsack";
  const double mbit = s.primary_traffic().pacing_mbit;
  const std::string pacing = mbit > 0 ? "paced at " + fmt(mbit, 6) + " Mbit/s per flow" : "unpaced";
  bool ok = true, any = false;
  std::string parts;
  std::vector<std::string> roles;
  if (spec.params.contains("namespaces"))
    for (const auto& x : spec.params["namespaces"]) roles.push_back(x.get<std::string>());
  std::vector<const NamespaceMeasure*> seen;
  for (const auto& role : roles)
    for (const auto* n : resolve_role(role, s, m)) {
      if (std::find(seen.begin(), seen.end(), n) != seen.end()) continue;
      seen.push_back(n);
      any = true;
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
  if (!any) {
    r.verdict = Verdict::Skipped;
    r.reason = "no namespace matched the check's roles";
    return r;
  }
  r.expected["traffic"] = pacing;
  r.verdict = ok ? Verdict::Pass : Verdict::Fail;
  r.reason = std::string(dsack ? "retransmissions only as DSACK explains them" : "zero retransmissions") + ", " +
             pacing + ": " + parts;
  return r;
}

}  // namespace retx::lab
