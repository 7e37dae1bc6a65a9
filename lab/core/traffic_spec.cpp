#include "traffic_spec.h"

#include <algorithm>
#include <regex>

#include "json_reader.h"

namespace retx::lab {

namespace {

void parse_mode_keys(const JsonReader& r, TrafficGroup& t) {
  auto only_for = [&](const char* key, TrafficMode m) {
    if (r.has(key) && t.mode != m) r.at(key).fail("only allowed with \"mode\": \"" + std::string(to_string(m)) + "\"");
  };
  only_for("bytes", TrafficMode::Bulk);
  only_for("duration_s", TrafficMode::Bulk);
  only_for("request_bytes", TrafficMode::RequestResponse);
  only_for("response_bytes", TrafficMode::RequestResponse);
  only_for("transactions", TrafficMode::RequestResponse);
  only_for("connections", TrafficMode::Storm);
  // Request and response sizes apply to storm connections too (one exchange each).
  t.request_bytes = 64;
  t.response_bytes = 64;
  if (t.mode == TrafficMode::Bulk) {
    if (r.has("bytes") == r.has("duration_s"))
      r.fail("expected exactly one of \"bytes\" or \"duration_s\" for bulk traffic");
    t.bytes = static_cast<std::uint64_t>(r.integer_or("bytes", 1, INT64_MAX, 0));
    t.duration_s = r.number_or("duration_s", 0.01, 3600, 0);
  } else if (t.mode == TrafficMode::RequestResponse) {
    t.request_bytes = static_cast<std::uint32_t>(r.integer_or("request_bytes", 1, 1 << 30, 64));
    t.response_bytes = static_cast<std::uint32_t>(r.integer_or("response_bytes", 1, 1 << 30, 64));
    t.transactions = static_cast<std::uint32_t>(r.at("transactions").as_integer(1, 100'000'000));
  } else {
    t.connections = static_cast<std::uint32_t>(r.at("connections").as_integer(1, 10'000'000));
  }
}

}  // namespace

std::uint64_t total_retrans(const TrafficResult& r, SocketRole role) {
  std::uint64_t sum = 0;
  for (const auto& s : r.sockets)
    if (s.role == role) sum += s.tcpi_total_retrans;
  return sum;
}

std::string_view to_string(TrafficMode m) {
  return m == TrafficMode::Bulk ? "bulk" : m == TrafficMode::RequestResponse ? "rr" : "storm";
}
std::string_view to_string(Transfer t) { return t == Transfer::Upload ? "upload" : "download"; }
std::string_view family_name(int family) { return family == AF_INET6 ? "ipv6" : "ipv4"; }

TrafficGroup parse_traffic(const JsonReader& r, int topology_clients) {
  r.expect_object({"clients", "mode", "direction", "family", "flows", "bytes", "duration_s", "request_bytes",
                   "response_bytes", "transactions", "connections", "pacing_mbit", "connect_timeout_s", "timeout_s", "hold_open", "cgroup"});
  TrafficGroup t;
  const auto mode = r.at("mode").as_enum({"bulk", "rr", "storm"});
  t.mode = mode == "bulk" ? TrafficMode::Bulk : mode == "rr" ? TrafficMode::RequestResponse : TrafficMode::Storm;
  t.transfer = r.enum_or("direction", {"upload", "download"}, "upload") == "download" ? Transfer::Download
                                                                                      : Transfer::Upload;
  t.family = r.enum_or("family", {"ipv4", "ipv6"}, "ipv4") == "ipv6" ? AF_INET6 : AF_INET;
  t.flows = static_cast<int>(r.integer_or("flows", 1, 1024, 1));
  if (auto c = r.find("clients")) {
    for (const auto& x : c->items(1)) {
      int idx = static_cast<int>(x.as_integer(1, topology_clients));
      if (std::find(t.clients.begin(), t.clients.end(), idx) != t.clients.end()) x.fail("duplicate client index");
      t.clients.push_back(idx);
    }
  }
  t.pacing_mbit = r.number_or("pacing_mbit", 0, 1'000'000, 0);
  t.connect_timeout_s = r.number_or("connect_timeout_s", 0.1, 600, 5);
  t.max_seconds = r.number_or("timeout_s", 0.1, 3600, 30);
  t.io_timeout_s = std::min(15.0, t.max_seconds);
  parse_mode_keys(r, t);
  t.hold_open = r.bool_or("hold_open", false);
  if (auto c = r.find("cgroup")) {
    t.cgroup = c->as_string();
    // It becomes part of a directory name under the cgroup2 mount and of the
    // exporter's cgroup label: no slashes, dots or spaces.
    static const std::regex cgroup_re("[a-z0-9][a-z0-9_-]{0,31}");
    if (!std::regex_match(t.cgroup, cgroup_re))
      c->fail("expected 1-32 characters of [a-z0-9_-] starting with a letter or digit, got \"" + t.cgroup + "\"");
  }
  // Only a client that sends last knows when it is done without closing.
  if (t.hold_open && (t.mode == TrafficMode::Storm || (t.mode == TrafficMode::Bulk && t.transfer == Transfer::Download)))
    r.at("hold_open").fail("only with bulk upload or rr traffic (the client must send last)");
  return t;
}

}  // namespace retx::lab
