#include "attempt_steps.h"

#include <mutex>
#include <thread>

#include "traffic.h"

namespace retx::lab {

std::vector<RoleNs> roles_of(const Topology& topo) {
  std::vector<RoleNs> out;
  for (size_t i = 0; i < topo.clients().size(); ++i) out.push_back({"client" + std::to_string(i + 1), topo.clients()[i]});
  out.push_back({"router", topo.router()});
  out.push_back({"server", topo.server()});
  return out;
}

TrafficRun drive_traffic(const Topology& topo, const Scenario& s) {
  TrafficRun out;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (const auto& g : s.traffic)
    for (int c : s.clients_of(g)) {
      TrafficSpec spec = g;
      spec.client_index = c - 1;
      threads.emplace_back([&, c, spec] {
        try {
          auto r = run_traffic(topo, spec);
          std::lock_guard lk(mu);
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
