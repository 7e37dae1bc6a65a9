// A parser for the Prometheus text exposition format (version 0.0.4), enough
// to read what retx-exporter serves: comments, samples with quoted labels and
// escapes, +Inf/-Inf/NaN, optional timestamps.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace retx::lab {

using Labels = std::map<std::string, std::string>;

struct PromSample {
  std::string name;
  Labels labels;
  double value = 0;
};

struct PromScrape {
  std::vector<PromSample> samples;

  // Sum of `name` over samples whose labels include every pair in `match`.
  double sum(std::string_view name, const Labels& match = {}) const;
  bool has(std::string_view name) const;
  // Samples of `name` (any labels).
  std::vector<const PromSample*> find(std::string_view name) const;
};

// Throws std::runtime_error("line N: ...") on malformed input.
PromScrape parse_prom_text(std::string_view text);

}  // namespace retx::lab
