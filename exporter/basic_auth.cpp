#include "basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <strings.h>

#include <array>
#include <cstring>
#include <memory>

namespace retx {
namespace {

// Checked against for unknown users, so that they cost the same as known ones.
// A hash of a random password nobody knows (cost 10, like htpasswd -B).
constexpr const char* kUnknownUserHash = "$2b$10$aAkQpoQ8fkLfyZV85mDJC.XkxGR.wDk.hXHGEGyktQ/p6c.o9snaC";

// The cache holds a bounded number of verdicts; an attacker trying passwords
// only ever refills it.
constexpr std::size_t kMaxCachedVerdicts = 1024;

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 with padding, as RFC 7617 requires.
std::optional<std::string> base64_decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = in[i + j];
      bool last_quad = i + 4 == in.size();
      if (c == '=' && last_quad && j >= 2 && (j == 3 || in[i + 3] == '=')) {
        v[j] = 0;
        ++pad;
      } else if (pad == 0 && (v[j] = base64_value(c)) >= 0) {
      } else {
        return std::nullopt;
      }
    }
    std::uint32_t bits = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>(bits >> 16));
    if (pad < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(bits & 0xff));
  }
  return out;
}

std::string sha256(const std::string& hash, const std::string& password) {
  std::string input = hash + '\0' + password;
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), md.data(), &len, EVP_sha256(), nullptr);
  OPENSSL_cleanse(input.data(), input.size());
  return std::string(reinterpret_cast<const char*>(md.data()), len);
}

}  // namespace

std::optional<std::pair<std::string, std::string>> parse_basic_authorization(std::string_view header) {
  constexpr std::string_view scheme = "Basic ";
  if (header.size() <= scheme.size() || strncasecmp(header.data(), scheme.data(), scheme.size()) != 0) {
    return std::nullopt;
  }
  auto decoded = base64_decode(header.substr(scheme.size()));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

bool BasicAuthChecker::check(const std::string& hash, const std::string& password) {
  std::string key = sha256(hash, password);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  // crypt_r keeps no state between calls; struct crypt_data is ~32 KB, too
  // large for a worker's stack.
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
  bool ok = out && std::strlen(out) == hash.size() && CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCachedVerdicts) cache_.clear();
  cache_[key] = ok;
  return ok;
}

bool BasicAuthChecker::allowed(const std::map<std::string, std::string>& users, const char* authorization) {
  auto creds = authorization ? parse_basic_authorization(authorization) : std::nullopt;
  if (!creds) return false;
  auto it = users.find(creds->first);
  bool known = it != users.end();
  bool ok = check(known ? it->second : kUnknownUserHash, creds->second);
  return known && ok;
}

}  // namespace retx
