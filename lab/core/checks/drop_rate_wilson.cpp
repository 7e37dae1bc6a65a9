// drop_rate_wilson: the realised drop rate of a random impairment against its
// nominal rate. A nominal rate outside the Wilson interval of what the
// backend realised is the lab's fault, not the exporter's: inconclusive.
//
// The default confidence is 99.9 %, not 99 %: a miss is a false alarm at
// 1 - confidence even when the backend is right, and one CI run makes many of
// these checks (4 per smoke suite, 16 over the kernel matrix's four smoke
// runs): at 99 % each, 1 - 0.99^16 = 15 % of CI runs would see one by chance
// alone. Calibrated on 252 of them here (63 host smoke runs, nft's random
// numgen): z spread 0.85-1.05, one outside 99 %. At 99.9 % (z 3.29) a 5 %
// rule over ~9,000 decisions is still caught when it realises 5.8 %.
#include "check_kind.h"
#include "wilson.h"

namespace retx::lab {

namespace {
namespace drop_rate_wilson_check {

using namespace check;

constexpr double kDefaultConfidence = 0.999;

nlohmann::json parse(const JsonReader& c, const Scenario& s) {
  // Wilson assumes independent drops; Gilbert-Elliott drops come in bursts.
  if (s.impairment.kind != ImpairKind::Random) c.at("check").fail("needs a random impairment (independent drops)");
  return {{"confidence", c.number_or("confidence", 0.5, 0.9999, kDefaultConfidence)}};
}

CheckResult evaluate(const CheckSpec& spec, const Scenario& s, const ScenarioMeasurements& m) {
  auto r = start(spec);
  const double conf = spec.params.value("confidence", kDefaultConfidence);
  const double nominal = s.impairment.nominal_loss();
  if (!m.impairment.active) return skipped(std::move(r), "no impairment was installed");
  if (!m.impairment.candidates_are_decisions)
    return skipped(std::move(r),
                   m.impairment.backend + " counts what it let through in other units than what it dropped (netem "
                   "under GSO: sent counted per GSO segment, dropped per skb), so its counters give no per-decision "
                   "sample; the segment_exact scenarios check the realised rate");
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

}  // namespace drop_rate_wilson_check
}  // namespace

extern const CheckKind kDropRateWilson{"drop_rate_wilson", {"confidence"}, drop_rate_wilson_check::parse,
                                       drop_rate_wilson_check::evaluate, true};

}  // namespace retx::lab
