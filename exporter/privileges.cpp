#include "privileges.h"

#include <cstdint>
#include <fstream>
#include <sstream>

namespace retx {
namespace {

constexpr int kCapSysAdmin = 21;
constexpr int kCapPerfmon = 38;
constexpr int kCapBpf = 39;

std::uint64_t effective_caps() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CapEff:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  }
  return 0;
}

}  // namespace

std::string missing_bpf_capabilities() {
  std::uint64_t caps = effective_caps();
  auto has = [&](int cap) { return (caps >> cap) & 1U; };
  if (has(kCapSysAdmin) || (has(kCapBpf) && has(kCapPerfmon))) return "";
  return "CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)";
}

}  // namespace retx
