// Debian 12's libcivetweb1 (1.15) is built for the OpenSSL 1.1 API and loads
// libssl at run time by the name "libssl.so" (dlopen + dlsym). Bookworm's
// OpenSSL 3 no longer exports SSL_get_peer_certificate (since 3.0 a macro for
// SSL_get1_peer_certificate), which civetweb calls after every TLS handshake:
// a NULL function pointer, so the first HTTPS request killed the process
// (SIGSEGV, measured here). The exporter binary therefore answers to the
// name "libssl.so" itself (its DT_SONAME, exporter/CMakeLists.txt): civetweb's
// dlopen finds it already loaded, and its dlsym searches the exporter, whose
// dependencies include the real libssl.so.3, and this definition.
#include <openssl/ssl.h>

#undef SSL_get_peer_certificate

extern "C" X509* SSL_get_peer_certificate(const SSL* s) { return SSL_get1_peer_certificate(s); }
