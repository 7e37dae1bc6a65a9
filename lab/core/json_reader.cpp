#include "json_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace retx::lab {

namespace {
std::string type_name(const nlohmann::json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

std::string fmt_num(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

std::string join_quoted(const std::vector<std::string>& xs) {
  std::string s;
  for (size_t i = 0; i < xs.size(); ++i) s += (i ? ", \"" : "\"") + xs[i] + "\"";
  return s;
}
}  // namespace

JsonReader::JsonReader(const nlohmann::json& value, std::string file, std::string path)
    : value_(value), file_(std::move(file)), path_(std::move(path)) {}

void JsonReader::fail(const std::string& what) const { throw InputError(file_, path_, what); }

void JsonReader::expect_object(const std::vector<std::string>& allowed) const {
  if (!value_.is_object()) fail("expected an object, got " + type_name(value_));
  for (auto it = value_.begin(); it != value_.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end())
      throw InputError(file_, path_ + "." + it.key(),
                       "unknown key (expected one of " + join_quoted(allowed) + ")");
  }
}

bool JsonReader::has(const std::string& key) const { return value_.is_object() && value_.contains(key); }

JsonReader JsonReader::at(const std::string& key) const {
  if (!value_.is_object()) fail("expected an object, got " + type_name(value_));
  auto it = value_.find(key);
  if (it == value_.end()) throw InputError(file_, path_ + "." + key, "missing (required)");
  return JsonReader(*it, file_, path_ + "." + key);
}

std::optional<JsonReader> JsonReader::find(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return at(key);
}

std::vector<JsonReader> JsonReader::items(std::size_t min_size) const {
  if (!value_.is_array()) fail("expected an array, got " + type_name(value_));
  if (value_.size() < min_size)
    fail("expected an array with at least " + std::to_string(min_size) + " element(s)");
  std::vector<JsonReader> out;
  for (size_t i = 0; i < value_.size(); ++i)
    out.emplace_back(value_[i], file_, path_ + "[" + std::to_string(i) + "]");
  return out;
}

std::string JsonReader::as_string() const {
  if (!value_.is_string()) fail("expected a string, got " + type_name(value_));
  return value_.get<std::string>();
}

std::string JsonReader::as_enum(const std::vector<std::string>& choices) const {
  if (!value_.is_string()) fail("expected one of " + join_quoted(choices) + ", got " + type_name(value_));
  auto s = value_.get<std::string>();
  if (std::find(choices.begin(), choices.end(), s) == choices.end())
    fail("expected one of " + join_quoted(choices) + ", got \"" + s + "\"");
  return s;
}

double JsonReader::as_number(double min, double max) const {
  const std::string want = "expected a number in [" + fmt_num(min) + "," + fmt_num(max) + "]";
  if (!value_.is_number()) fail(want + ", got " + type_name(value_));
  double x = value_.get<double>();
  if (!std::isfinite(x) || x < min || x > max) fail(want + ", got " + fmt_num(x));
  return x;
}

std::int64_t JsonReader::as_integer(std::int64_t min, std::int64_t max) const {
  const std::string want = "expected an integer in [" + std::to_string(min) + "," + std::to_string(max) + "]";
  if (!value_.is_number_integer() && !value_.is_number_unsigned()) fail(want + ", got " + type_name(value_));
  if (value_.is_number_unsigned() && value_.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    fail(want + ", got " + std::to_string(value_.get<std::uint64_t>()));
  auto x = value_.get<std::int64_t>();
  if (x < min || x > max) fail(want + ", got " + std::to_string(x));
  return x;
}

bool JsonReader::as_bool() const {
  if (!value_.is_boolean()) fail("expected a boolean, got " + type_name(value_));
  return value_.get<bool>();
}

std::string JsonReader::string_or(const std::string& key, const std::string& def) const {
  auto f = find(key);
  return f ? f->as_string() : def;
}
std::string JsonReader::enum_or(const std::string& key, const std::vector<std::string>& choices,
                                const std::string& def) const {
  auto f = find(key);
  return f ? f->as_enum(choices) : def;
}
double JsonReader::number_or(const std::string& key, double min, double max, double def) const {
  auto f = find(key);
  return f ? f->as_number(min, max) : def;
}
std::int64_t JsonReader::integer_or(const std::string& key, std::int64_t min, std::int64_t max,
                                    std::int64_t def) const {
  auto f = find(key);
  return f ? f->as_integer(min, max) : def;
}
bool JsonReader::bool_or(const std::string& key, bool def) const {
  auto f = find(key);
  return f ? f->as_bool() : def;
}

nlohmann::json parse_json_text(const std::string& text, const std::string& file) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports a byte offset; people edit files by line and column.
    size_t line = 1, col = 1;
    for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    std::string msg = e.what();
    auto p = msg.find("syntax error");
    throw InputError(file + ": line " + std::to_string(line) + " column " + std::to_string(col) +
                     ": invalid JSON: " + (p == std::string::npos ? msg : msg.substr(p)));
  } catch (const nlohmann::json::exception& e) {
    // out_of_range 406: a number beyond a double's range (found by tests/fuzz).
    throw InputError(file + ": invalid JSON: " + e.what());
  }
}

nlohmann::json read_json_file(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file + ": cannot read: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_json_text(ss.str(), file);
}

}  // namespace retx::lab
