// What the exporter answers to a request line: pure, unit tested. Paths are
// matched exactly as sent (after percent-decoding, before dot-segment
// removal), so /METRICS and /healthz/../metrics are 404, not aliases.
#pragma once

#include <string>
#include <string_view>

namespace retx {

enum class Page { Landing, Health, Metrics, NotFound, MethodNotAllowed };

struct Route {
  Page page = Page::NotFound;
  bool head = false;  // HEAD: the same headers as GET, no body
};

// Only GET and HEAD are served; any other method on a known path is 405.
Route route_request(std::string_view method, std::string_view path, std::string_view telemetry_path);

// The page at /, like node_exporter's: where the metrics and health are.
std::string landing_page(const std::string& telemetry_path, const std::string& version);

}  // namespace retx
