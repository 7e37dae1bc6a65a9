// The web config in force: users and headers for every request, the TLS
// context for every handshake. Loaded before anything else at startup (a bad
// file stops the exporter with exit code 8) and again on SIGHUP (a bad file is
// reported and the previous configuration keeps serving).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "tls_context.h"
#include "web_config.h"

namespace retx {

class WebState {
 public:
  // Empty file: plain HTTP, no auth. Throws WebConfigError.
  explicit WebState(const std::string& file);

  bool tls() const { return tls_ != nullptr; }
  TlsContext* tls_context() const { return tls_.get(); }
  std::shared_ptr<const WebConfig> current() const;

  // Re-reads the file. TLS cannot be switched on or off while the listener is
  // open, so such a change is refused like any other error. Throws
  // WebConfigError; the previous configuration stays in force.
  void reload();

 private:
  std::string file_;
  std::unique_ptr<TlsContext> tls_;
  mutable std::mutex mu_;
  std::shared_ptr<const WebConfig> current_;
};

}  // namespace retx
