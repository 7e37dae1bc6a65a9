// The tc netem command line for a spec (pure, unit-tested: this machine has no
// sch_netem, the kernel-matrix VM runs it).
#include "impairment.h"

#include <cstdio>
#include <stdexcept>

namespace retx::lab {
namespace {

std::string pct(double p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g%%", p * 100.0);
  return buf;
}

std::string ms(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6gms", v);
  return buf;
}

}  // namespace

std::vector<std::string> netem_argv(const std::string& ns, const std::string& iface, const ImpairmentSpec& s,
                                    bool with_seed) {
  const NetemExtras& x = s.netem;
  std::vector<std::string> a{"tc", "-n", ns, "qdisc", "add", "dev", iface, "root", "netem"};
  auto add = [&](std::initializer_list<std::string> xs) { a.insert(a.end(), xs); };
  if (x.limit > 0) add({"limit", std::to_string(x.limit)});
  if (x.delay_ms > 0) {
    add({"delay", ms(x.delay_ms)});
    if (x.jitter_ms > 0) add({ms(x.jitter_ms)});
    if (!x.distribution.empty()) add({"distribution", x.distribution});
  }
  switch (s.kind) {
    case ImpairKind::Random:
      // No correlation argument: netem's correlated random loss is broken by
      // design (KERNEL-NOTES); bursts go through gemodel.
      add({"loss", "random", pct(s.loss)});
      break;
    case ImpairKind::GilbertElliott:
      // netem's order: p, r, 1-h (loss in bad), 1-k (loss in good).
      add({"loss", "gemodel", pct(s.gemodel.p), pct(s.gemodel.r), pct(s.gemodel.loss_bad), pct(s.gemodel.loss_good)});
      break;
    case ImpairKind::None:
      break;
    default:
      throw std::invalid_argument("netem cannot express impairment kind " + std::string(to_string(s.kind)));
  }
  if (x.duplicate > 0) add({"duplicate", pct(x.duplicate)});
  if (x.corrupt > 0) add({"corrupt", pct(x.corrupt)});
  if (x.reorder > 0) add({"reorder", pct(x.reorder)});
  if (x.rate_mbit > 0) add({"rate", std::to_string(static_cast<std::uint64_t>(x.rate_mbit * 1e6)) + "bit"});
  if (with_seed) add({"seed", std::to_string(s.seed)});
  return a;
}

}  // namespace retx::lab
