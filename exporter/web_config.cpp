#include "web_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

#include "web_config_values.h"

namespace retx {
namespace {

// A YAML node with the dotted key path that reached it, for error lines.
class Node {
 public:
  Node(YAML::Node n, std::string key, const std::string& file, std::string leaf = "")
      : n_(std::move(n)), key_(std::move(key)), leaf_(std::move(leaf)), file_(file) {}

  [[noreturn]] void fail(const std::string& what) const {
    std::string where = file_;
    if (n_.Mark().line >= 0 && n_.Mark().line < 1 << 30) where += ": line " + std::to_string(n_.Mark().line + 1);
    throw WebConfigError(where + ": " + (key_.empty() ? "" : key_ + ": ") + what);
  }
  const std::string& key() const { return key_; }
  bool is_null() const { return n_.IsNull(); }

  // Every key must be one of `allowed`, and appear once (yaml-cpp keeps the
  // last of a repeated key, which would hide the first silently).
  std::vector<Node> members(const std::vector<std::string>& allowed) const {
    if (is_null()) return {};
    if (!n_.IsMap()) fail("expected a mapping");
    std::vector<Node> out;
    std::set<std::string> seen;
    for (const auto& kv : n_) {
      Node k(kv.first, key_, file_);
      if (!kv.first.IsScalar()) k.fail("keys must be strings");
      std::string name = kv.first.Scalar();
      Node child(kv.second, key_.empty() ? name : key_ + "." + name, file_, name);
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        child.fail("unknown key");
      }
      if (!seen.insert(name).second) child.fail("given more than once");
      out.push_back(child);
    }
    return out;
  }
  // This member's own key: user names may hold dots, so not the path's last part.
  const std::string& leaf() const { return leaf_; }

  std::string scalar() const {
    if (!n_.IsScalar()) fail("expected a string");
    return n_.Scalar();
  }
  bool boolean() const {
    std::string s = scalar();
    if (s == "true") return true;
    if (s == "false") return false;
    fail("expected true or false, got '" + s + "'");
  }
  std::vector<std::string> strings() const {
    if (is_null()) return {};
    if (!n_.IsSequence()) fail("expected a list of strings");
    std::vector<std::string> out;
    for (const auto& item : n_) out.push_back(Node(item, key_, file_).scalar());
    return out;
  }

