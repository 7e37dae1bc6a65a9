#include "counters.h"

#include <nlohmann/json.hpp>

#include "netns_exec.h"
#include "run_cmd.h"

namespace retx::lab {

retx::ProcCounters read_counters(const Namespace& ns) {
  retx::ProcCounters c;
  retx::run_in_netns(ns.path, [&] {
    c = retx::read_proc_net("/proc/thread-self/net");
    c.merge(retx::read_drop_counters("/proc/thread-self/net"));
  });
  return c;
}

std::uint64_t foreign_qdisc_drops(const std::string& tc_json) {
  auto j = nlohmann::json::parse(tc_json);
  if (!j.is_array()) throw std::runtime_error("tc -j qdisc show: not a JSON array");
  std::uint64_t drops = 0;
  for (const auto& q : j) {
    const std::string kind = q.value("kind", "");
    if (kind == "netem" || kind == "clsact" || kind == "ingress") continue;
    drops += q.value("drops", std::uint64_t{0});
  }
  return drops;
}

retx::ProcCounters read_qdisc_drops(const Namespace& ns) {
  return {{"Qdisc.Dropped", foreign_qdisc_drops(run_cmd({"tc", "-n", ns.name, "-s", "-j", "qdisc", "show"}).out)}};
}

retx::ProcCounters counter_delta(const retx::ProcCounters& before, const retx::ProcCounters& after) {
  retx::ProcCounters d;
  for (const auto& [k, v] : after) {
    std::uint64_t b = retx::counter_or_zero(before, k);
    d[k] = v >= b ? v - b : 0;
  }
  return d;
}

}  // namespace retx::lab
