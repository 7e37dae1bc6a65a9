// The family of a built exposition by name, for tests that check what the
// exporter builds from a Snapshot.
#pragma once

#include <prometheus/metric_family.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace retx::test {

inline const prometheus::MetricFamily& family(const std::vector<prometheus::MetricFamily>& fs,
                                              const std::string& name) {
  for (const auto& f : fs)
    if (f.name == name) return f;
  throw std::runtime_error("no family " + name);
}

}  // namespace retx::test
