// The Prometheus text exposition format 0.0.4, written straight into one
// std::string: byte for byte what prometheus::TextSerializer (prometheus-cpp
// 1.0) writes for the same families (tests/unit/exporter_text_exposition_test.cpp
// compares the two), without an ostream. The serializer streams into an
// ostringstream that grows by doubling and is then copied out; at 10k series
// that growth and the stream insertions were over half of a scrape's CPU
// (bench/README.md, "Scrape").
#pragma once

#include <prometheus/metric_family.h>

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

namespace retx {

// Appends the families to `out`, as TextSerializer::Serialize would stream them.
void append_text_exposition(std::string& out, const std::vector<prometheus::MetricFamily>& families);

// Sample lines (series, and each histogram or summary line) the families make.
std::size_t sample_lines(const std::vector<prometheus::MetricFamily>& families);

// A body written family by family (ExpositionWriter::start).
struct ExpositionText {
  std::string body;
  std::size_t lines = 0;  // sample lines written
  void add(const prometheus::MetricFamily& family);
};

// One body per scrape, reserved once for its sample lines at the previous
// scrape's bytes per line, so that it is allocated once instead of grown by
// doubling (a grown body left its discarded copies in the heap, which the
// exporter does not trim: main.cpp). Shared by concurrent scrapes: the
// figure is only a hint.
class ExpositionWriter {
 public:
  std::string write(const std::vector<prometheus::MetricFamily>& families);

  // For families written as they are built: a body reserved for about
  // `expected_lines`, then finish() to learn from it.
  ExpositionText start(std::size_t expected_lines) const;
  std::string finish(ExpositionText&& text);

 private:
  // Bytes per sample line, HELP and TYPE lines included; until the first
  // scrape, a little more than the exporter's peer-labelled series take (~135).
  std::atomic<std::size_t> bytes_per_line_{160};
};

}  // namespace retx
