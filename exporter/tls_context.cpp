#include "tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tls_pem.h"

namespace retx {

struct TlsContext::Settings {
  SSL_CTX* ctx = nullptr;  // certificate, key, client CA store and names
  int verify_mode = SSL_VERIFY_NONE;
  bool verify_chain = false;  // RequestClientCert and RequireAnyClientCert accept any certificate
  int min_version = TLS1_2_VERSION;
  int max_version = TLS1_3_VERSION;
  std::string ciphers;  // OpenSSL list, empty = OpenSSL's defaults
  std::string groups;
  bool prefer_server_ciphers = true;
  std::vector<std::string> allowed_sans;
  ~Settings() { SSL_CTX_free(ctx); }
};

namespace {

int openssl_version(TlsVersion v) {
  switch (v) {
    case TlsVersion::Tls10: return TLS1_VERSION;
    case TlsVersion::Tls11: return TLS1_1_VERSION;
    case TlsVersion::Tls12: return TLS1_2_VERSION;
    case TlsVersion::Tls13: return TLS1_3_VERSION;
  }
  return TLS1_2_VERSION;
}

int verify_mode(ClientAuth a) {
  switch (a) {
    case ClientAuth::NoClientCert: return SSL_VERIFY_NONE;
    case ClientAuth::RequestClientCert:
    case ClientAuth::VerifyClientCertIfGiven: return SSL_VERIFY_PEER;
    case ClientAuth::RequireAnyClientCert:
    case ClientAuth::RequireAndVerifyClientCert: return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  return SSL_VERIFY_NONE;
}

// The settings a connection verifies against live in its SSL's ex_data (a
// shared_ptr, freed with the SSL), so a reload mid-handshake frees nothing in use.
int settings_index() {
  static const int idx = SSL_get_ex_new_index(
      0, nullptr, nullptr, nullptr, [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
        delete static_cast<std::shared_ptr<const TlsContext::Settings>*>(ptr);
      });
  return idx;
}

std::vector<std::string> subject_alt_names(X509* cert) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_DNS || n->type == GEN_EMAIL || n->type == GEN_URI) {
      const ASN1_IA5STRING* s = n->d.ia5;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
    } else if (n->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = n->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      int family = ASN1_STRING_length(ip) == 4 ? AF_INET : ASN1_STRING_length(ip) == 16 ? AF_INET6 : 0;
      if (family && inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text)) out.emplace_back(text);
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

// OpenSSL's verdict on the chain, relaxed for the policies that accept any
// certificate, and the leaf's SANs checked against client_allowed_sans.
int verify_client(int preverify_ok, X509_STORE_CTX* store) {
  SSL* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* held = static_cast<std::shared_ptr<const TlsContext::Settings>*>(SSL_get_ex_data(ssl, settings_index()));
  if (!held) return 0;
  const auto& s = **held;
  bool ok = preverify_ok || !s.verify_chain;
  if (ok && X509_STORE_CTX_get_error_depth(store) == 0 && !s.allowed_sans.empty()) {
    auto sans = subject_alt_names(X509_STORE_CTX_get_current_cert(store));
    ok = std::any_of(sans.begin(), sans.end(), [&](const std::string& san) {
      return std::find(s.allowed_sans.begin(), s.allowed_sans.end(), san) != s.allowed_sans.end();
    });
    if (!ok) X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  }
  return ok ? 1 : 0;
}

std::shared_ptr<const TlsContext::Settings> build(const TlsServerConfig& cfg, const std::string& file) {
  auto s = std::make_shared<TlsContext::Settings>();
  s->ctx = SSL_CTX_new(TLS_server_method());
  if (!s->ctx) throw WebConfigError(file + ": tls_server_config: OpenSSL: " + openssl_error());
  load_certificate_and_key(s->ctx, cfg, file);
  if (!cfg.client_ca_file.empty() || !cfg.client_ca.empty()) load_client_cas(s->ctx, cfg, file);
  SSL_CTX_set_session_id_context(s->ctx, reinterpret_cast<const unsigned char*>("retx"), 4);
  s->verify_mode = verify_mode(cfg.client_auth);
  s->verify_chain = cfg.client_auth == ClientAuth::VerifyClientCertIfGiven ||
                    cfg.client_auth == ClientAuth::RequireAndVerifyClientCert;
  s->min_version = openssl_version(cfg.min_version);
  s->max_version = openssl_version(cfg.max_version);
  for (const auto& c : cfg.cipher_suites) s->ciphers += (s->ciphers.empty() ? "" : ":") + c;
  for (const auto& g : cfg.curve_preferences) s->groups += (s->groups.empty() ? "" : ":") + g;
  s->prefer_server_ciphers = cfg.prefer_server_cipher_suites;
  s->allowed_sans = cfg.client_allowed_sans;
  // Check the lists against this OpenSSL now, not at the first handshake.
  if (!s->ciphers.empty() && SSL_CTX_set_cipher_list(s->ctx, s->ciphers.c_str()) != 1) {
    throw WebConfigError(file + ": tls_server_config.cipher_suites: OpenSSL supports none of them");
  }
  if (!s->groups.empty() && SSL_CTX_set1_groups_list(s->ctx, s->groups.c_str()) != 1) {
    throw WebConfigError(file + ": tls_server_config.curve_preferences: OpenSSL refuses '" + s->groups + "'");
  }
  return s;
}

}  // namespace

TlsContext::TlsContext(const TlsServerConfig& cfg, const std::string& config_file) {
  current_ = build(cfg, config_file);
  front_ = SSL_CTX_new(TLS_server_method());
  if (!front_) throw WebConfigError(config_file + ": tls_server_config: OpenSSL: " + openssl_error());
  SSL_CTX_set_session_cache_mode(front_, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(front_, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(front_, 0);
  SSL_CTX_set_client_hello_cb(front_, &TlsContext::on_client_hello, this);
}

TlsContext::~TlsContext() { SSL_CTX_free(front_); }

void TlsContext::replace(const TlsServerConfig& cfg, const std::string& config_file) {
  auto next = build(cfg, config_file);
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(next);
}

int TlsContext::on_client_hello(SSL* ssl, int* alert, void* self) {
  auto* tls = static_cast<TlsContext*>(self);
  std::shared_ptr<const Settings> s;
  {
    std::lock_guard<std::mutex> lock(tls->mu_);
    s = tls->current_;
  }
  // ClientHello runs before the version is chosen and the certificate is
  // sent, so everything below applies to this handshake.
  if (!SSL_set_SSL_CTX(ssl, s->ctx) || !SSL_set_min_proto_version(ssl, s->min_version) ||
      !SSL_set_max_proto_version(ssl, s->max_version) ||
      (!s->ciphers.empty() && !SSL_set_cipher_list(ssl, s->ciphers.c_str())) ||
      (!s->groups.empty() && !SSL_set1_groups_list(ssl, s->groups.c_str()))) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  if (s->prefer_server_ciphers) {
    SSL_set_options(ssl, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  } else {
    SSL_set_options(ssl, SSL_OP_NO_TICKET);
    SSL_clear_options(ssl, SSL_OP_CIPHER_SERVER_PREFERENCE);
  }
  // A HelloRetryRequest brings a second ClientHello: replace, don't leak.
  delete static_cast<std::shared_ptr<const Settings>*>(SSL_get_ex_data(ssl, settings_index()));
  SSL_set_ex_data(ssl, settings_index(), new std::shared_ptr<const Settings>(s));
  SSL_set_verify(ssl, s->verify_mode, s->verify_mode == SSL_VERIFY_NONE ? nullptr : verify_client);
  return SSL_CLIENT_HELLO_SUCCESS;
}

}  // namespace retx
