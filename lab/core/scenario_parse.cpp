#include "scenario_parse.h"

#include <algorithm>
#include <regex>
#include <set>

#include "check_spec_parse.h"
#include "json_reader.h"

namespace retx::lab {

double ImpairmentConfig::nominal_loss() const {
  if (kind == "random") return loss;
  if (kind == "gemodel") return gemodel.stationary_loss();
  return 0;
}

std::vector<int> Scenario::clients_of(const TrafficConfig& t) const {
  if (!t.clients.empty()) return t.clients;
  std::vector<int> all;
  for (int i = 1; i <= topology.clients; ++i) all.push_back(i);
  return all;
}

std::vector<std::string> Scenario::needs_netem() const {
  std::vector<std::string> out;
  const auto& n = impairment.netem;
  if (n.delay_ms > 0) out.push_back("delay");
  if (n.jitter_ms > 0) out.push_back("jitter");
  if (!n.distribution.empty()) out.push_back("distribution");
  if (n.reorder > 0) out.push_back("reorder");
  if (n.duplicate > 0) out.push_back("duplicate");
  if (n.corrupt > 0) out.push_back("corrupt");
  if (n.rate_mbit > 0) out.push_back("rate");
  if (n.limit > 0) out.push_back("limit");
  return out;
}

namespace {

TopologyConfig parse_topology(const JsonReader& r) {
  r.expect_object({"clients", "offload", "sysctls"});
  TopologyConfig t;
  t.clients = static_cast<int>(r.integer_or("clients", 1, 2, 1));
  t.offload = r.enum_or("offload", {"segment_exact", "gso"}, "segment_exact");
  if (auto s = r.find("sysctls")) {
    if (!s->value().is_object()) s->fail("expected an object of \"net.x.y\": value");
    static const std::regex key_re(R"(net\.(ipv4|ipv6|core)\.[A-Za-z0-9_.]+)");
    for (auto it = s->value().begin(); it != s->value().end(); ++it) {
      JsonReader v(it.value(), r.file(), s->path() + "." + it.key());
      if (!std::regex_match(it.key(), key_re))
        v.fail("expected a sysctl name under net.ipv4, net.ipv6 or net.core");
      if (it.value().is_string()) t.sysctls[it.key()] = it.value().get<std::string>();
      else if (it.value().is_number_integer()) t.sysctls[it.key()] = std::to_string(it.value().get<long long>());
      else v.fail("expected a string or an integer");
    }
  }
  return t;
}

ImpairmentConfig parse_impairment(const JsonReader& r) {
  r.expect_object({"kind", "direction", "loss", "gemodel", "nth", "blackhole", "seed", "netem"});
  ImpairmentConfig im;
  im.kind = r.at("kind").as_enum(
      {"none", "random", "gemodel", "first_syn", "first_synack", "nth_segment", "blackhole"});
  im.direction = r.enum_or("direction", {"data", "ack"}, "data");
  im.seed = static_cast<std::uint64_t>(r.integer_or("seed", 0, INT64_MAX, 1));

  auto only_for = [&](const char* key, const char* kind) {
    if (r.has(key) && im.kind != kind)
      r.at(key).fail(std::string("only allowed with \"kind\": \"") + kind + "\"");
  };
  only_for("loss", "random");
  only_for("gemodel", "gemodel");
  only_for("nth", "nth_segment");
  only_for("blackhole", "blackhole");

  if (im.kind == "random") im.loss = r.at("loss").as_number(0, 1);
  if (im.kind == "gemodel") {
    auto g = r.at("gemodel");
    g.expect_object({"p", "r", "loss_bad", "loss_good"});
    im.gemodel.p = g.at("p").as_number(0, 1);
    im.gemodel.r = g.at("r").as_number(0, 1);
    im.gemodel.loss_bad = g.number_or("loss_bad", 0, 1, 1);
    im.gemodel.loss_good = g.number_or("loss_good", 0, 1, 0);
    if (im.gemodel.p + im.gemodel.r <= 0) g.fail("expected p + r > 0 (the chain must be able to move)");
  }
  if (im.kind == "nth_segment") im.nth = r.at("nth").as_integer(1, 1'000'000'000);
  if (im.kind == "blackhole") {
    auto b = r.at("blackhole");
    b.expect_object({"start_ms", "duration_ms"});
    im.blackhole_start_ms = b.number_or("start_ms", 0, 600'000, 0);
    im.blackhole_ms = b.at("duration_ms").as_number(1, 600'000);
  }
  if (auto n = r.find("netem")) {
    n->expect_object({"delay_ms", "jitter_ms", "distribution", "reorder", "duplicate", "corrupt",
                      "rate_mbit", "limit"});
    auto& x = im.netem;
    x.delay_ms = n->number_or("delay_ms", 0, 60'000, 0);
    x.jitter_ms = n->number_or("jitter_ms", 0, 60'000, 0);
    x.distribution = n->enum_or("distribution", {"normal", "pareto", "paretonormal", "uniform"}, "");
    x.reorder = n->number_or("reorder", 0, 1, 0);
    x.duplicate = n->number_or("duplicate", 0, 1, 0);
    x.corrupt = n->number_or("corrupt", 0, 1, 0);
    x.rate_mbit = n->number_or("rate_mbit", 0, 1'000'000, 0);
    x.limit = n->integer_or("limit", 0, 100'000'000, 0);
    if (x.jitter_ms > 0 && x.delay_ms <= 0) n->at("jitter_ms").fail("expected delay_ms > 0 when jitter is set");
    if (!x.distribution.empty() && x.jitter_ms <= 0)
      n->at("distribution").fail("expected jitter_ms > 0 when a distribution is set");
    if (x.reorder > 0 && x.delay_ms <= 0) n->at("reorder").fail("expected delay_ms > 0 (netem reorders by delaying the rest)");
  }
  return im;
}

TrafficConfig parse_traffic(const JsonReader& r, int clients) {
  r.expect_object({"clients", "mode", "direction", "family", "flows", "bytes", "duration_s", "request_bytes",
                   "response_bytes", "transactions", "connections", "pacing_mbit",
                   "connect_timeout_s", "timeout_s"});
  TrafficConfig t;
  t.mode = r.at("mode").as_enum({"bulk", "rr", "storm"});
  t.direction = r.enum_or("direction", {"upload", "download"}, "upload");
  t.family = r.enum_or("family", {"ipv4", "ipv6"}, "ipv4");
  t.flows = static_cast<int>(r.integer_or("flows", 1, 1024, 1));
  if (auto c = r.find("clients")) {
    for (const auto& x : c->items(1)) {
      int idx = static_cast<int>(x.as_integer(1, clients));
      if (std::find(t.clients.begin(), t.clients.end(), idx) != t.clients.end()) x.fail("duplicate client index");
      t.clients.push_back(idx);
    }
  }
  t.pacing_mbit = r.number_or("pacing_mbit", 0, 1'000'000, 0);
  t.connect_timeout_s = r.number_or("connect_timeout_s", 0.1, 600, 5);
  t.timeout_s = r.number_or("timeout_s", 0.1, 3600, 30);
  auto only_for = [&](const char* key, const char* mode) {
    if (r.has(key) && t.mode != mode)
      r.at(key).fail(std::string("only allowed with \"mode\": \"") + mode + "\"");
  };
  only_for("bytes", "bulk");
  only_for("duration_s", "bulk");
  only_for("request_bytes", "rr");
  only_for("response_bytes", "rr");
  only_for("transactions", "rr");
  only_for("connections", "storm");
  if (t.mode == "bulk") {
    if (r.has("bytes") == r.has("duration_s"))
      r.fail("expected exactly one of \"bytes\" or \"duration_s\" for bulk traffic");
    t.bytes = r.integer_or("bytes", 1, INT64_MAX, 0);
    t.duration_s = r.number_or("duration_s", 0.01, 3600, 0);
  } else if (t.mode == "rr") {
    t.request_bytes = r.integer_or("request_bytes", 1, 1 << 30, 64);
    t.response_bytes = r.integer_or("response_bytes", 1, 1 << 30, 64);
    t.transactions = r.at("transactions").as_integer(1, 100'000'000);
  } else {
    t.connections = r.at("connections").as_integer(1, 10'000'000);
  }
  return t;
}

Scenario parse_scenario(const JsonReader& r) {
  r.expect_object({"name", "description", "topology", "impairment", "traffic", "exporter", "repeat",
                   "quiesce_ms", "expect"});
  Scenario s;
  s.source_file = r.file();
  s.json_path = r.path();
  s.name = r.at("name").as_string();
  static const std::regex name_re("[a-z0-9][a-z0-9_-]{0,63}");
  if (!std::regex_match(s.name, name_re))
    r.at("name").fail("expected 1-64 characters of [a-z0-9_-] starting with a letter or digit, got \"" + s.name + "\"");
  s.description = r.string_or("description", "");
  if (auto t = r.find("topology")) s.topology = parse_topology(*t);
  if (auto i = r.find("impairment")) s.impairment = parse_impairment(*i);
  auto tr = r.at("traffic");
  if (tr.value().is_array()) {
    for (const auto& g : tr.items(1)) s.traffic.push_back(parse_traffic(g, s.topology.clients));
  } else {
    s.traffic.push_back(parse_traffic(tr, s.topology.clients));
  }
  if (auto e = r.find("exporter")) {
    e->expect_object({"args"});
    for (const auto& a : e->at("args").items()) s.exporter_args.push_back(a.as_string());
  }
  if (auto rp = r.find("repeat")) {
    rp->expect_object({"count", "quorum"});
    s.repeat.count = static_cast<int>(rp->at("count").as_integer(1, 100));
    s.repeat.quorum = static_cast<int>(rp->integer_or("quorum", 1, 100, s.repeat.count));
    if (s.repeat.quorum > s.repeat.count)
      rp->at("quorum").fail("expected an integer in [1," + std::to_string(s.repeat.count) + "] (at most count)");
  }
  s.quiesce_ms = r.number_or("quiesce_ms", 50, 10'000, 300);
  std::set<std::string> names;
  for (const auto& c : r.at("expect").items(1)) {
    s.checks.push_back(parse_check(c, s));
    if (!names.insert(s.checks.back().name).second)
      c.fail("duplicate check name \"" + s.checks.back().name + "\" (give one a \"name\")");
  }
  return s;
}

}  // namespace

Suite parse_suite(const nlohmann::json& doc, const std::string& file) {
  JsonReader root(doc, file);
  root.expect_object({"$schema", "suite", "description", "scenarios"});
  Suite suite;
  suite.files.push_back(file);
  suite.name = root.at("suite").as_string();
  static const std::regex suite_re("[a-z0-9][a-z0-9_-]{0,63}");
  if (!std::regex_match(suite.name, suite_re)) root.at("suite").fail("expected 1-64 characters of [a-z0-9_-]");
  suite.description = root.string_or("description", "");
  std::set<std::string> names;
  for (const auto& sr : root.at("scenarios").items(1)) {
    suite.scenarios.push_back(parse_scenario(sr));
    if (!names.insert(suite.scenarios.back().name).second)
      sr.at("name").fail("duplicate scenario name \"" + suite.scenarios.back().name + "\"");
  }
  return suite;
}

Suite load_suite_file(const std::string& file) { return parse_suite(read_json_file(file), file); }

Suite load_suites(const std::vector<std::string>& files) {
  Suite all;
  std::set<std::string> seen;
  for (const auto& f : files) {
    Suite s = load_suite_file(f);
    all.name = all.name.empty() ? s.name : all.name + "+" + s.name;
    if (all.description.empty()) all.description = s.description;
    all.files.push_back(f);
    for (auto& sc : s.scenarios) {
      if (!seen.insert(sc.name).second)
        throw InputError(f, sc.json_path + ".name", "scenario name \"" + sc.name + "\" already used by an earlier file");
      all.scenarios.push_back(std::move(sc));
    }
  }
  return all;
}

}  // namespace retx::lab
