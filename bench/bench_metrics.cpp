// Building and serializing the exporter's metric families from a synthetic
// Snapshot: the CPU cost of one /metrics scrape without the map reads or HTTP.
// The exporter writes the text itself (text_exposition.h); prometheus-cpp's
// TextSerializer into an ostringstream, which it replaced, is the baseline.
// Argument = series in the peer families (rows × 2 samples each), so the
// figures line up with the scrape benchmark's series counts.
#include <benchmark/benchmark.h>
#include <prometheus/text_serializer.h>

#include <sstream>

#include "metrics_builder.h"
#include "text_exposition.h"
#include "synthetic_rows.h"

namespace {

retx::Snapshot snapshot_with_series(std::int64_t series) {
  retx::Snapshot s;
  s.attach = "tp_btf";
  s.err_field = true;
  s.labels.peer = true;
  s.labels.budget = 100000;
  s.detail = retx::bench::synthetic_rows(static_cast<std::uint32_t>(std::max<std::int64_t>(1, series / 2)));
  for (std::uint32_t ns = 0; ns < 4; ++ns) {
    s.netns.push_back({4026532000u + ns, "rxlb-ns" + std::to_string(ns), true, 1000000, 900000});
  }
  s.programs.push_back({"retx_skb_btf", 1000, 50000});
  return s;
}

const retx::BuildInfo kBuild{"bench", "1.1"};

void BM_BuildFamilies(benchmark::State& state) {
  const auto snap = snapshot_with_series(state.range(0));
  for (auto _ : state) {
    auto families = retx::build_metric_families(snap, kBuild);
    benchmark::DoNotOptimize(families.data());
  }
  state.counters["series"] = static_cast<double>(snap.detail.size() * 2);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(snap.detail.size() * 2));
}

void BM_Serialize(benchmark::State& state) {
  const auto families = retx::build_metric_families(snapshot_with_series(state.range(0)), kBuild);
  prometheus::TextSerializer ser;
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out;
    ser.Serialize(out, families);
    bytes = out.tellp();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}

// The exporter's writer on the same families, one writer kept across
// iterations as across scrapes (each body reserved from the last one's size).
void BM_WriteText(benchmark::State& state) {
  const auto families = retx::build_metric_families(snapshot_with_series(state.range(0)), kBuild);
  retx::ExpositionWriter writer;
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body = writer.write(families);
    bytes = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}

// What a scrape pays in user space now: families built and written one pair
// at a time (write_metric_text).
void BM_BuildAndWrite(benchmark::State& state) {
  const auto snap = snapshot_with_series(state.range(0));
  retx::ExpositionWriter writer;
  for (auto _ : state) {
    std::string body = retx::write_metric_text(snap, kBuild, writer);
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["series"] = static_cast<double>(snap.detail.size() * 2);
}

// The same with prometheus-cpp's serializer, as the exporter did before (the str() copy included).
void BM_BuildAndSerialize(benchmark::State& state) {
  const auto snap = snapshot_with_series(state.range(0));
  prometheus::TextSerializer ser;
  for (auto _ : state) {
    std::ostringstream out;
    ser.Serialize(out, retx::build_metric_families(snap, kBuild));
    std::string body = out.str();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["series"] = static_cast<double>(snap.detail.size() * 2);
}

#define SERIES_ARGS Arg(10)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_BuildFamilies)->SERIES_ARGS;
BENCHMARK(BM_Serialize)->SERIES_ARGS;
BENCHMARK(BM_WriteText)->SERIES_ARGS;
BENCHMARK(BM_BuildAndSerialize)->SERIES_ARGS;
BENCHMARK(BM_BuildAndWrite)->SERIES_ARGS;

}  // namespace

BENCHMARK_MAIN();
