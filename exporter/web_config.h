// --web.config.file: TLS and basic auth in the Prometheus exporter-toolkit's
// YAML format (docs/web-configuration.md there), so one file serves
// node_exporter and retx-exporter alike. Parsing is pure and strict: an
// unknown or repeated key, a wrong type, or a key retx-exporter does not
// implement is an error naming the file, the line and the key; nothing is
// silently ignored. Certificates and keys are read later, by tls_context.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace retx {

struct WebConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Go's crypto/tls ClientAuthType names, same meaning.
enum class ClientAuth { NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert };
enum class TlsVersion { Tls10, Tls11, Tls12, Tls13 };

struct TlsServerConfig {
  // Paths are resolved against the config file's directory, as exporter-toolkit does.
  std::string cert_file, key_file, client_ca_file;
  std::string cert, key, client_ca;  // inline PEM, the alternative to each *_file
  ClientAuth client_auth = ClientAuth::NoClientCert;
  std::vector<std::string> client_allowed_sans;  // exact DNS, IP, e-mail or URI SAN matches
  TlsVersion min_version = TlsVersion::Tls12;
  TlsVersion max_version = TlsVersion::Tls13;
  std::vector<std::string> cipher_suites;  // OpenSSL names, mapped from Go's (TLS <= 1.2)
  bool prefer_server_cipher_suites = true;
  std::vector<std::string> curve_preferences;  // OpenSSL group names, mapped from Go's
};

struct WebConfig {
  std::string file;
  std::optional<TlsServerConfig> tls;  // absent or empty section: plain HTTP
  std::vector<std::pair<std::string, std::string>> headers;  // http_server_config.headers
  std::map<std::string, std::string> users;  // basic_auth_users: name -> bcrypt hash
};

// The largest web config file read: it holds a few paths and hashes.
constexpr std::size_t kMaxWebConfigBytes = 1 << 20;

// Throws WebConfigError("FILE: line N: KEY: what is wrong").
WebConfig parse_web_config(const std::string& text, const std::string& file);

// Reads a regular file of at most kMaxWebConfigBytes, then parses it.
WebConfig load_web_config(const std::string& file);

// The config file and the PEM files it names are read the same way: a regular
// file (a FIFO would block), at most kMaxWebConfigBytes. Throws
// WebConfigError("WHAT: cannot read PATH: why").
std::string read_config_file(const std::string& path, const std::string& what);

const char* client_auth_name(ClientAuth a);

}  // namespace retx
