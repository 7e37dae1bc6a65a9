// libFuzzer target: the lab's Prometheus text-format parser, which reads what
// an exporter serves. std::runtime_error("line N: ...") is the expected answer
// to malformed text.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "prom_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto scrape = retx::lab::parse_prom_text(std::string_view(reinterpret_cast<const char*>(data), size));
    (void)scrape.sum("tcp_retransmissions_total", {{"netns", "1"}});
  } catch (const std::runtime_error&) {
  }
  return 0;
}
