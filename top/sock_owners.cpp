#include "sock_owners.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "proc_text.h"

namespace retx::top {
namespace {

std::string read_comm(int pid_dir_fd) {
  int fd = openat(pid_dir_fd, "comm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return "";
  std::string s(buf, static_cast<std::size_t>(n));
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// Socket inodes among one process's fds (lowest pid wins for shared sockets:
// /proc lists pids in ascending order and the first owner is kept).
template <typename F>
void for_each_socket_fd(int pid_dir_fd, F&& f) {
  int fd_dir = openat(pid_dir_fd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_dir < 0) return;  // exited, or a kernel thread
  DIR* d = fdopendir(fd_dir);
  if (!d) {
    close(fd_dir);
    return;
  }
  char target[64];
  while (struct dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    ssize_t n = readlinkat(fd_dir, e->d_name, target, sizeof target - 1);
    if (n <= 0) continue;
    if (auto ino = socket_inode_of_link(std::string_view(target, static_cast<std::size_t>(n)))) f(*ino);
  }
  closedir(d);
}

}  // namespace

void SocketOwners::scan(const SocketReader& reader) {
  ++scans_;
  by_ino_.clear();
  ownerless_.clear();
  if (!reader.read_owners(by_ino_)) scan_proc();
}

void SocketOwners::scan_proc() {
  DIR* proc = opendir(proc_.c_str());
  if (!proc) return;
  int proc_fd = dirfd(proc);
  while (struct dirent* e = readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    int pid_fd = openat(proc_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pid_fd < 0) continue;
    int pid = std::atoi(e->d_name);
    std::string comm;
    bool comm_read = false;
    for_each_socket_fd(pid_fd, [&](std::uint64_t ino) {
      if (!comm_read) {
        comm = read_comm(pid_fd);
        comm_read = true;
      }
      by_ino_.try_emplace(ino, Owner{pid, comm});
    });
    close(pid_fd);
  }
  closedir(proc);
}

void SocketOwners::resolve(std::vector<Conn>& conns, const SocketReader& reader) {
  bool unknown = false;
  for (const auto& c : conns) {
    if (c.ino && !by_ino_.count(c.ino) && !ownerless_.count(c.ino)) {
      unknown = true;
      break;
    }
  }
  if (unknown) scan(reader);
  for (auto& c : conns) {
    if (!c.ino) continue;
    if (auto it = by_ino_.find(c.ino); it != by_ino_.end()) {
      c.pid = it->second.pid;
      c.comm = it->second.comm;
    } else {
      ownerless_.insert(c.ino);  // e.g. its process exited: do not rescan for it
    }
  }
}

}  // namespace retx::top
