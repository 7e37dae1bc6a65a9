// The four outcomes a check, a scenario or a run can have, and how they
// combine. "inconclusive" is a fault of the lab (its impairment did not behave
// as nominal), never of the exporter, so it ranks below "fail".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace retx::lab {

enum class Verdict { Pass, Skipped, Inconclusive, Fail };

std::string_view to_string(Verdict v);
std::optional<Verdict> parse_verdict(std::string_view s);

// Fail beats inconclusive beats pass; skipped only wins when nothing ran.
Verdict combine(const std::vector<Verdict>& vs);

// How much worse `b` is than `a` (for --compare): positive = regression.
int severity(Verdict v);

}  // namespace retx::lab
