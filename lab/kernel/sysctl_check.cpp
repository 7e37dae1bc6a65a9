#include "sysctl_check.h"

#include <sched.h>
#include <sys/stat.h>

#include <stdexcept>
#include <thread>

#include "input_error.h"
#include "sysctl_write.h"

namespace retx::lab {

namespace {

// Why KEY cannot be written in the calling thread's namespace, or nullopt.
std::optional<std::string> sysctl_problem(const std::string& key) {
  std::string path;
  try {
    path = sysctl_path(key);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "no such sysctl on this kernel (" + path + " does not exist)";
  if (!S_ISREG(st.st_mode)) return "not a sysctl value (" + path + " is a directory)";
  if ((st.st_mode & S_IWUSR) == 0) return "read-only sysctl (" + path + ")";
  return std::nullopt;
}

}  // namespace

std::map<std::string, std::string> invalid_sysctls(const std::map<std::string, std::string>& sysctls) {
  std::map<std::string, std::string> out;
  if (sysctls.empty()) return out;
  // unshare() moves only this short-lived thread into an anonymous namespace,
  // which the kernel frees when the thread ends: nothing is left behind.
  std::thread t([&] {
    const bool fresh = ::unshare(CLONE_NEWNET) == 0;
    for (const auto& [key, value] : sysctls) {
      if (auto why = sysctl_problem(key)) out[key] = *why + (fresh ? " in a new network namespace" : "");
    }
  });
  t.join();
  return out;
}

void check_suite_sysctls(const Suite& suite) {
  for (const auto& sc : suite.scenarios) {
    auto bad = invalid_sysctls(sc.topology.sysctls);
    if (!bad.empty())
      throw InputError(sc.source_file, sc.json_path + ".topology.sysctls." + bad.begin()->first, bad.begin()->second);
  }
}

}  // namespace retx::lab
