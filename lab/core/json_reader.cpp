#include "json_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

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

// Closes the descriptor on every path out (common/kernel's UniqueFd is not
// reachable from the core, and this is its only file descriptor).
struct FdCloser {
  int fd;
  ~FdCloser() { if (fd >= 0) ::close(fd); }
};

std::string file_kind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a plain file";
}

std::string too_big(std::size_t max_bytes) {
  const bool mib = max_bytes >= (1u << 20) && max_bytes % (1u << 20) == 0;
  return "larger than the input limit of " +
         (mib ? std::to_string(max_bytes >> 20) + " MiB" : std::to_string(max_bytes) + " bytes");
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

std::string read_input_file(const std::string& file, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO with no writer would otherwise block forever;
  // fstat on the open descriptor then judges the very file that is read.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw InputError(file + ": cannot read: " + std::strerror(errno));
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw InputError(file + ": cannot read: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw InputError(file + ": cannot read: " + file_kind(st.st_mode) + ", not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) throw InputError(file + ": " + too_big(max_bytes));
  // The limit also holds while reading: a file that grows after fstat stops at max_bytes + 1.
  std::string text;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError(file + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) throw InputError(file + ": " + too_big(max_bytes));
  }
  return text;
}

nlohmann::json read_json_file(const std::string& file) {
  return parse_json_text(read_input_file(file, kMaxInputBytes), file);
}

}  // namespace retx::lab
