#include "web_state.h"

namespace retx {

WebState::WebState(const std::string& file) : file_(file) {
  auto cfg = std::make_shared<WebConfig>();
  if (!file.empty()) *cfg = load_web_config(file);
  if (cfg->tls) tls_ = std::make_unique<TlsContext>(*cfg->tls, file);
  current_ = std::move(cfg);
}

std::shared_ptr<const WebConfig> WebState::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void WebState::reload() {
  if (file_.empty()) throw WebConfigError("no --web.config.file to reload");
  auto cfg = std::make_shared<WebConfig>(load_web_config(file_));
  if (cfg->tls.has_value() != tls()) {
    throw WebConfigError(file_ + ": tls_server_config: TLS cannot be turned " + (tls() ? "off" : "on") +
                         " while running (restart retx-exporter)");
  }
  if (cfg->tls) tls_->replace(*cfg->tls, file_);
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(cfg);
}

}  // namespace retx
