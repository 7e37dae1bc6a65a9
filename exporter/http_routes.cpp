#include "http_routes.h"

namespace retx {

Route route_request(std::string_view method, std::string_view path, std::string_view telemetry_path) {
  Route r;
  if (path == "/") r.page = Page::Landing;
  else if (path == "/healthz") r.page = Page::Health;
  else if (path == telemetry_path) r.page = Page::Metrics;
  else return r;
  r.head = method == "HEAD";
  if (method != "GET" && !r.head) r.page = Page::MethodNotAllowed;
  return r;
}

std::string landing_page(const std::string& telemetry_path, const std::string& version) {
  // telemetry_path is checked by the flag parser: letters, digits and - _ . ~ /
  // only, so it needs no HTML escaping.
  return "<!DOCTYPE html>\n<html>\n<head><title>retx-exporter</title></head>\n<body>\n"
         "<h1>retx-exporter</h1>\n"
         "<p>Exact TCP retransmission counts per network namespace, version " + version + ".</p>\n"
         "<ul>\n<li><a href=\"" + telemetry_path + "\">Metrics</a></li>\n"
         "<li><a href=\"/healthz\">Health</a></li>\n</ul>\n</body>\n</html>\n";
}

}  // namespace retx
