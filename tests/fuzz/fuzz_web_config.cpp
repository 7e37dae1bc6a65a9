// libFuzzer target: the web config parser (exporter-toolkit's YAML format) and
// the basic auth header, the two parsers an exporter's HTTP surface feeds with
// outside input. A WebConfigError is the expected answer to a bad file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "basic_auth.h"
#include "web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    retx::parse_web_config(text, "/etc/retx/web.yml");
  } catch (const retx::WebConfigError&) {
  }
  (void)retx::parse_basic_authorization(std::string_view(text));
  return 0;
}
