#include "web_config_values.h"

#include <algorithm>
#include <cctype>

namespace retx {

const NameTable<ClientAuth>& client_auth_names() {
  static const NameTable<ClientAuth> t = {
      {"NoClientCert", ClientAuth::NoClientCert},
      {"RequestClientCert", ClientAuth::RequestClientCert},
      {"RequireAnyClientCert", ClientAuth::RequireAnyClientCert},
      {"VerifyClientCertIfGiven", ClientAuth::VerifyClientCertIfGiven},
      {"RequireAndVerifyClientCert", ClientAuth::RequireAndVerifyClientCert},
  };
  return t;
}

const char* client_auth_name(ClientAuth a) {
  for (const auto& [name, v] : client_auth_names()) {
    if (v == a) return name.c_str();
  }
  return "?";
}

const NameTable<TlsVersion>& tls_version_names() {
  static const NameTable<TlsVersion> t = {
      {"TLS10", TlsVersion::Tls10}, {"TLS11", TlsVersion::Tls11}, {"TLS12", TlsVersion::Tls12}, {"TLS13", TlsVersion::Tls13}};
  return t;
}

const NameTable<std::string>& cipher_suite_names() {
  static const NameTable<std::string> t = {
      {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
      {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
      {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
      {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
      {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
      {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
      {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
      {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
  };
  return t;
}

const NameTable<std::string>& curve_names() {
  static const NameTable<std::string> t = {
      {"CurveP256", "P-256"}, {"CurveP384", "P-384"}, {"CurveP521", "P-521"}, {"X25519", "X25519"}};
  return t;
}

const std::vector<std::string>& allowed_header_names() {
  static const std::vector<std::string> names = {"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                                                 "X-XSS-Protection", "Strict-Transport-Security"};
  return names;
}

std::optional<std::string> header_value_problem(const std::string& name, const std::string& value) {
  bool printable = std::all_of(value.begin(), value.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
  });
  if (!printable) return "header values are one line of printable text";
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (name == "X-Frame-Options" && lower != "deny" && lower != "sameorigin") return "expected deny or sameorigin";
  if (name == "X-Content-Type-Options" && lower != "nosniff") return "expected nosniff";
  return std::nullopt;
}

bool is_bcrypt_hash(const std::string& h) {
  static const std::string alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  if (h.size() != 60 || h[0] != '$' || h[1] != '2' || (h[2] != 'a' && h[2] != 'b' && h[2] != 'y') || h[3] != '$' ||
      h[6] != '$' || !std::isdigit(static_cast<unsigned char>(h[4])) || !std::isdigit(static_cast<unsigned char>(h[5]))) {
    return false;
  }
  int cost = (h[4] - '0') * 10 + (h[5] - '0');
  return cost >= 4 && cost <= 31 && h.find_first_not_of(alphabet, 7) == std::string::npos;
}

}  // namespace retx
