// Finds a label set among the series of a metric family being built, so that
// rows which map to the same labels add up instead of becoming duplicate
// series (which Prometheus rejects). Open addressing over positions in the
// family's metric vector, each slot keeping its hash: a lookup allocates
// nothing and compares strings only when the hashes match. At 10k series a
// node-based map keyed by a string of the label values cost two allocations
// per series and family (bench/bench_metrics.cpp).
#pragma once

#include <prometheus/client_metric.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace retx {

using LabelSet = std::vector<prometheus::ClientMetric::Label>;

class SeriesIndex {
 public:
  static constexpr std::size_t kNew = static_cast<std::size_t>(-1);

  // Room for n label sets without rehashing.
  void reserve(std::size_t n) {
    if (2 * n > slots_.size()) rehash(2 * n);
  }

  // The position of `labels` in `metrics`; or kNew, having recorded that the
  // caller appends them at metrics.size().
  std::size_t find_or_add(const LabelSet& labels, const std::vector<prometheus::ClientMetric>& metrics) {
    if (2 * (used_ + 1) > slots_.size()) rehash(2 * (used_ + 1));
    std::size_t h = hash(labels);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.pos == kNew) {
        s = {h, metrics.size()};
        ++used_;
        return kNew;
      }
      if (s.hash == h && metrics[s.pos].label == labels) return s.pos;
    }
  }

 private:
  struct Slot {
    std::size_t hash = 0;
    std::size_t pos = kNew;  // kNew: empty
  };

  // Values only: the names repeat in every series of a family (equality
  // still compares them). Mixed so that every value reaches the low bits.
  static std::size_t hash(const LabelSet& labels) {
    std::size_t h = labels.size();
    for (const auto& l : labels) h ^= std::hash<std::string>{}(l.value) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
  }

  // A power of two of at least n slots, so that a mask picks the slot.
  void rehash(std::size_t n) {
    std::size_t size = 16;
    while (size < n) size *= 2;
    std::vector<Slot> old(size);
    old.swap(slots_);
    std::size_t mask = size - 1;
    for (const Slot& s : old) {
      if (s.pos == kNew) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].pos != kNew) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

}  // namespace retx
