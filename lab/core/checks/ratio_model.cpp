// ratio_model: under independent loss p, RetransSegs / TCPOrigDataSent ≈ p/(1-p)
// (retransmissions are lost at p too), within a relative tolerance.
#include <algorithm>
#include <cmath>

#include "check_kind.h"
#include "checks/model_evidence.h"

namespace retx::lab {

namespace {
namespace ratio_model_check {

using namespace check;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  if (!s.impairment.stochastic()) c.at("check").fail("needs a random or gemodel impairment");
  return {{"namespace", role_or(c, s, "namespace", "sender")},
          {"tolerance", c.at("tolerance").as_number(0.001, 10)},
          {"p", c.enum_or("p", {"realised", "nominal"}, "realised")},
          {"subtract_dsack", c.bool_or("subtract_dsack", true)}};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const double tol = spec.params.value("tolerance", 0.25);
  const bool use_nominal = spec.params.value("p", std::string("realised")) == "nominal";
  if (!m.impairment.active) return skipped(std::move(r), "no impairment was installed");
  // The model describes repairs of real losses. Spurious retransmissions
  // (reordering on the veths, retransmits racing the original still in a host
  // queue, a go-back-N after an RTO the scheduler made spurious) come on top;
  // the receiver reports them with DSACK, so by default they are taken out
  // before comparing: the segments the senders counted, plus one segment for
  // each block their peers recorded that no sender counted (a second duplicate
  // before the ACK overwrites the first block). One per block is the least a
  // block covers, so the correction never takes out more than was spurious.
  // Measured here with two CPU hogs beside a 5 % run: 748 RetransSegs, 107
  // DSACK-reported, 94 blocks uncounted, 455 drops; the ratio 0.077 against a
  // model of 0.051 becomes 0.066.
  const bool minus_dsack = spec.params.value("subtract_dsack", true);
  double retrans = 0, orig = 0, exp_retrans = 0, exp_data = 0, spurious = 0;
  const auto senders = resolve_all(roles_of(spec), s, m);
  for (const auto* n : senders) {
    retrans += static_cast<double>(delta_or_zero(n->kernel, "Tcp.RetransSegs"));
    spurious += static_cast<double>(delta_or_zero(n->kernel, "TcpExt.TCPDSACKRecvSegs"));
    orig += static_cast<double>(delta_or_zero(n->kernel, "TcpExt.TCPOrigDataSent"));
    exp_retrans += n->exporter.retransmissions;
    exp_data += n->exporter.data_segments_sent;
  }
  const double p = use_nominal ? s.impairment.nominal_loss() : realised(m.impairment).rate;
  if (orig <= 0 || p >= 1) {
    r.verdict = Verdict::Inconclusive;
    r.reason = orig <= 0 ? "no original data segments were sent" : "drop rate 1: the model is undefined";
    return r;
  }
  const double uncounted = minus_dsack ? static_cast<double>(dsack_blocks_uncounted_by(m, senders)) : 0.0;
  const double repairs = minus_dsack ? std::max(0.0, retrans - spurious - uncounted) : retrans;
  const double ratio = repairs / orig, model = p / (1 - p);
  const bool ok = std::fabs(ratio - model) <= tol * model;
  r.measured = {{"RetransSegs", retrans},
                {"DSACKRecvSegs", spurious},
                {"dsack_blocks_uncounted", uncounted},
                {"TCPOrigDataSent", orig},
                {"ratio", ratio},
                {"exporter_ratio", exp_data > 0 ? exp_retrans / exp_data : 0.0},
                {"p", p}};
  r.expected = {{"model", model}, {"p_source", use_nominal ? "nominal" : "realised"}, {"tolerance", tol},
                {"subtract_dsack", minus_dsack}};
  r.verdict = ok ? Verdict::Pass : Verdict::Fail;
  const auto drops = machine_drops(m);
  r.measured["machine_drops"] = drops.total;
  r.reason = std::string(minus_dsack ? "(RetransSegs - DSACKRecvSegs " + fmt(spurious, 10) +
                                           " - uncounted DSACK blocks " + fmt(uncounted, 10) + ")"
                                     : "RetransSegs") +
             "/TCPOrigDataSent " + fmt(ratio, 4) + " vs p/(1-p) " + fmt(model, 4) + " at " +
             (use_nominal ? "nominal" : "realised") + " p " + pct(p) + ": off by " +
             fmt(model > 0 ? 100 * std::fabs(ratio - model) / model : 0, 3) + " %, tolerance " + fmt(tol * 100, 3) + " %";
  // Losses the impairment did not make break the model, not the exporter.
  if (!ok && drops.total > 0 && ratio > model) {
    r.verdict = Verdict::Inconclusive;
    r.reason += "; the kernel also dropped packets no impairment asked for (" + drops.detail + ")";
  }
  // A correction larger than every retransmit contradicts itself: the repairs
  // the drops needed are then unknown, not 0. Seen once on the host (smoke
  // loss-1pct beside a test batch: RetransSegs 513, DSACK 316 + 201 blocks,
  // realised p 0.86 %, ~144 drops): mostly spurious, after a stall.
  if (!ok && minus_dsack && spurious + uncounted > retrans) {
    r.verdict = Verdict::Inconclusive;
    r.reason += "; DSACK accounts for more (" + fmt(spurious + uncounted, 10) + ") than was retransmitted (" +
                fmt(retrans, 10) + "): repairs cannot be told from spurious retransmits in this attempt";
  }
  return r;
}

}  // namespace ratio_model_check
}  // namespace

extern const CheckKind kRatioModel{"ratio_model", {"namespace", "tolerance", "p", "subtract_dsack"},
                                   ratio_model_check::parse, ratio_model_check::evaluate, true};

}  // namespace retx::lab
