// HTTP basic auth against web config's basic_auth_users (bcrypt hashes), as
// exporter-toolkit does it: libcrypt's crypt() checks the password, a
// successful or failed check is cached (bcrypt at cost 10 takes ~70 ms, too
// long for every scrape), and an unknown user costs one bcrypt too, so the
// response time does not tell which users exist.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace retx {

// "Basic <base64 of user:password>" -> (user, password); nothing when the
// header is not exactly that (pure: unit tested and fuzzed).
std::optional<std::pair<std::string, std::string>> parse_basic_authorization(std::string_view header);

class BasicAuthChecker {
 public:
  // True when `authorization` (the header's value, may be null) names a user
  // of `users` with the right password.
  bool allowed(const std::map<std::string, std::string>& users, const char* authorization);

 private:
  bool check(const std::string& hash, const std::string& password);

  std::mutex mu_;
  std::map<std::string, bool> cache_;  // SHA-256 of (hash, password) -> verdict
};

}  // namespace retx
