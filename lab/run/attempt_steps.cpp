#include "attempt_steps.h"

#include <mutex>
#include <thread>

#include "exporter_process.h"
#include "open_sockets.h"
#include "run_cmd.h"
#include "traffic.h"

namespace retx::lab {

namespace {

// hold_open: what retx-top lists in the client's namespace while the lab's
// sockets there are open, paired with their TCP_INFO. Bounded well below the
// server side's read timeout, which runs meanwhile.
OpenSockets read_open(const Namespace& ns, const std::vector<SocketInfo>& held) {
  const std::vector<std::string> argv = {default_top_path(), "--once", "--json", "--causes", "none",
                                         "--netns", std::to_string(ns.inode)};
  CmdResult r;
  try {
    r = try_cmd(argv, {}, std::chrono::seconds(8));
  } catch (const std::exception& e) {
    r.err = e.what();  // could not even start it (not built?)
  }
  if (r.exit_code == 0) return match_top_json(held, r.out);
  OpenSockets o = match_top_json(held, "{\"connections\": []}");
  o.error = "`" + format_argv(argv) + "` failed (exit " + std::to_string(r.exit_code) + "): " + first_line(r.err);
  return o;
}

}  // namespace

std::vector<RoleNs> roles_of(const Topology& topo) {
  std::vector<RoleNs> out;
  for (size_t i = 0; i < topo.clients().size(); ++i) out.push_back({"client" + std::to_string(i + 1), topo.clients()[i]});
  out.push_back({"router", topo.router()});
  out.push_back({"server", topo.server()});
  return out;
}

TrafficRun drive_traffic(const Topology& topo, const Scenario& s, const std::map<std::string, std::string>& cgroup_dirs) {
  TrafficRun out;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (const auto& g : s.traffic)
    for (int c : s.clients_of(g)) {
      TrafficSpec spec = g;
      spec.client_index = c - 1;
      if (!g.cgroup.empty()) spec.cgroup_dir = cgroup_dirs.at(g.cgroup);
      const std::string cgroup = g.cgroup;
      threads.emplace_back([&, c, spec, cgroup] {
        auto while_open = [&, c](const std::vector<SocketInfo>& held) {
          auto o = read_open(topo.client(c - 1), held);
          std::lock_guard lk(mu);
          out.open.emplace_back(c, std::move(o));
        };
        try {
          auto r = run_traffic(topo, spec, while_open);
          std::lock_guard lk(mu);
          if (!cgroup.empty())
            for (const auto& si : r.sockets)
              if (si.role == SocketRole::Client) out.cgroup_sockets[cgroup].push_back(si);
          out.results.emplace_back(c, std::move(r));
        } catch (const std::exception& e) {
          std::lock_guard lk(mu);
          out.failures.push_back("client" + std::to_string(c) + ": " + e.what());
        }
      });
    }
  for (auto& t : threads) t.join();
  return out;
}

}  // namespace retx::lab
