// ratio_model: under independent loss p, RetransSegs / TCPOrigDataSent ≈ p/(1-p)
// (retransmissions are lost at p too), within a relative tolerance.
#include <algorithm>
#include <cmath>

#include "check_kind.h"
#include "checks/model_evidence.h"

namespace retx::lab {

namespace {

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
  // queue) come on top; the receiver reports them with DSACK, so by default
  // they are taken out before comparing.
  const bool minus_dsack = spec.params.value("subtract_dsack", true);
  double retrans = 0, orig = 0, exp_retrans = 0, exp_data = 0, spurious = 0;
  for (const auto* n : resolve_all(roles_of(spec), s, m)) {
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
  const auto drops = machine_drops(m);
  r.measured["machine_drops"] = drops.total;
  r.reason = std::string(minus_dsack ? "(RetransSegs - DSACKRecvSegs " + fmt(spurious, 10) + ")" : "RetransSegs") +
             "/TCPOrigDataSent " + fmt(ratio, 4) + " vs p/(1-p) " + fmt(model, 4) + " at " +
             (use_nominal ? "nominal" : "realised") + " p " + pct(p) + ": off by " +
             fmt(model > 0 ? 100 * std::fabs(ratio - model) / model : 0, 3) + " %, tolerance " + fmt(tol * 100, 3) + " %";
  // Losses the impairment did not make break the model, not the exporter.
  if (!ok && drops.total > 0 && ratio > model) {
    r.verdict = Verdict::Inconclusive;
    r.reason += "; the kernel also dropped packets no impairment asked for (" + drops.detail + ")";
  }
  return r;
}

}  // namespace

extern const CheckKind kRatioModel{"ratio_model", {"namespace", "tolerance", "p", "subtract_dsack"}, parse, evaluate,
                                   true};

}  // namespace retx::lab
