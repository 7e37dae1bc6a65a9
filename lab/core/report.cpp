#include "report.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace retx::lab {

Verdict RunReport::verdict() const {
  std::vector<Verdict> vs;
  for (const auto& s : scenarios) vs.push_back(s.verdict);
  return combine(vs);
}

Verdict scenario_verdict(const ScenarioRecord& s) {
  std::vector<Verdict> vs;
  for (const auto& c : s.checks) vs.push_back(c.verdict);
  for (const auto& a : s.attempts)
    if (!a.error.empty()) vs.push_back(Verdict::Fail);
  return combine(vs);
}

nlohmann::json to_json(const CheckResult& c) {
  return {{"name", c.name},         {"kind", c.kind},         {"verdict", to_string(c.verdict)},
          {"reason", c.reason},     {"measured", c.measured}, {"expected", c.expected}};
}

nlohmann::json to_json(const ScenarioRecord& s) {
  nlohmann::json j = {{"name", s.name},        {"description", s.description},
                      {"file", s.file},        {"verdict", to_string(s.verdict)},
                      {"reason", s.reason},    {"backend", s.backend},
                      {"offload", s.offload},  {"family", s.family},
                      {"seconds", s.seconds},  {"spec", s.spec}};
  j["checks"] = nlohmann::json::array();
  for (const auto& c : s.checks) j["checks"].push_back(to_json(c));
  j["attempts"] = nlohmann::json::array();
  for (const auto& a : s.attempts) {
    nlohmann::json aj = {{"index", a.index},     {"seed", a.seed},
                         {"error", a.error},     {"timings", a.timings},
                         {"measurements", a.measurements}};
    if (!a.set_aside.empty()) aj["set_aside"] = a.set_aside;
    aj["checks"] = nlohmann::json::array();
    for (const auto& c : a.checks) aj["checks"].push_back(to_json(c));
    j["attempts"].push_back(std::move(aj));
  }
  return j;
}

nlohmann::json to_json(const RunReport& r) {
  nlohmann::json j = {{"schema", kReportSchema},
                      {"tool", {{"name", "retx-lab"}, {"version", r.tool_version}}},
                      {"suite", r.suite},
                      {"files", r.files},
                      {"started_utc", r.started_utc},
                      {"finished_utc", r.finished_utc},
                      {"wall_seconds", r.wall_seconds},
                      {"host", r.host},
                      {"exporter", r.exporter},
                      {"backends_available", r.backends_available},
                      {"backends_unavailable", r.backends_unavailable},
                      {"options", r.options},
                      {"verdict", to_string(r.verdict())}};
  nlohmann::json counts = {{"pass", 0}, {"fail", 0}, {"inconclusive", 0}, {"skipped", 0}};
  nlohmann::json check_counts = counts;
  j["scenarios"] = nlohmann::json::array();
  for (const auto& s : r.scenarios) {
    counts[std::string(to_string(s.verdict))] = counts[std::string(to_string(s.verdict))].get<int>() + 1;
    for (const auto& c : s.checks)
      check_counts[std::string(to_string(c.verdict))] = check_counts[std::string(to_string(c.verdict))].get<int>() + 1;
    j["scenarios"].push_back(to_json(s));
  }
  j["counts"] = {{"scenarios", counts}, {"checks", check_counts}};
  return j;
}

