#include "netns_exec.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "on_thread.h"
#include "unique_fd.h"

namespace retx {

ino_t netns_inode(const std::string& ns_path) {
  struct stat st {};
  if (stat(ns_path.c_str(), &st) != 0) {
    throw std::runtime_error("netns " + ns_path + ": " + std::strerror(errno));
  }
  return st.st_ino;
}

void enter_netns(const std::string& ns_path) {
  UniqueFd fd(open(ns_path.c_str(), O_RDONLY | O_CLOEXEC));
  auto fail = [&](const char* what) {
    const int e = errno;  // before building the message can touch it
    throw NetnsEntryError(std::string(what) + " " + ns_path + ": " + std::strerror(e), e);
  };
  if (!fd) fail("open");
  if (setns(fd.get(), CLONE_NEWNET) != 0) fail("setns");
}

void run_in_netns(const std::string& ns_path, const std::function<void()>& fn) {
  run_on_own_thread([&] {
    enter_netns(ns_path);
    fn();
  });
}

}  // namespace retx
