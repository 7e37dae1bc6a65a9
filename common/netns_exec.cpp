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

void run_in_netns_fd(int ns_fd, const std::function<void()>& fn) {
  std::exception_ptr err;
  std::thread t([&] {
    try {
      if (setns(ns_fd, CLONE_NEWNET) != 0) {
        throw std::runtime_error(std::string("setns(CLONE_NEWNET): ") + std::strerror(errno));
      }
      fn();
    } catch (...) {
      err = std::current_exception();
    }
  });
  t.join();
  if (err) std::rethrow_exception(err);
}

void run_in_netns(const std::string& ns_path, const std::function<void()>& fn) {
  int fd = open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("open " + ns_path + ": " + std::strerror(errno));
  try {
    run_in_netns_fd(fd, fn);
  } catch (...) {
    close(fd);
    throw;
  }
  close(fd);
}

}  // namespace retx
