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
  if (auto e = spec_error(s)) throw std::invalid_argument(*e);
  std::vector<std::string> a{"tc", "-n", ns, "qdisc", "add", "dev", iface, "root", "netem"};
  auto add = [&](std::initializer_list<std::string> xs) { a.insert(a.end(), xs); };
  if (s.limit > 0) add({"limit", std::to_string(s.limit)});
  if (s.delay_ms > 0) {
    add({"delay", ms(s.delay_ms)});
    if (s.jitter_ms > 0) add({ms(s.jitter_ms)});
    if (!s.distribution.empty()) add({"distribution", s.distribution});
  }
  switch (s.kind) {
    case ImpairKind::Random:
      // No correlation argument: netem's correlated random loss is broken by
      // design (KERNEL-NOTES); bursts go through gemodel or state.
      add({"loss", "random", pct(s.loss)});
      break;
    case ImpairKind::GilbertElliott:
      // netem's order: p, r, 1-h (loss in bad), 1-k (loss in good).
      add({"loss", "gemodel", pct(s.ge_p), pct(s.ge_r), pct(s.ge_bad_loss), pct(s.ge_good_loss)});
      break;
    case ImpairKind::MarkovState:
      add({"loss", "state", pct(s.st_p13), pct(s.st_p31), pct(s.st_p32), pct(s.st_p23), pct(s.st_p14)});
      break;
    case ImpairKind::None:
      break;
    default:
      throw std::invalid_argument("netem cannot express impairment kind " + to_string(s.kind));
  }
  if (s.duplicate > 0) add({"duplicate", pct(s.duplicate)});
  if (s.corrupt > 0) add({"corrupt", pct(s.corrupt)});
  if (s.reorder > 0) add({"reorder", pct(s.reorder)});
  if (s.rate_bps > 0) add({"rate", std::to_string(s.rate_bps) + "bit"});
  if (with_seed) add({"seed", std::to_string(s.seed)});
  return a;
}

}  // namespace retx::lab
