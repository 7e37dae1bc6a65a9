// PEM material of tls_server_config, from files (read like the config file:
// regular, bounded) or inline, loaded into an OpenSSL context. Each failure
// is one WebConfigError naming the config file, the key and what is wrong.
#pragma once

#include <string>

#include "web_config.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace retx {

// The certificate chain (leaf first) and its private key; checks they match.
// Encrypted keys are refused (there is no one to type a passphrase).
void load_certificate_and_key(SSL_CTX* ctx, const TlsServerConfig& cfg, const std::string& config_file);

// Client CAs: the store client certificates are verified against, and the
// names sent in the CertificateRequest.
void load_client_cas(SSL_CTX* ctx, const TlsServerConfig& cfg, const std::string& config_file);

// OpenSSL's error queue, emptied, as one line.
std::string openssl_error();

}  // namespace retx
