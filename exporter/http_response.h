// Writing one complete HTTP/1.1 response on a civetweb connection: status,
// the configured extra headers, Content-Length always (HEAD included, without
// the body), and gzip when the client accepts it.
#pragma once

#include <string>
#include <utility>
#include <vector>

struct mg_connection;

namespace retx {

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra
};

// Returns the status, as civetweb's begin_request expects of a handled request.
int send_response(mg_connection* conn, Response r, bool head,
                  const std::vector<std::pair<std::string, std::string>>& config_headers);

}  // namespace retx
