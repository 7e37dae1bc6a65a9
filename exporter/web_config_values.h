// The names the web config file may use, one table per setting, in
// exporter-toolkit's spelling (Go's crypto/tls names) with what OpenSSL calls
// the same thing.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "web_config.h"

namespace retx {

template <typename T>
using NameTable = std::vector<std::pair<std::string, T>>;

const NameTable<ClientAuth>& client_auth_names();
const NameTable<TlsVersion>& tls_version_names();
// Go's secure TLS 1.2 suites (tls.CipherSuites()) -> OpenSSL cipher names.
const NameTable<std::string>& cipher_suite_names();
// Go's CurveID names -> OpenSSL group names.
const NameTable<std::string>& curve_names();

// http_server_config.headers: the five exporter-toolkit allows.
const std::vector<std::string>& allowed_header_names();
// Why `value` cannot be sent as header `name` (CR/LF, or a value the header
// does not take), or nothing when it can.
std::optional<std::string> header_value_problem(const std::string& name, const std::string& value);

// "$2a$", "$2b$" or "$2y$", a two-digit cost 04-31, "$", 53 characters of
// bcrypt's base64: what crypt() can check.
bool is_bcrypt_hash(const std::string& h);

}  // namespace retx
