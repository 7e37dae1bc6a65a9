// The web config parser (exporter-toolkit's format), the request router and
// the basic auth header: pure parts of the exporter's HTTP surface.
#include <gtest/gtest.h>

#include "basic_auth.h"
#include "http_routes.h"
#include "web_config.h"

using retx::ClientAuth;
using retx::Page;
using retx::parse_web_config;
using retx::TlsVersion;
using retx::WebConfigError;

namespace {

const std::string kHash = "$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG";

std::string error_of(const std::string& yaml) {
  try {
    parse_web_config(yaml, "/etc/retx/web.yml");
  } catch (const WebConfigError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST(ExporterWebConfig, ParsesEveryKeyExporterToolkitDocuments) {
  auto c = parse_web_config(R"(
tls_server_config:
  cert_file: server.crt
  key_file: /abs/server.key
  client_ca_file: ca.crt
  client_auth_type: RequireAndVerifyClientCert
  client_allowed_sans: [prometheus.example, 10.0.0.1]
  min_version: TLS13
  max_version: TLS13
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
  prefer_server_cipher_suites: false
  curve_preferences: [X25519, CurveP256]
http_server_config:
  http2: false
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  prometheus: )" + kHash + "\n  scraper.eu-1: " + kHash + "\n",
                            "/etc/retx/web.yml");
  ASSERT_TRUE(c.tls.has_value());
  EXPECT_EQ(c.tls->cert_file, "/etc/retx/server.crt") << "relative to the config file, as exporter-toolkit";
  EXPECT_EQ(c.tls->key_file, "/abs/server.key");
  EXPECT_EQ(c.tls->client_ca_file, "/etc/retx/ca.crt");
  EXPECT_EQ(c.tls->client_auth, ClientAuth::RequireAndVerifyClientCert);
  EXPECT_EQ(c.tls->client_allowed_sans, (std::vector<std::string>{"prometheus.example", "10.0.0.1"}));
  EXPECT_EQ(c.tls->min_version, TlsVersion::Tls13);
  EXPECT_EQ(c.tls->cipher_suites, (std::vector<std::string>{"ECDHE-RSA-AES128-GCM-SHA256"}));
  EXPECT_FALSE(c.tls->prefer_server_cipher_suites);
  EXPECT_EQ(c.tls->curve_preferences, (std::vector<std::string>{"X25519", "P-256"}));
  EXPECT_EQ(c.headers.size(), 2u);
  EXPECT_EQ(c.users.at("prometheus"), kHash);
  EXPECT_EQ(c.users.count("scraper.eu-1"), 1u) << "user names keep their dots";
}

TEST(ExporterWebConfig, EmptyFileAndEmptyTlsSectionMeanPlainHttp) {
  EXPECT_FALSE(parse_web_config("", "w.yml").tls.has_value());
  EXPECT_FALSE(parse_web_config("tls_server_config:\nbasic_auth_users:\n", "w.yml").tls.has_value());
  EXPECT_FALSE(parse_web_config("tls_server_config: {}\n", "w.yml").tls.has_value());
}

// One line naming the file, the line and the key, for every mistake.
TEST(ExporterWebConfig, EveryMistakeIsOneLineNamingFileLineAndKey) {
  const std::string tls = "tls_server_config:\n  cert_file: c\n  key_file: k\n";
  struct Case {
    std::string yaml, expect;
  } cases[] = {
      {"tls_server_confg:\n  cert_file: c\n", "/etc/retx/web.yml: line 2: tls_server_confg: unknown key"},
      {tls + "  cert_fle: x\n", "/etc/retx/web.yml: line 4: tls_server_config.cert_fle: unknown key"},
      {tls + "  cert_file: again\n", "/etc/retx/web.yml: line 4: tls_server_config.cert_file: given more than once"},
      {"tls_server_config:\n  key_file: k\n", "/etc/retx/web.yml: line 2: tls_server_config: missing cert_file (or cert)"},
      {tls + "  cert: PEM\n", "/etc/retx/web.yml: line 2: tls_server_config: cert and cert_file are mutually exclusive"},
      {tls + "  client_auth_type: RequireAndVerifyClientCert\n",
       "/etc/retx/web.yml: line 2: tls_server_config: client_auth_type RequireAndVerifyClientCert needs client_ca_file"},
      {tls + "  client_ca_file: ca\n",
       "/etc/retx/web.yml: line 2: tls_server_config: client_ca_file is set but client_auth_type is NoClientCert (use "
       "RequireAndVerifyClientCert)"},
      {tls + "  client_auth_type: Always\n",
       "/etc/retx/web.yml: line 4: tls_server_config.client_auth_type: expected one of NoClientCert, RequestClientCert, "
       "RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert; got 'Always'"},
      {tls + "  client_allowed_sans: [a]\n",
       "/etc/retx/web.yml: line 2: tls_server_config: client_allowed_sans needs client_auth_type RequireAnyClientCert or "
       "RequireAndVerifyClientCert"},
      {tls + "  min_version: TLS13\n  max_version: TLS12\n",
       "/etc/retx/web.yml: line 2: tls_server_config: min_version is above max_version"},
      {tls + "  min_version: 1.2\n",
       "/etc/retx/web.yml: line 4: tls_server_config.min_version: expected one of TLS10, TLS11, TLS12, TLS13; got '1.2'"},
      {tls + "  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n",
       "/etc/retx/web.yml: line 4: tls_server_config.cipher_suites: expected one of"},
      {tls + "  prefer_server_cipher_suites: yes\n",
       "/etc/retx/web.yml: line 4: tls_server_config.prefer_server_cipher_suites: expected true or false, got 'yes'"},
      {tls + "  cert_file: [a]\n", "/etc/retx/web.yml: line 4: tls_server_config.cert_file: given more than once"},
      {"tls_server_config:\n  cert_file: [a]\n", "/etc/retx/web.yml: line 2: tls_server_config.cert_file: expected a string"},
      {"basic_auth_users:\n  alice: plain\n",
       "/etc/retx/web.yml: line 2: basic_auth_users.alice: user 'alice': expected a bcrypt hash ($2a$, $2b$ or $2y$, e.g. "
       "from htpasswd -nBC 10)"},
      {"basic_auth_users:\n  'a:b': " + kHash + "\n",
       "/etc/retx/web.yml: line 2: basic_auth_users.a:b: user 'a:b': a basic auth user name is non-empty, without ':'"},
      {"basic_auth_users: [alice]\n", "/etc/retx/web.yml: line 1: basic_auth_users: expected a mapping"},
      {"http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
       "/etc/retx/web.yml: line 3: http_server_config.headers.X-Frame-Options: expected deny or sameorigin"},
      {"http_server_config:\n  headers:\n    Set-Cookie: a\n",
       "/etc/retx/web.yml: line 3: http_server_config.headers.Set-Cookie: unknown key"},
      {"http_server_config:\n  headers:\n    Content-Security-Policy: \"a\\r\\nX-Evil: 1\"\n",
       "/etc/retx/web.yml: line 3: http_server_config.headers.Content-Security-Policy: header values are one line of "
       "printable text"},
      {"rate_limit:\n  interval: 1s\n",
       "/etc/retx/web.yml: line 2: rate_limit: not supported by retx-exporter (its worker pool bounds every client instead)"},
      {"a: [b\n", "/etc/retx/web.yml: line 2: invalid YAML: end of sequence flow not found"},
      {"a: 1\n---\nb: 2\n", "/etc/retx/web.yml: expected one YAML document, found 2"},
      {"- a\n", "/etc/retx/web.yml: line 1: expected a mapping"},
      // Found by tests/fuzz: yaml-cpp 0.7's LoadAll never returned on these.
      {"!,\n", "/etc/retx/web.yml: invalid YAML: no end found after 16 documents"},
      {",", "/etc/retx/web.yml: invalid YAML: no end found after 16 documents"},
  };
  for (const auto& c : cases) {
    std::string got = error_of(c.yaml);
    EXPECT_EQ(got.substr(0, c.expect.size()), c.expect) << c.yaml;
    EXPECT_EQ(got.find('\n'), std::string::npos) << got;
  }
}

TEST(ExporterWebConfig, BcryptHashesAreRecognised) {
  for (const char* prefix : {"$2a$", "$2b$", "$2y$"}) {
    EXPECT_NO_THROW(parse_web_config("basic_auth_users:\n  u: " + (prefix + kHash.substr(4)) + "\n", "w.yml"));
  }
  EXPECT_THROW(parse_web_config("basic_auth_users:\n  u: $2y$03$" + kHash.substr(7) + "\n", "w.yml"), WebConfigError)
      << "cost below 4";
  EXPECT_THROW(parse_web_config("basic_auth_users:\n  u: " + kHash.substr(0, 59) + "\n", "w.yml"), WebConfigError);
}

TEST(ExporterHttpRoutes, ExactPathsAndOnlyGetAndHead) {
  auto route = [](const char* m, const char* p) { return retx::route_request(m, p, "/metrics"); };
  EXPECT_EQ(route("GET", "/metrics").page, Page::Metrics);
  EXPECT_EQ(route("GET", "/").page, Page::Landing);
  EXPECT_EQ(route("GET", "/healthz").page, Page::Health);
  EXPECT_TRUE(route("HEAD", "/healthz").head);
  EXPECT_FALSE(route("GET", "/healthz").head);
  for (const char* p : {"/METRICS", "/healthz/../metrics", "/metrics/", "//metrics", "/healthz/", "", "/metricsx"}) {
    EXPECT_EQ(route("GET", p).page, Page::NotFound) << p;
  }
  for (const char* m : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", "TRACE"}) {
    EXPECT_EQ(route(m, "/metrics").page, Page::MethodNotAllowed) << m;
    EXPECT_EQ(route(m, "/healthz").page, Page::MethodNotAllowed) << m;
  }
  EXPECT_EQ(retx::route_request("GET", "/metrics", "/x").page, Page::NotFound) << "the telemetry path replaces /metrics";
  EXPECT_NE(retx::landing_page("/x", "1.0").find("href=\"/x\""), std::string::npos);
}

TEST(ExporterBasicAuth, ParsesOnlyWellFormedBasicCredentials) {
  auto creds = retx::parse_basic_authorization("Basic dXNlcjpwYXNzOndvcmQ=");  // user:pass:word
  ASSERT_TRUE(creds.has_value());
  EXPECT_EQ(creds->first, "user");
  EXPECT_EQ(creds->second, "pass:word");
  EXPECT_TRUE(retx::parse_basic_authorization("basic dTo=").has_value()) << "the scheme is case-insensitive";
  EXPECT_EQ(retx::parse_basic_authorization("basic dTo=")->second, "");
  for (const char* bad : {"Bearer dXNlcjpw", "Basic", "Basic ", "Basic dXNlcg==", "Basic dXNlcjpwYXNz=", "Basic d=Nl",
                          "Basic ====", "Basic dXNlcjpwYXNz\n", "Basic  dXNlcjpwYXNz"}) {
    EXPECT_FALSE(retx::parse_basic_authorization(bad).has_value()) << bad;
  }
}