namespace {

nlohmann::json impairment_to_json(const ImpairmentSpec& im) {
  nlohmann::json j = {{"kind", to_string(im.kind)}, {"direction", to_string(im.direction)}, {"seed", im.seed},
                      {"nominal_loss", im.nominal_loss()}};
  if (im.kind == ImpairKind::Random) j["loss"] = im.loss;
  if (im.kind == ImpairKind::GilbertElliott)
    j["gemodel"] = {{"p", im.gemodel.p}, {"r", im.gemodel.r}, {"loss_bad", im.gemodel.loss_bad},
                    {"loss_good", im.gemodel.loss_good}};
  if (im.kind == ImpairKind::NthSegment) j["nth"] = im.nth;
  if (im.kind == ImpairKind::Blackhole)
    j["blackhole"] = {{"start_ms", im.blackhole.start_ms}, {"duration_ms", im.blackhole.duration_ms}};
  if (im.netem.any()) j["netem_features"] = im.netem.features();
  return j;
}

nlohmann::json traffic_to_json(const Scenario& s, const TrafficGroup& t) {
  nlohmann::json j = {{"mode", to_string(t.mode)},   {"direction", to_string(t.transfer)},
                      {"family", family_name(t.family)}, {"flows", t.flows},
                      {"pacing_mbit", t.pacing_mbit}, {"clients", s.clients_of(t)}};
  if (t.hold_open) j["hold_open"] = true;
  if (!t.cgroup.empty()) j["cgroup"] = t.cgroup;
  if (t.mode == TrafficMode::Bulk) {
    if (t.bytes) j["bytes"] = t.bytes;
    else j["duration_s"] = t.duration_s;
  } else if (t.mode == TrafficMode::RequestResponse) {
    j["request_bytes"] = t.request_bytes;
    j["response_bytes"] = t.response_bytes;
    j["transactions"] = t.transactions;
  } else {
    j["connections"] = t.connections;
  }
  return j;
}

nlohmann::json sockets_json(const SocketTotals& s) {
  return {{"count", s.sockets},
          {"total_retrans", s.total_retrans},
          {"segs_out", s.segs_out},
          {"data_segs_out", s.data_segs_out},
          {"bytes_retrans", s.bytes_retrans}};
}

}  // namespace

nlohmann::json scenario_to_json(const Scenario& s) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& t : s.traffic) groups.push_back(traffic_to_json(s, t));
  return {{"topology",
           {{"clients", s.topology.clients}, {"offload", to_string(s.topology.offload)}, {"sysctls", s.topology.sysctls}}},
          {"impairment", impairment_to_json(s.impairment)},
          {"traffic", groups},
          {"exporter_args", s.exporter_args},
          {"repeat", {{"count", s.repeat.count}, {"quorum", s.repeat.quorum}}},
          {"quiesce_ms", s.quiesce_ms},
          {"churn", {{"cycles", s.churn.cycles}, {"warmup_cycles", s.churn.warmup_cycles}}}};
}

nlohmann::json measurements_to_json(const ScenarioMeasurements& m) {
  nlohmann::json ns = nlohmann::json::object();
  for (const auto& n : m.namespaces) {
    // Only counters that moved: the full Tcp/TcpExt set is ~150 keys per namespace.
    nlohmann::json kernel = nlohmann::json::object();
    for (const auto& [k, v] : n.kernel)
      if (v != 0) kernel[k] = v;
    const auto& e = n.exporter;
    ns[n.role] = {{"name", n.name},
                  {"inode", n.inode},
                  {"kernel_delta", kernel},
                  {"exporter_delta",
                   {{"retransmissions", e.retransmissions},
                    {"skbs", e.skbs},
                    {"xmit_failures", e.xmit_failures},
                    {"early_failures", e.early_failures},
                    {"segments_sent", e.segments_sent},
                    {"data_segments_sent", e.data_segments_sent},
                    {"by_cause", e.retrans_by_cause},
                    {"xmit_failures_by_cause", e.xmit_failures_by_cause}}},
                  {"sockets", sockets_json(n.sockets)}};
    if (n.open.taken) ns[n.role]["open_sockets"] = to_json(n.open);
  }
  const auto& t = m.traffic;
  const auto& im = m.impairment;
  nlohmann::json out = {{"namespaces", ns},
          {"traffic",
           {{"bytes", t.bytes},
            {"seconds", t.seconds},
            {"connect_seconds_min", t.connect_seconds_min},
            {"connect_seconds_max", t.connect_seconds_max},
            {"errors", t.errors},
            {"sockets", t.sockets},
            {"error_messages", t.error_messages}}},
          {"impairment",
           {{"active", im.active},
            {"backend", im.backend},
            {"candidates", im.candidates},
            {"packets_dropped", im.packets_dropped},
            {"segments_dropped", im.segments_dropped},
            {"segments_exact", im.segments_exact},
            {"candidates_are_decisions", im.candidates_are_decisions},
            {"drops_need_retransmit", im.drops_need_retransmit}}},
          {"exporter_self",
           {{"err_field", m.exporter.err_field},
            {"pid1_context_skipped", m.exporter.pid1_context_skipped},
            {"lost_hits", m.exporter.lost_hits},
            {"probe_misses", m.exporter.probe_misses},
            {"scrape_errors", m.exporter.scrape_errors},
            {"netns_read_errors", m.exporter.netns_read_errors},
            {"folded_hits", m.exporter.folded_hits},
            {"peer_series", m.exporter.peer_series},
            {"peer_series_budget", m.exporter.peer_series_budget},
            {"skb_hits", m.exporter.skb_hits},
            {"synack_hits", m.exporter.synack_hits},
            {"baselines_created", m.exporter.baselines_created},
            {"first_hit_fallbacks", m.exporter.first_hit_fallbacks},
            {"namespaces_removed", m.exporter.namespaces_removed}}},
          {"quiesced", m.quiesced},
          {"quiesce_seconds", m.quiesce_seconds}};
  if (!m.churn.cycles.empty()) out["churn"] = churn_to_json(m.churn);
  for (const auto& c : m.cgroups)
    out["cgroups"][c.name] = {{"path", c.path},
                              {"sockets", sockets_json(c.sockets)},
                              {"incomplete_sockets", c.incomplete},
                              {"series_seen", c.series_seen},
                              {"exporter_retransmissions", c.retransmissions},
                              {"exporter_xmit_failures", c.xmit_failures}};
  return out;
}

