// The server side of TLS, built with OpenSSL from web config's
// tls_server_config and handed to civetweb as an external SSL_CTX.
//
// civetweb keeps the SSL_CTX it was given for its whole life, so reloading
// (SIGHUP) cannot replace it. Instead civetweb gets a bare `front` context
// whose ClientHello callback moves each new connection to the current
// settings' context (certificate, key, client CA store) and applies the
// per-connection settings (client auth policy, versions, ciphers, groups).
// A reload builds a complete new context first, so a broken file leaves the
// old one serving. Session resumption is off: every connection is verified
// against the settings of the moment.
#pragma once

#include <memory>
#include <mutex>

#include "web_config.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace retx {

class TlsContext {
 public:
  // Reads the certificate, key and client CAs; throws WebConfigError naming
  // the file and key of the first problem.
  explicit TlsContext(const TlsServerConfig& cfg, const std::string& config_file);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* front() const { return front_; }

  // Builds the new settings' context; on success new connections use it.
  // Throws WebConfigError and keeps the current one otherwise.
  void replace(const TlsServerConfig& cfg, const std::string& config_file);

  struct Settings;  // one built configuration (tls_context.cpp)

 private:
  static int on_client_hello(SSL* ssl, int* alert, void* self);

  SSL_CTX* front_ = nullptr;
  std::mutex mu_;
  std::shared_ptr<const Settings> current_;
};

}  // namespace retx