 private:
  YAML::Node n_;
  std::string key_;
  std::string leaf_;
  const std::string& file_;
};

// The value of `m` (or `value`, for list items) looked up in a name table.
template <typename T>
T pick(const Node& m, const NameTable<T>& table, std::optional<std::string> value = std::nullopt) {
  std::string v = value ? *value : m.scalar();
  for (const auto& [name, t] : table) {
    if (name == v) return t;
  }
  std::string names;
  for (const auto& entry : table) names += (names.empty() ? "" : ", ") + entry.first;
  m.fail("expected one of " + names + "; got '" + v + "'");
}

// exporter-toolkit resolves relative paths against the config file's directory.
std::string resolve(const std::string& file, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  auto slash = file.rfind('/');
  return slash == std::string::npos ? path : file.substr(0, slash + 1) + path;
}

void parse_tls_member(const Node& m, const std::string& file, TlsServerConfig& t) {
  const std::string k = m.leaf();
  if (k == "cert_file") t.cert_file = resolve(file, m.scalar());
  else if (k == "key_file") t.key_file = resolve(file, m.scalar());
  else if (k == "client_ca_file") t.client_ca_file = resolve(file, m.scalar());
  else if (k == "cert") t.cert = m.scalar();
  else if (k == "key") t.key = m.scalar();
  else if (k == "client_ca") t.client_ca = m.scalar();
  else if (k == "client_auth_type") t.client_auth = pick(m, client_auth_names());
  else if (k == "client_allowed_sans") t.client_allowed_sans = m.strings();
  else if (k == "min_version") t.min_version = pick(m, tls_version_names());
  else if (k == "max_version") t.max_version = pick(m, tls_version_names());
  else if (k == "prefer_server_cipher_suites") t.prefer_server_cipher_suites = m.boolean();
  else if (k == "cipher_suites") {
    for (const auto& s : m.strings()) t.cipher_suites.push_back(pick(m, cipher_suite_names(), s));
  } else if (k == "curve_preferences") {
    for (const auto& s : m.strings()) t.curve_preferences.push_back(pick(m, curve_names(), s));
  }
}

// The combinations exporter-toolkit refuses, plus the ones it would accept
// but that cannot work (a verifying policy with no CA to verify against).
void check_tls(const Node& n, const TlsServerConfig& t) {
  if (!t.cert_file.empty() && !t.cert.empty()) n.fail("cert and cert_file are mutually exclusive");
  if (!t.key_file.empty() && !t.key.empty()) n.fail("key and key_file are mutually exclusive");
  if (!t.client_ca_file.empty() && !t.client_ca.empty()) n.fail("client_ca and client_ca_file are mutually exclusive");
  if (t.cert_file.empty() && t.cert.empty()) n.fail("missing cert_file (or cert)");
  if (t.key_file.empty() && t.key.empty()) n.fail("missing key_file (or key)");
  bool has_ca = !t.client_ca_file.empty() || !t.client_ca.empty();
  bool verifies = t.client_auth == ClientAuth::VerifyClientCertIfGiven || t.client_auth == ClientAuth::RequireAndVerifyClientCert;
  if (has_ca && t.client_auth == ClientAuth::NoClientCert) {
    n.fail("client_ca_file is set but client_auth_type is NoClientCert (use RequireAndVerifyClientCert)");
  }
  if (verifies && !has_ca) n.fail(std::string("client_auth_type ") + client_auth_name(t.client_auth) + " needs client_ca_file");
  bool requires_cert = t.client_auth == ClientAuth::RequireAnyClientCert || t.client_auth == ClientAuth::RequireAndVerifyClientCert;
  if (!t.client_allowed_sans.empty() && !requires_cert) {
    n.fail("client_allowed_sans needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert");
  }
  if (t.min_version > t.max_version) n.fail("min_version is above max_version");
}

std::optional<TlsServerConfig> parse_tls(const Node& n, const std::string& file) {
  static const std::vector<std::string> keys = {
      "cert_file", "key_file", "client_ca_file", "cert", "key", "client_ca", "client_auth_type", "client_allowed_sans",
      "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences"};
  auto members = n.members(keys);
  if (members.empty()) return std::nullopt;  // an empty section leaves TLS off, as in exporter-toolkit
  TlsServerConfig t;
  for (const auto& m : members) parse_tls_member(m, file, t);
  check_tls(n, t);
  return t;
}

void parse_http_server(const Node& n, WebConfig& c) {
  for (const auto& m : n.members({"http2", "headers"})) {
    // HTTP/2 is accepted for compatibility; the server speaks HTTP/1.1, which
    // every Prometheus negotiates.
    if (m.leaf() == "http2") (void)m.boolean();
    if (m.leaf() != "headers") continue;
    for (const auto& h : m.members(allowed_header_names())) {
      std::string value = h.scalar();
      if (auto why = header_value_problem(h.leaf(), value)) h.fail(*why);
      c.headers.emplace_back(h.leaf(), value);
    }
  }
}

void parse_users(const Node& n, WebConfig& c) {
  for (const auto& u : n.members({})) {
    std::string name = u.leaf();
    auto bad = [&](const std::string& w) { u.fail("user '" + name + "': " + w); };
    if (name.empty() || name.find(':') != std::string::npos) bad("a basic auth user name is non-empty, without ':'");
    std::string hash = u.scalar();
    if (!is_bcrypt_hash(hash)) bad("expected a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from htpasswd -nBC 10)");
    c.users[name] = hash;
  }
}

// Counts documents without building them (at most kMaxDocuments).
struct DocumentCounter : YAML::EventHandler {
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Debian 12's yaml-cpp 0.7 never finishes YAML::LoadAll on some invalid
// inputs (found by tests/fuzz: "!," and "," yield empty documents forever,
// each one allocated; fixed upstream in 0.8). So documents are counted with a
// bound first, and only the first one is built.
YAML::Node load_one_document(const std::string& text, const std::string& file) {
  constexpr int kMaxDocuments = 16;
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentCounter counter;
  int docs = 0;
  while (docs < kMaxDocuments && parser.HandleNextDocument(counter)) ++docs;
  if (docs == kMaxDocuments) {
    throw WebConfigError(file + ": invalid YAML: no end found after " + std::to_string(kMaxDocuments) + " documents");
  }
  if (docs > 1) throw WebConfigError(file + ": expected one YAML document, found " + std::to_string(docs));
  return docs == 0 ? YAML::Node() : YAML::Load(text);
}

}  // namespace

WebConfig parse_web_config(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = load_one_document(text, file);
  } catch (const YAML::Exception& e) {
    std::string line = e.mark.line >= 0 ? ": line " + std::to_string(e.mark.line + 1) : "";
    throw WebConfigError(file + line + ": invalid YAML: " + e.msg);
  }
  WebConfig c;
  c.file = file;
  for (const auto& m : Node(root, "", file).members({"tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"})) {
    if (m.key() == "tls_server_config") c.tls = parse_tls(m, file);
    if (m.key() == "http_server_config") parse_http_server(m, c);
    if (m.key() == "basic_auth_users") parse_users(m, c);
    if (m.key() == "rate_limit") m.fail("not supported by retx-exporter (its worker pool bounds every client instead)");
  }
  return c;
}

}  // namespace retx

namespace retx {

std::string read_config_file(const std::string& path, const std::string& what) {
  // O_NONBLOCK: a FIFO must be refused, not block the exporter's start.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw WebConfigError(what + ": cannot read " + path + ": " + std::strerror(errno));
  struct stat st {};
  std::string text;
  std::string problem;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    problem = "not a regular file";
  } else if (static_cast<std::size_t>(st.st_size) > kMaxWebConfigBytes) {
    problem = "larger than " + std::to_string(kMaxWebConfigBytes) + " bytes";
  } else {
    text.resize(static_cast<std::size_t>(st.st_size));
    ssize_t n = read(fd, text.data(), text.size());
    if (n < 0) problem = std::strerror(errno);
    text.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  }
  close(fd);
  if (!problem.empty()) throw WebConfigError(what + ": cannot read " + path + ": " + problem);
  return text;
}

WebConfig load_web_config(const std::string& file) {
  return parse_web_config(read_config_file(file, "--web.config.file " + file), file);
}

}  // namespace retx
