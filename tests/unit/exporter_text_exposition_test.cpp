// The exporter's own text writer against prometheus::TextSerializer: the
// same bytes for every metric type, label escaping, NaN and the infinities,
// large, small and awkward doubles, timestamps, and the exporter's real
// families. Users' scrapers and our tests parse this text: any difference is
// a bug in the writer.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "metrics_builder.h"
#include "text_exposition.h"

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::string ours(const std::vector<MetricFamily>& fs) {
  std::string out;
  retx::append_text_exposition(out, fs);
  return out;
}

std::string theirs(const std::vector<MetricFamily>& fs) { return prometheus::TextSerializer().Serialize(fs); }

MetricFamily family(const std::string& name, const std::string& help, MetricType type) {
  MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

ClientMetric labelled(std::vector<ClientMetric::Label> labels) {
  ClientMetric m;
  m.label = std::move(labels);
  return m;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Values where "%.16g" takes each of its paths: integers, exponents both
// ways, subnormals, rounding at the 16th digit, the sign of zero.
const std::vector<double> kAwkward = {0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, 2.0 / 3, 123456789012345678.0,
                                      9007199254740993.0, 1e15, 1e16, 1e17, 1e21, 1e22, 1e100, 1e300,
                                      std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(),
                                      1e-4, 1e-5, 1e-7, 5e-324, std::numeric_limits<double>::min(),
                                      std::numeric_limits<double>::denorm_min(), 0.30000000000000004, 2.5e-5,
                                      1234.5678, 18446744073709551615.0, 0.000123456789012345678, kInf, -kInf,
                                      kNaN, -kNaN};

TEST(TextExposition, EveryTypeMatchesTheSerializer) {
  auto counter = family("c_total", "a counter", MetricType::Counter);
  counter.metric.push_back(labelled({{"a", "1"}, {"b", "x"}}));
  counter.metric.back().counter.value = 42;
  counter.metric.push_back(labelled({}));
  counter.metric.back().counter.value = 1e-9;
  auto gauge = family("g", "", MetricType::Gauge);  // no help: no # HELP line
  gauge.metric.push_back(labelled({{"k", "v"}}));
  gauge.metric.back().gauge.value = -3.25;
  auto untyped = family("u", "untyped help", MetricType::Untyped);
  untyped.metric.push_back(labelled({}));
  untyped.metric.back().untyped.value = 7;
  auto summary = family("s_seconds", "a summary", MetricType::Summary);
  summary.metric.push_back(labelled({{"job", "j"}}));
  summary.metric.back().summary = {5, 0.75, {{0.5, 0.1}, {0.99, kNaN}, {1, kInf}}};
  summary.metric.push_back(labelled({}));
  summary.metric.back().summary = {std::numeric_limits<std::uint64_t>::max(), 1e300, {}};
  auto hist = family("h", "a histogram", MetricType::Histogram);
  hist.metric.push_back(labelled({{"netns", "1"}}));
  hist.metric.back().histogram = {9, 1.5, {{1, 0.001}, {4, 0.5}, {9, kInf}}};
  hist.metric.push_back(labelled({}));  // no +Inf bound: the serializer adds one
  hist.metric.back().histogram = {3, 0, {{2, 1}, {3, 10}}};
  hist.metric.push_back(labelled({}));  // no buckets at all
  hist.metric.back().histogram = {0, 0, {}};
  std::vector<MetricFamily> fs = {counter, gauge, untyped, summary, hist};
  std::string text = ours(fs);
  EXPECT_EQ(text, theirs(fs));
  EXPECT_NE(text.find("h_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_EQ(ours({}), "");
}

TEST(TextExposition, LabelValuesEscapedHelpAsIs) {
  auto f = family("esc", "help with \\ \" and\na newline, as prometheus-cpp leaves it", MetricType::Gauge);
  const std::vector<std::string> values = {"", "\\", "\"", "\n", "a\\\"b\nc\\n", "ünï\xc3\xa9", "\"\"\"",
                                          std::string("nul\0x", 5)};
  for (const auto& v : values) {
    f.metric.push_back(labelled({{"v", v}, {"w", v + v}}));
  }
  std::vector<MetricFamily> fs = {f};
  std::string text = ours(fs);
  EXPECT_EQ(text, theirs(fs));
  EXPECT_NE(text.find(R"(esc{v="a\\\"b\nc\\n")"), std::string::npos) << text;
}

TEST(TextExposition, AwkwardDoublesAsValuesAndBounds) {
  auto g = family("g", "h", MetricType::Gauge);
  auto s = family("s", "h", MetricType::Summary);
  auto h = family("h", "h", MetricType::Histogram);
  ClientMetric sm, hm;
  for (double v : kAwkward) {
    g.metric.push_back(labelled({{"v", "x"}}));
    g.metric.back().gauge.value = v;
    sm.summary.quantile.push_back({v, -v});
    hm.histogram.bucket.push_back({1, v});
  }
  sm.summary.sample_sum = kNaN;
  hm.histogram.sample_sum = -kInf;
  s.metric.push_back(sm);
  h.metric.push_back(hm);
  std::vector<MetricFamily> fs = {g, s, h};
  EXPECT_EQ(ours(fs), theirs(fs));
}

// Random bit patterns cover every exponent; random integers and decimals
// cover what counters and ratios hold. Fixed seed: a failure reproduces.
TEST(TextExposition, ManyRandomDoubles) {
  std::mt19937_64 rng(12);
  auto g = family("g", "h", MetricType::Gauge);
  for (int i = 0; i < 30000; ++i) {
    std::uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (i % 3 == 1) v = static_cast<double>(bits >> (bits % 64));
    if (i % 3 == 2) v = static_cast<double>(bits % 100000) / 1000.0;
    g.metric.push_back(labelled({}));
    g.metric.back().gauge.value = v;
  }
  std::vector<MetricFamily> fs = {g};
  EXPECT_EQ(ours(fs), theirs(fs));
}

TEST(TextExposition, TimestampsWhenSet) {
  auto f = family("t", "h", MetricType::Histogram);
  f.metric.push_back(labelled({{"a", "b"}}));
  f.metric.back().histogram = {1, 1, {{1, 1}}};
  f.metric.back().timestamp_ms = 1700000000123;
  auto c = family("c", "h", MetricType::Counter);
  c.metric.push_back(labelled({}));
  c.metric.back().timestamp_ms = -5;
  std::vector<MetricFamily> fs = {f, c};
  std::string text = ours(fs);
  EXPECT_EQ(text, theirs(fs));
  EXPECT_NE(text.find("t_count{a=\"b\"} 1 1700000000123\n"), std::string::npos) << text;
}

// What the exporter serves: every family it builds, with peer and cgroup
// labels, failures, overflow, histograms and unreadable namespaces.
TEST(TextExposition, ExporterFamiliesMatch) {
  retx::Snapshot s;
  s.attach = "tp_btf";
  s.tracepoints = {"tcp_retransmit_skb", "tcp_retransmit_synack"};
  s.err_field = true;
  s.labels.peer = s.labels.cgroup = true;
  for (std::uint32_t i = 0; i < 50; ++i) {
    retx::CounterRow r;
    r.key.netns = 4026531840u + i % 3;
    r.key.family = i % 4 ? 2 : 10;
    r.key.cause = static_cast<std::uint8_t>(i % 7);
    r.key.outcome = static_cast<std::uint8_t>(i % 5 == 0 ? RETX_OUTCOME_FAILED_XMIT : RETX_OUTCOME_SENT);
    r.key.err = i % 5 == 0 ? -105 : 0;
    r.key.cgroup = i % 2 ? 77 : 78;
    r.key.raddr[0] = 10;
    r.key.raddr[3] = static_cast<std::uint8_t>(i);
    r.key.rport = static_cast<std::uint16_t>(443 + i);
    r.value = {3ull * i + 1, i + 1ull};
    (i % 9 ? s.detail : s.agg).push_back(r);
  }
  s.cgroup_paths = {{77, "/system.slice/a\"b.service"}};
  s.netns = {{4026531840u, "host", true, 123456789, 1234567}, {4026531841u, "x\\y\nz", false, 0, 0}};
  retx::RatioHistRow h;
  h.netns = 4026531840u;
  h.hist.buckets[0] = 5;
  h.hist.sum_scaled = 12345;
  s.ratio_hist = {h};
  s.programs = {{"retx_skb_btf", 1000, 123456789}};
  s.scrape_errors = {{"bpf_map", 2}, {"proc_net", 0}};
  auto fs = retx::build_metric_families(s, {"1.0", "1.1"});
  EXPECT_EQ(ours(fs), theirs(fs));
  // The scrape's path, family by family with the labels handed over, twice
  // (the second body reserved from the first).
  retx::ExpositionWriter w;
  EXPECT_EQ(retx::write_metric_text(s, {"1.0", "1.1"}, w), theirs(fs));
  EXPECT_EQ(retx::write_metric_text(s, {"1.0", "1.1"}, w), theirs(fs));
  // Each pair of families still has its labels when both are kept.
  for (const char* name : {"tcp_retransmit_skbs_total", "tcp_retransmit_failed_skbs_total"}) {
    auto it = std::find_if(fs.begin(), fs.end(), [&](const MetricFamily& f) { return f.name == name; });
    ASSERT_NE(it, fs.end()) << name;
    ASSERT_FALSE(it->metric.empty()) << name;
    for (const auto& m : it->metric) EXPECT_FALSE(m.label.empty()) << name;
  }
}

// Peer labels only (what run-scrape.sh serves), some rows folding into one
// series; and an empty snapshot.
TEST(TextExposition, ScrapeTextMatchesForPeerRowsAndNothing) {
  retx::Snapshot s;
  s.labels.peer = true;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    retx::CounterRow r;
    r.key.netns = 7;
    r.key.family = 2;
    r.key.cause = 3;
    r.key.lport = static_cast<std::uint16_t>(40000 + i % 1500);  // 500 keys differ only in the cookie
    r.key.netns_cookie = i;
    r.value = {i + 1ull, 1};
    s.detail.push_back(r);
  }
  retx::ExpositionWriter w;
  auto fs = retx::build_metric_families(s, {"1", "2"});
  EXPECT_EQ(fs[0].metric.size(), 1500u);
  EXPECT_EQ(retx::write_metric_text(s, {"1", "2"}, w), theirs(fs));
  retx::Snapshot empty;
  EXPECT_EQ(retx::write_metric_text(empty, {"1", "2"}, w), theirs(retx::build_metric_families(empty, {"1", "2"})));
}

TEST(TextExposition, WriterReservesAndWritesTheSameText) {
  auto f = family("c", "h", MetricType::Counter);
  for (int i = 0; i < 1000; ++i) f.metric.push_back(labelled({{"i", std::to_string(10000 + i)}}));
  std::vector<MetricFamily> fs = {f};
  retx::ExpositionWriter w;
  std::string first = w.write(fs);
  std::string second = w.write(fs);
  EXPECT_EQ(first, theirs(fs));
  EXPECT_EQ(second, first);
  EXPECT_GE(second.capacity(), second.size() + second.size() / 16) << "reserved at the first body's bytes per line";
  EXPECT_LE(second.capacity(), 2 * second.size()) << "allocated once, not grown by doubling";
  // Ten times the series: reserved for them at once, not from the last size.
  for (int i = 1000; i < 10000; ++i) fs[0].metric.push_back(labelled({{"i", std::to_string(10000 + i)}}));
  std::string third = w.write(fs);
  EXPECT_EQ(third, theirs(fs));
  EXPECT_GE(third.capacity(), third.size());
  EXPECT_LE(third.capacity(), third.size() + third.size() / 4);
}

TEST(TextExposition, SampleLinesCountHistogramAndSummaryLines) {
  auto c = family("c", "h", MetricType::Counter);
  c.metric.resize(3);
  auto h = family("h", "h", MetricType::Histogram);
  h.metric.push_back(labelled({}));
  h.metric.back().histogram.bucket.resize(4);
  auto s = family("s", "h", MetricType::Summary);
  s.metric.push_back(labelled({}));
  s.metric.back().summary.quantile.resize(2);
  EXPECT_EQ(retx::sample_lines({c, h, s}), 3u + (3 + 4) + (2 + 2));
}

}  // namespace
