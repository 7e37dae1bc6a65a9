#include "prom_text.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace retx::lab {

namespace {

bool name_char(char c, bool first) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return alpha || (!first && c >= '0' && c <= '9');
}

struct LineParser {
  std::string_view s;
  size_t i = 0;
  size_t line_no;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("line " + std::to_string(line_no) + ": " + what);
  }
  void skip_ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  std::string name() {
    size_t b = i;
    while (i < s.size() && name_char(s[i], i == b)) ++i;
    if (i == b) fail("expected a metric or label name at column " + std::to_string(b + 1));
    return std::string(s.substr(b, i - b));
  }
  std::string quoted() {
    if (i >= s.size() || s[i] != '"') fail("expected '\"' at column " + std::to_string(i + 1));
    ++i;
    std::string out;
    while (true) {
      if (i >= s.size()) fail("unterminated label value");
      char c = s[i++];
      if (c == '"') return out;
      if (c == '\\') {
        if (i >= s.size()) fail("dangling backslash in label value");
        char e = s[i++];
        if (e == 'n') out += '\n';
        else if (e == '\\' || e == '"') out += e;
        else fail(std::string("unknown escape \\") + e);
      } else {
        out += c;
      }
    }
  }
  Labels labels() {
    Labels out;
    ++i;  // '{'
    skip_ws();
    while (i < s.size() && s[i] != '}') {
      std::string k = name();
      skip_ws();
      if (i >= s.size() || s[i] != '=') fail("expected '=' after label " + k);
      ++i;
      skip_ws();
      out[k] = quoted();
      skip_ws();
      if (i < s.size() && s[i] == ',') { ++i; skip_ws(); }
      else if (i < s.size() && s[i] != '}') fail("expected ',' or '}' after label " + k);
    }
    if (i >= s.size()) fail("unterminated label set");
    ++i;  // '}'
    return out;
  }
  double value() {
    skip_ws();
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    std::string v(s.substr(b, i - b));
    if (v.empty()) fail("missing sample value");
    if (v == "+Inf" || v == "Inf") return std::numeric_limits<double>::infinity();
    if (v == "-Inf") return -std::numeric_limits<double>::infinity();
    if (v == "NaN") return std::numeric_limits<double>::quiet_NaN();
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (end != v.c_str() + v.size()) fail("bad sample value \"" + v + "\"");
    return d;
  }
};

}  // namespace

PromScrape parse_prom_text(std::string_view text) {
  PromScrape out;
  size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    LineParser p{line, 0, line_no};
    p.skip_ws();
    if (p.i >= line.size() || line[p.i] == '#') continue;
    PromSample smp;
    smp.name = p.name();
    p.skip_ws();
    if (p.i < line.size() && line[p.i] == '{') smp.labels = p.labels();
    smp.value = p.value();
    p.skip_ws();
    if (p.i < line.size()) {  // optional timestamp (integer ms)
      size_t b = p.i;
      while (p.i < line.size() && (std::isdigit(static_cast<unsigned char>(line[p.i])) || line[p.i] == '-')) ++p.i;
      p.skip_ws();
      if (p.i == b || p.i != line.size()) p.fail("unexpected text after the sample value");
    }
    out.samples.push_back(std::move(smp));
  }
  return out;
}

static bool matches(const Labels& have, const Labels& want) {
  for (const auto& [k, v] : want) {
    auto it = have.find(k);
    if (it == have.end() || it->second != v) return false;
  }
  return true;
}

double PromScrape::sum(std::string_view name, const Labels& match) const {
  double total = 0;
  for (const auto& s : samples)
    if (s.name == name && matches(s.labels, match)) total += s.value;
  return total;
}

bool PromScrape::has(std::string_view name) const {
  for (const auto& s : samples)
    if (s.name == name) return true;
  return false;
}

std::vector<const PromSample*> PromScrape::find(std::string_view name) const {
  std::vector<const PromSample*> out;
  for (const auto& s : samples)
    if (s.name == name) out.push_back(&s);
  return out;
}

}  // namespace retx::lab