namespace {

// PATH.tmp holding the report, flushed. Throws std::runtime_error naming it.
std::string write_temp(const RunReport& r, const std::string& path) {
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  // Per process: two runs writing the same name must not share (and unlink)
  // one temporary file.
  const std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
  std::ofstream out(tmp, std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write report " + tmp);
  out << to_json(r).dump(2) << "\n";
  if (!out.flush()) throw std::runtime_error("cannot write report " + tmp);
  return tmp;
}

}  // namespace

void write_report(const RunReport& r, const std::string& path) {
  const std::string tmp = write_temp(r, path);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + ec.message());
}

std::string write_new_report(const RunReport& r, const std::string& path) {
  const std::string tmp = write_temp(r, path);
  const std::string stem = path.size() > 5 && path.ends_with(".json") ? path.substr(0, path.size() - 5) : path;
  // link() never replaces an existing name, so of two runs started in the
  // same second the later one to finish takes the next free "-N" name.
  for (int n = 1; n <= 1000; ++n) {
    const std::string candidate = n == 1 ? path : stem + "-" + std::to_string(n) + ".json";
    if (::link(tmp.c_str(), candidate.c_str()) == 0) {
      ::unlink(tmp.c_str());
      return candidate;
    }
    if (errno != EEXIST) {
      const std::string why = std::strerror(errno);
      ::unlink(tmp.c_str());
      throw std::runtime_error("cannot write report " + candidate + ": " + why);
    }
  }
  ::unlink(tmp.c_str());
  throw std::runtime_error("cannot write report " + path + ": 1000 reports of that name already exist");
}

std::optional<std::string> output_path_problem(const std::string& path, bool is_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = is_dir ? fs::path(path) : fs::path(path).parent_path();
  if (!is_dir && fs::is_directory(path, ec)) return path + ": is a directory, expected a file name";
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir, ec)) return dir.string() + ": cannot create directory" + (ec ? ": " + ec.message() : "");
  }
  // Root passes access(W_OK) even on a read-only mount: try a real file instead.
  const fs::path probe = (dir.empty() ? fs::path(".") : dir) / (".retx-lab-probe-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return (dir.empty() ? std::string(".") : dir.string()) + ": cannot write there: " + std::strerror(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return std::nullopt;
}

std::string default_report_path(const std::string& dir, const std::string& suite, const std::string& utc_compact) {
  return (std::filesystem::path(dir) / (suite + "-" + utc_compact + ".json")).string();
}

}  // namespace retx::lab
