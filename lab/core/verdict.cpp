#include "verdict.h"

#include <algorithm>

namespace retx::lab {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::Pass: return "pass";
    case Verdict::Skipped: return "skipped";
    case Verdict::Inconclusive: return "inconclusive";
    case Verdict::Fail: return "fail";
  }
  return "?";
}

std::optional<Verdict> parse_verdict(std::string_view s) {
  for (Verdict v : {Verdict::Pass, Verdict::Skipped, Verdict::Inconclusive, Verdict::Fail})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

int severity(Verdict v) {
  switch (v) {
    case Verdict::Pass: return 0;
    case Verdict::Skipped: return 1;
    case Verdict::Inconclusive: return 2;
    case Verdict::Fail: return 3;
  }
  return 3;
}

Verdict combine(const std::vector<Verdict>& vs) {
  if (vs.empty()) return Verdict::Skipped;
  bool any_ran = std::any_of(vs.begin(), vs.end(), [](Verdict v) { return v != Verdict::Skipped; });
  if (!any_ran) return Verdict::Skipped;
  Verdict worst = Verdict::Pass;
  for (Verdict v : vs)
    if (v != Verdict::Skipped && severity(v) > severity(worst)) worst = v;
  return worst;
}

}  // namespace retx::lab
