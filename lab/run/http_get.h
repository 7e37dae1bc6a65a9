// A minimal HTTP/1.0 GET client for scraping the exporter on loopback. HTTP/1.0
// makes the server close the connection after the body, so no chunked
// decoding or keep-alive handling is needed.
#pragma once

#include <chrono>
#include <string>

namespace retx::lab {

struct HttpUrl {
  std::string host;  // IPv4 literal, "localhost", or an IPv6 literal without brackets
  int port = 80;
  std::string path = "/";
};

// Parses "http://HOST:PORT[/path]"; throws std::invalid_argument naming the problem.
HttpUrl parse_http_url(const std::string& url);

struct HttpResponse {
  int status = 0;
  std::string body;
};

// Throws std::runtime_error("GET http://...: reason") on connection, timeout
// or protocol errors. Non-2xx statuses are returned, not thrown.
HttpResponse http_get(const HttpUrl& url, std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace retx::lab
