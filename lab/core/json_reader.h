// Typed, path-tracking access to a parsed JSON document. Every accessor
// throws InputError naming the file, the JSON path ($.a[2].b) and what was
// expected, so validation code reads like the schema it enforces.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "input_error.h"

namespace retx::lab {

class JsonReader {
 public:
  JsonReader(const nlohmann::json& value, std::string file, std::string path = "$");

  const nlohmann::json& value() const { return value_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

  [[noreturn]] void fail(const std::string& what) const;

  // Objects. `allowed` lists every key the object may hold: anything else is
  // an error, so a typo ("los" for "loss") cannot silently fall back to a default.
  void expect_object(const std::vector<std::string>& allowed) const;
  bool has(const std::string& key) const;
  JsonReader at(const std::string& key) const;       // must exist
  std::optional<JsonReader> find(const std::string& key) const;

  // Arrays.
  std::vector<JsonReader> items(std::size_t min_size = 0) const;

  // Scalars at this node.
  std::string as_string() const;
  std::string as_enum(const std::vector<std::string>& choices) const;
  double as_number(double min, double max) const;
  std::int64_t as_integer(std::int64_t min, std::int64_t max) const;
  bool as_bool() const;

  // Optional members with defaults.
  std::string string_or(const std::string& key, const std::string& def) const;
  std::string enum_or(const std::string& key, const std::vector<std::string>& choices, const std::string& def) const;
  double number_or(const std::string& key, double min, double max, double def) const;
  std::int64_t integer_or(const std::string& key, std::int64_t min, std::int64_t max, std::int64_t def) const;
  bool bool_or(const std::string& key, bool def) const;

 private:
  const nlohmann::json& value_;
  std::string file_;
  std::string path_;
};

// Parses JSON text; syntax errors become "file: line L column C: ...".
nlohmann::json parse_json_text(const std::string& text, const std::string& file);
// Scenario files and reports are small; anything near this is a mistake
// (a device, a log), and reading it whole would exhaust memory first.
inline constexpr std::size_t kMaxInputBytes = 16u << 20;

// A regular file's contents, at most max_bytes. Everything else is refused
// at once with one InputError naming the file: directories, FIFOs (whose open
// would wait for a writer), devices such as /dev/zero, larger files, and
// unreadable ones ("file: cannot read: reason").
std::string read_input_file(const std::string& file, std::size_t max_bytes = kMaxInputBytes);
// Reads (as read_input_file) and parses a file.
nlohmann::json read_json_file(const std::string& file);

}  // namespace retx::lab
