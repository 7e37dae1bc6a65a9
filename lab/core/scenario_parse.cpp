#include "scenario_parse.h"

#include <algorithm>
#include <regex>
#include <set>

#include "check_registry.h"
#include "json_reader.h"

namespace retx::lab {

std::vector<int> Scenario::clients_of(const TrafficGroup& t) const {
  if (!t.clients.empty()) return t.clients;
  std::vector<int> all;
  for (int i = 1; i <= topology.clients; ++i) all.push_back(i);
  return all;
}

std::vector<std::string> Scenario::cgroups() const {
  std::vector<std::string> out;
  for (const auto& g : traffic)
    if (!g.cgroup.empty() && std::find(out.begin(), out.end(), g.cgroup) == out.end()) out.push_back(g.cgroup);
  return out;
}

namespace {

Scenario parse_scenario(const JsonReader& r) {
  r.expect_object({"name", "description", "topology", "impairment", "traffic", "exporter", "repeat",
                   "quiesce_ms", "churn", "expect"});
  Scenario s;
  s.source_file = r.file();
  s.json_path = r.path();
  s.name = r.at("name").as_string();
  static const std::regex name_re("[a-z0-9][a-z0-9_-]{0,63}");
  if (!std::regex_match(s.name, name_re))
    r.at("name").fail("expected 1-64 characters of [a-z0-9_-] starting with a letter or digit, got \"" + s.name + "\"");
  s.description = r.string_or("description", "");
  s.topology.offload = Offload::SegmentExact;  // the file's default, also without a "topology" key
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
  if (auto c = r.find("churn")) {
    s.churn = parse_churn(*c);
    // A churn cycle drives its own topologies; the cgroups belong to one attempt's.
    if (s.churn.active() && !s.cgroups().empty()) c->fail("not with a traffic group that has a \"cgroup\"");
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
