#include "tls_pem.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <memory>
#include <vector>

namespace retx {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

// Where one PEM item comes from: the text and how to name it in errors.
struct Pem {
  std::string text;
  std::string where;  // "FILE: tls_server_config.cert_file (PATH)"
};

Pem pem_of(const std::string& config_file, const std::string& key, const std::string& path, const std::string& inline_text) {
  std::string where = config_file + ": tls_server_config." + key;
  if (path.empty()) return {inline_text, config_file + ": tls_server_config." + key.substr(0, key.size() - 5)};
  where += " (" + path + ")";
  return {read_config_file(path, where), where};
}

std::vector<X509Ptr> read_certificates(const Pem& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.text.data(), static_cast<int>(pem.text.size())));
  std::vector<X509Ptr> out;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
  // Reading stops with "no start line" at the end of the text: not an error.
  ERR_clear_error();
  if (out.empty()) throw WebConfigError(pem.where + ": no PEM certificate in it");
  return out;
}

// No passphrase prompt: OpenSSL's default would read the terminal.
int no_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

std::string openssl_error() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "unknown error" : out;
}

void load_certificate_and_key(SSL_CTX* ctx, const TlsServerConfig& cfg, const std::string& config_file) {
  Pem cert = pem_of(config_file, "cert_file", cfg.cert_file, cfg.cert);
  Pem key = pem_of(config_file, "key_file", cfg.key_file, cfg.key);
  auto chain = read_certificates(cert);
  if (SSL_CTX_use_certificate(ctx, chain[0].get()) != 1) {
    throw WebConfigError(cert.where + ": unusable certificate: " + openssl_error());
  }
  for (size_t i = 1; i < chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx, chain[i].get()) != 1) {
      throw WebConfigError(cert.where + ": unusable chain certificate: " + openssl_error());
    }
  }
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(key.text.data(), static_cast<int>(key.text.size())));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
  if (!pkey) {
    ERR_clear_error();
    throw WebConfigError(key.where + ": no unencrypted PEM private key in it");
  }
  int used = SSL_CTX_use_PrivateKey(ctx, pkey);
  EVP_PKEY_free(pkey);
  if (used != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    throw WebConfigError(key.where + ": the private key does not match the certificate");
  }
}

void load_client_cas(SSL_CTX* ctx, const TlsServerConfig& cfg, const std::string& config_file) {
  Pem ca = pem_of(config_file, "client_ca_file", cfg.client_ca_file, cfg.client_ca);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
  for (auto& cert : read_certificates(ca)) {
    if (X509_STORE_add_cert(store, cert.get()) != 1) ERR_clear_error();  // a duplicate is harmless
    sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(cert.get())));
  }
  SSL_CTX_set_client_CA_list(ctx, names);
}

}  // namespace retx
