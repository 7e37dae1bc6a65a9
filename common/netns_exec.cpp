#include "netns_exec.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace retx {

ino_t netns_inode(const std::string& ns_path) {
  struct stat st {};
  if (stat(ns_path.c_str(), &st) != 0) {
    throw std::runtime_error("netns " + ns_path + ": " + std::strerror(errno));
  }
  return st.st_ino;
}

void enter_netns(const std::string& ns_path) {
  int fd = open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("open " + ns_path + ": " + std::strerror(errno));
  int rc = setns(fd, CLONE_NEWNET);
  int err = errno;
  close(fd);
  if (rc != 0) throw std::runtime_error("setns " + ns_path + ": " + std::strerror(err));
}

void run_in_netns(const std::string& ns_path, const std::function<void()>& fn) {
  std::exception_ptr err;
  std::thread t([&] {
    try {
      enter_netns(ns_path);
      fn();
    } catch (...) {
      err = std::current_exception();
    }
  });
  t.join();
  if (err) std::rethrow_exception(err);
}

}  // namespace retx
