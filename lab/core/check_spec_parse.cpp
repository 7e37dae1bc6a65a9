#include "check_spec_parse.h"

#include <algorithm>
#include <regex>

namespace retx::lab {

const std::vector<std::string>& check_kinds() {
  static const std::vector<std::string> k = {
      "exporter_exact", "syn_causes_exact", "socket_totals", "drop_rate_wilson", "closure_bound",
      "ratio_model",    "baseline",         "counter_delta", "exporter_delta",   "traffic",
      "exporter_health", "peer_budget", "denominator_exact"};
  return k;
}

const std::vector<std::string>& namespace_roles() {
  static const std::vector<std::string> r = {"all",    "client",   "client1", "client2",
                                             "router", "server",   "sender",  "receiver"};
  return r;
}

bool is_statistical(const std::string& kind) { return kind == "drop_rate_wilson" || kind == "ratio_model"; }

// Counters the exporter exports with a netns label (METRICS.md); exporter_delta
// may name only these, so a typo cannot compare against an always-empty series.
static const std::vector<std::string>& netns_metrics() {
  static const std::vector<std::string> m = {
      "tcp_retransmissions_total", "tcp_retransmit_skbs_total", "tcp_retransmit_failures_total",
      "tcp_retransmit_failed_skbs_total", "tcp_segments_sent_total", "tcp_data_segments_sent_total"};
  return m;
}

namespace {

std::string parse_role(const JsonReader& r, const Scenario& s) {
  auto role = r.as_enum(namespace_roles());
  if (role == "client2" && s.topology.clients < 2) r.fail("names client2, but topology.clients is 1");
  return role;
}

nlohmann::json parse_roles(const JsonReader& c, const Scenario& s, const std::string& key,
                           const std::string& def) {
  nlohmann::json out = nlohmann::json::array();
  auto f = c.find(key);
  if (!f) return out.push_back(def), out;
  for (const auto& x : f->items(1)) out.push_back(parse_role(x, s));
  return out;
}

void parse_bounds(const JsonReader& c, nlohmann::json& p, bool integral) {
  if (!c.has("min") && !c.has("max")) c.fail("expected \"min\" and/or \"max\"");
  for (const char* k : {"min", "max"}) {
    if (!c.has(k)) continue;
    if (integral) p[k] = c.at(k).as_integer(INT64_MIN / 2, INT64_MAX / 2);
    else p[k] = c.at(k).as_number(-1e18, 1e18);
  }
  if (p.contains("min") && p.contains("max") && p["min"].get<double>() > p["max"].get<double>())
    c.at("max").fail("expected max >= min");
}

}  // namespace

CheckSpec parse_check(const JsonReader& c, const Scenario& s) {
  if (!c.value().is_object()) c.fail("expected an object with a \"check\" key");
  CheckSpec spec;
  spec.kind = c.at("check").as_enum(check_kinds());
  auto& p = spec.params;
  const auto& k = spec.kind;
  const bool has_loss = s.impairment.kind != "none";

  if (k == "exporter_exact" || k == "syn_causes_exact" || k == "denominator_exact") {
    c.expect_object({"check", "name", "namespaces"});
    p["namespaces"] = parse_roles(c, s, "namespaces", "all");
  } else if (k == "socket_totals") {
    c.expect_object({"check", "name", "namespace", "exclude_synack", "tolerance"});
    p["namespace"] = c.has("namespace") ? parse_role(c.at("namespace"), s) : "sender";
    p["exclude_synack"] = c.bool_or("exclude_synack", false);
    p["tolerance"] = c.integer_or("tolerance", 0, 1'000'000, 0);
  } else if (k == "drop_rate_wilson") {
    c.expect_object({"check", "name", "confidence"});
    // Wilson assumes independent drops; Gilbert-Elliott drops come in bursts.
    if (s.impairment.kind != "random") c.at("check").fail("needs a random impairment (independent drops)");
    p["confidence"] = c.number_or("confidence", 0.5, 0.9999, 0.99);
  } else if (k == "closure_bound") {
    c.expect_object({"check", "name", "namespace"});
    if (!has_loss) c.at("check").fail("needs an impairment that drops packets");
    p["namespace"] = c.has("namespace") ? parse_role(c.at("namespace"), s) : "sender";
  } else if (k == "ratio_model") {
    c.expect_object({"check", "name", "namespace", "tolerance", "p", "subtract_dsack"});
    if (!s.impairment.stochastic()) c.at("check").fail("needs a random or gemodel impairment");
    p["namespace"] = c.has("namespace") ? parse_role(c.at("namespace"), s) : "sender";
    p["tolerance"] = c.at("tolerance").as_number(0.001, 10);
    p["p"] = c.enum_or("p", {"realised", "nominal"}, "realised");
    p["subtract_dsack"] = c.bool_or("subtract_dsack", true);
  } else if (k == "baseline") {
    c.expect_object({"check", "name", "namespaces", "allow"});
    p["namespaces"] = parse_roles(c, s, "namespaces", "all");
    p["allow"] = c.at("allow").as_enum({"none", "dsack"});
  } else if (k == "counter_delta") {
    c.expect_object({"check", "name", "namespace", "counter", "min", "max"});
    p["namespace"] = parse_role(c.at("namespace"), s);
    auto counter = c.at("counter").as_string();
    static const std::regex re("(Tcp|TcpExt|Ip|IpExt|Udp)\\.[A-Za-z0-9]+");
    if (!std::regex_match(counter, re)) c.at("counter").fail("expected \"Group.Field\" such as \"TcpExt.TCPSynRetrans\"");
    p["counter"] = counter;
    parse_bounds(c, p, true);
  } else if (k == "exporter_delta") {
    c.expect_object({"check", "name", "namespace", "metric", "labels", "min", "max"});
    p["namespace"] = parse_role(c.at("namespace"), s);
    p["metric"] = c.at("metric").as_enum(netns_metrics());
    p["labels"] = nlohmann::json::object();
    if (auto l = c.find("labels")) {
      if (!l->value().is_object()) l->fail("expected an object of label: value strings");
      for (auto it = l->value().begin(); it != l->value().end(); ++it) {
        JsonReader v(it.value(), c.file(), l->path() + "." + it.key());
        if (it.key() == "netns") v.fail("netns is set by the runner from the namespace role");
        p["labels"][it.key()] = v.as_string();
      }
    }
    parse_bounds(c, p, true);
  } else if (k == "traffic") {
    c.expect_object({"check", "name", "field", "min", "max"});
    p["field"] = c.at("field").as_enum({"connect_seconds_max", "connect_seconds_min", "errors", "bytes", "seconds",
                                        "sockets"});
    parse_bounds(c, p, false);
  } else if (k == "exporter_health") {
    c.expect_object({"check", "name"});
  } else if (k == "peer_budget") {
    c.expect_object({"check", "name", "expect_folding"});
    p["expect_folding"] = c.bool_or("expect_folding", true);
    bool has_budget = std::find(s.exporter_args.begin(), s.exporter_args.end(), "--series-budget") != s.exporter_args.end();
    if (!has_budget) c.at("check").fail("needs \"exporter\": {\"args\": [\"--peer-labels\", \"--series-budget\", \"N\"]}");
  }
  spec.name = c.string_or("name", k);
  return spec;
}

}  // namespace retx::lab
