#include "sysctl_write.h"

#include "netns_exec.h"
#include "unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace retx::lab {

std::string sysctl_path(const std::string& key) {
  bool ok = key.rfind("net.", 0) == 0 && key.size() > 4 && key.size() < 128 && key.find("..") == std::string::npos &&
            key.back() != '.';
  for (char c : key) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-');
  }
  if (!ok) throw std::invalid_argument("sysctl key '" + key + "': expected net.<name>[.<name>...] with [a-z0-9_-]");
  std::string p = "/proc/sys/" + key;
  for (size_t i = 10; i < p.size(); ++i) {
    if (p[i] == '.') p[i] = '/';
  }
  return p;
}

void check_sysctl_value(const std::string& key, const std::string& value) {
  if (value.empty() || value.find_first_of("/\n") != std::string::npos) {
    throw std::invalid_argument("sysctl " + key + " value '" + value + "': must be non-empty, no '/' or newline");
  }
}

void write_sysctls(const Namespace& ns, const std::map<std::string, std::string>& kv) {
  retx::run_in_netns(ns.path, [&] {
    for (const auto& [k, v] : kv) {
      std::string path = sysctl_path(k);
      check_sysctl_value(k, v);
      UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
      if (!fd) throw std::runtime_error("sysctl " + k + "=" + v + " in " + ns.name + ": " + std::strerror(errno));
      if (write(fd.get(), v.data(), v.size()) != static_cast<ssize_t>(v.size())) {
        throw std::runtime_error("sysctl " + k + "=" + v + " in " + ns.name + ": " + std::strerror(errno));
      }
    }
  });
}

std::string read_sysctl(const Namespace& ns, const std::string& key) {
  std::string out;
  retx::run_in_netns(ns.path, [&] {
    std::string path = sysctl_path(key);
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw std::runtime_error("sysctl " + key + " in " + ns.name + ": " + std::strerror(errno));
    char buf[256];
    ssize_t r = read(fd.get(), buf, sizeof buf);
    if (r < 0) throw std::runtime_error("sysctl " + key + " in " + ns.name + ": read failed");
    out.assign(buf, static_cast<size_t>(r));
    while (!out.empty() && out.back() == '\n') out.pop_back();
  });
  return out;
}

}  // namespace retx::lab
