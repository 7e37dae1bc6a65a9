#include "http_response.h"

#include <civetweb.h>
#include <zlib.h>

#include <cstring>
#include <optional>

namespace retx {
namespace {

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
  }
  return "Error";
}

// A scrape of many series is megabytes of text that compresses ~10x;
// Prometheus always asks for gzip.
std::optional<std::string> gzip(const std::string& in) {
  z_stream zs{};
  // 16 + MAX_WBITS: a gzip header, not a raw zlib stream.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

bool accepts_gzip(mg_connection* conn) {
  const char* ae = mg_get_header(conn, "Accept-Encoding");
  return ae && std::strstr(ae, "gzip") != nullptr;
}

}  // namespace

int send_response(mg_connection* conn, Response r, bool head,
                  const std::vector<std::pair<std::string, std::string>>& config_headers) {
  if (r.body.size() > 1024 && accepts_gzip(conn)) {
    if (auto z = gzip(r.body)) {
      r.body = std::move(*z);
      r.headers.emplace_back("Content-Encoding", "gzip");
    }
  }
  std::string head_text = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) + "\r\n" +
                          "Content-Type: " + r.content_type + "\r\n" +
                          "Content-Length: " + std::to_string(r.body.size()) + "\r\n" + "Connection: close\r\n";
  for (const auto& [k, v] : config_headers) head_text += k + ": " + v + "\r\n";
  for (const auto& [k, v] : r.headers) head_text += k + ": " + v + "\r\n";
  head_text += "\r\n";
  mg_write(conn, head_text.data(), head_text.size());
  if (!head) mg_write(conn, r.body.data(), r.body.size());
  return r.status;
}

}  // namespace retx
