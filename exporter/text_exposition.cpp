#include "text_exposition.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

namespace retx {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Room for any double at 16 significant digits ("-1.234567890123456e-308")
// and any 64-bit integer.
constexpr std::size_t kNumberChars = 32;

// TextSerializer streams a double with precision max_digits10 - 1 = 16 in the
// default float field, which libstdc++ prints as printf's "%.16g" in the
// classic locale; to_chars with a precision is specified as that printf, with
// no stream and no locale. NaN and the infinities are spelt its way ("Nan").
std::string_view format_double(double v, char (&buf)[kNumberChars]) {
  if (std::isnan(v)) return "Nan";
  if (std::isinf(v)) return v < 0 ? "-Inf" : "+Inf";
  constexpr int kPrecision = std::numeric_limits<double>::max_digits10 - 1;
  auto r = std::to_chars(buf, buf + kNumberChars, v, std::chars_format::general, kPrecision);
  return {buf, static_cast<std::size_t>(r.ptr - buf)};
}

void append_double(std::string& out, double v) {
  char buf[kNumberChars];
  out += format_double(v, buf);
}

template <typename Int>
void append_int(std::string& out, Int v) {
  char buf[kNumberChars];
  auto r = std::to_chars(buf, buf + kNumberChars, v);
  out.append(buf, r.ptr);
}

// A label value with \ " and newline escaped; the rest as is (UTF-8 passes).
void append_escaped(std::string& out, std::string_view v) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out.append(v.data() + start, i - start);
    out += '\\';
    out += c == '\n' ? 'n' : c;
    start = i + 1;
  }
  out.append(v.data() + start, v.size() - start);
}

// name+suffix{labels,extra="value"} and the space before the sample. The
// extra label's value is a number or "+Inf", which need no escaping.
void append_head(std::string& out, const MetricFamily& f, const ClientMetric& m, std::string_view suffix = {},
                 std::string_view extra = {}, std::string_view extra_value = {}) {
  out += f.name;
  out += suffix;
  if (!m.label.empty() || !extra.empty()) {
    char sep = '{';
    for (const auto& l : m.label) {
      out += sep;
      out += l.name;
      out += "=\"";
      append_escaped(out, l.value);
      out += '"';
      sep = ',';
    }
    if (!extra.empty()) {
      out += sep;
      out += extra;
      out += "=\"";
      out += extra_value;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
}

void append_tail(std::string& out, const ClientMetric& m) {
  if (m.timestamp_ms != 0) {
    out += ' ';
    append_int(out, m.timestamp_ms);
  }
  out += '\n';
}

// The _count and _sum lines summaries and histograms both begin with.
void append_count_sum(std::string& out, const MetricFamily& f, const ClientMetric& m, std::uint64_t count,
                      double sum) {
  append_head(out, f, m, "_count");
  append_int(out, count);
  append_tail(out, m);
  append_head(out, f, m, "_sum");
  append_double(out, sum);
  append_tail(out, m);
}

void append_summary(std::string& out, const MetricFamily& f, const ClientMetric& m) {
  const auto& s = m.summary;
  append_count_sum(out, f, m, s.sample_count, s.sample_sum);
  for (const auto& q : s.quantile) {
    char buf[kNumberChars];
    append_head(out, f, m, {}, "quantile", format_double(q.quantile, buf));
    append_double(out, q.value);
    append_tail(out, m);
  }
}

// The +Inf bucket is added when the last bound is not +Inf, as the serializer does.
void append_histogram(std::string& out, const MetricFamily& f, const ClientMetric& m) {
  const auto& h = m.histogram;
  append_count_sum(out, f, m, h.sample_count, h.sample_sum);
  double last = -std::numeric_limits<double>::infinity();
  for (const auto& b : h.bucket) {
    char buf[kNumberChars];
    append_head(out, f, m, "_bucket", "le", format_double(b.upper_bound, buf));
    last = b.upper_bound;
    append_int(out, b.cumulative_count);
    append_tail(out, m);
  }
  if (last != std::numeric_limits<double>::infinity()) {
    append_head(out, f, m, "_bucket", "le", "+Inf");
    append_int(out, h.sample_count);
    append_tail(out, m);
  }
}

// One value per line: counters, gauges, untyped.
void append_simple(std::string& out, const MetricFamily& f, const ClientMetric& m, double v) {
  append_head(out, f, m);
  append_double(out, v);
  append_tail(out, m);
}

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Summary: return "summary";
    case MetricType::Untyped: return "untyped";
    case MetricType::Histogram: return "histogram";
  }
  return nullptr;  // the serializer writes nothing for a type it does not know, not even # TYPE
}

void append_family(std::string& out, const MetricFamily& f) {
  if (!f.help.empty()) {  // as is: prometheus-cpp 1.0 does not escape help text
    out += "# HELP ";
    out += f.name;
    out += ' ';
    out += f.help;
    out += '\n';
  }
  const char* type = type_name(f.type);
  if (!type) return;
  out += "# TYPE ";
  out += f.name;
  out += ' ';
  out += type;
  out += '\n';
  for (const auto& m : f.metric) {
    switch (f.type) {
      case MetricType::Counter: append_simple(out, f, m, m.counter.value); break;
      case MetricType::Gauge: append_simple(out, f, m, m.gauge.value); break;
      case MetricType::Untyped: append_simple(out, f, m, m.untyped.value); break;
      case MetricType::Summary: append_summary(out, f, m); break;
      case MetricType::Histogram: append_histogram(out, f, m); break;
    }
  }
}

std::size_t family_lines(const MetricFamily& f) {
  std::size_t n = 0;
  for (const auto& m : f.metric) {
    if (f.type == MetricType::Histogram) n += 3 + m.histogram.bucket.size();  // _count, _sum, +Inf, buckets
    else if (f.type == MetricType::Summary) n += 2 + m.summary.quantile.size();
    else ++n;
  }
  return n;
}

}  // namespace

void append_text_exposition(std::string& out, const std::vector<MetricFamily>& families) {
  for (const auto& f : families) append_family(out, f);
}

std::size_t sample_lines(const std::vector<MetricFamily>& families) {
  std::size_t n = 0;
  for (const auto& f : families) n += family_lines(f);
  return n;
}

void ExpositionText::add(const MetricFamily& family) {
  append_family(body, family);
  lines += family_lines(family);
}

ExpositionText ExpositionWriter::start(std::size_t expected_lines) const {
  std::size_t bytes = (expected_lines + 1) * bytes_per_line_.load(std::memory_order_relaxed);
  ExpositionText text;
  // A sixteenth more: label values vary in length from scrape to scrape.
  text.body.reserve(bytes + bytes / 16 + 1024);
  return text;
}

std::string ExpositionWriter::finish(ExpositionText&& text) {
  bytes_per_line_.store(text.body.size() / (text.lines + 1) + 1, std::memory_order_relaxed);
  return std::move(text.body);
}

std::string ExpositionWriter::write(const std::vector<MetricFamily>& families) {
  ExpositionText text = start(sample_lines(families));
  for (const auto& f : families) text.add(f);
  return finish(std::move(text));
}

}  // namespace retx
