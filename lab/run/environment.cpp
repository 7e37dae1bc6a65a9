#include "environment.h"

#include <cstdlib>
#include <ctime>
#include <sstream>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace retx::lab {

std::string find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string p = dir + "/" + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  for (const char* d : {"/usr/sbin/", "/sbin/"}) {  // root's tools, even with a user PATH
    std::string p = d + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

std::optional<std::string> environment_problem() {
  if (::geteuid() != 0) return "must run as root: the lab creates network namespaces, veths and nft rules";
  if (::access("/run", W_OK) != 0) return "/run is not writable: network namespaces are mounted under /run/netns";
  // ip builds the topology, ethtool turns GRO off and sets gso_max_segs.
  for (const char* tool : {"ip", "ethtool"})
    if (find_executable(tool).empty())
      return std::string("missing tool: ") + tool + " (install iproute2/ethtool: scripts/setup.sh)";
  return std::nullopt;
}

nlohmann::json host_facts() {
  utsname u{};
  ::uname(&u);
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  return {{"kernel_release", u.release},
          {"kernel_version", u.version},
          {"machine", u.machine},
          {"hostname", host},
          {"cpus", std::thread::hardware_concurrency()}};
}

static std::string fmt_time(std::time_t t, const char* f) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), f, &tm);
  return buf;
}

std::string utc_iso(std::time_t t) { return fmt_time(t, "%Y-%m-%dT%H:%M:%SZ"); }
std::string utc_compact(std::time_t t) { return fmt_time(t, "%Y%m%dT%H%M%SZ"); }

}  // namespace retx::lab
