// One error type for every kind of bad input (scenario files, reports given to
// --compare, command-line flags), so the CLI can print one line and exit 2.
#pragma once

#include <stdexcept>
#include <string>

namespace retx::lab {

class InputError : public std::runtime_error {
 public:
  // Renders "file: $.path: expected ..." (the path is omitted when empty).
  InputError(const std::string& file, const std::string& json_path, const std::string& what)
      : std::runtime_error(render(file, json_path, what)) {}
  explicit InputError(const std::string& line) : std::runtime_error(line) {}

 private:
  static std::string render(const std::string& file, const std::string& path, const std::string& what) {
    std::string s = file;
    if (!path.empty()) s += ": " + path;
    return s + ": " + what;
  }
};

}  // namespace retx::lab
