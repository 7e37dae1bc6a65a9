#include "lab_cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "cgroup_paths.h"
#include "cleanup.h"

namespace retx::lab {

LabCgroup::LabCgroup(const std::string& mount, const std::string& name) : dir_(mount + "/" + name), path_("/" + name) {
  register_cgroup(dir_);  // before it exists: a signal in between finds nothing to remove, harmlessly
  if (mkdir(dir_.c_str(), 0755) != 0) {
    const int err = errno;
    unregister_cgroup(dir_);
    throw std::runtime_error("mkdir " + dir_ + ": " + std::strerror(err));
  }
}

LabCgroup::~LabCgroup() {
  rmdir(dir_.c_str());
  unregister_cgroup(dir_);
}

namespace {

// The child's side: async-signal-safe calls only (the parent has threads).
// Sends the socket, or on failure one byte holding the errno and no socket.
[[noreturn]] void make_and_send(const char* procs, int family, int type, int chan) {
  signal(SIGINT, SIG_DFL);  // the parent's cleanup handler is not the child's
  signal(SIGTERM, SIG_DFL);
  int err = 0, s = -1;
  int fd = open(procs, O_WRONLY | O_CLOEXEC);
  // "0" moves the writer itself (cgroup v2 cgroup.procs).
  if (fd < 0 || write(fd, "0", 1) != 1) err = errno;
  if (fd >= 0) close(fd);
  if (err == 0 && (s = socket(family, type, 0)) < 0) err = errno;
  char byte = static_cast<char>(err);
  iovec iov{&byte, 1};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))]{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (s >= 0) {
    msg.msg_control = ctl;
    msg.msg_controllen = sizeof ctl;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &s, sizeof(int));
  }
  _exit(sendmsg(chan, &msg, MSG_NOSIGNAL) == 1 ? 0 : 1);
}

// The parent's side: the socket, or the child's errno (EPIPE: it died).
int receive(int chan, int& err) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))]{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl;
  msg.msg_controllen = sizeof ctl;
  ssize_t n;
  do n = recvmsg(chan, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  err = n == 1 ? byte : n < 0 ? errno : EPIPE;
  cmsghdr* c = n == 1 ? CMSG_FIRSTHDR(&msg) : nullptr;
  if (err != 0 || !c || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return fd;
}

}  // namespace

retx::UniqueFd socket_in_cgroup(const std::string& cgroup_dir, int family, int type) {
  const std::string procs = cgroup_dir + "/cgroup.procs";
  const std::string what = "socket in cgroup " + cgroup_dir + ": ";
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0)
    throw std::runtime_error(what + "socketpair: " + std::strerror(errno));
  retx::UniqueFd mine(sp[0]), theirs(sp[1]);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(what + "fork: " + std::strerror(errno));
  if (pid == 0) make_and_send(procs.c_str(), family, type, sp[1]);
  theirs.reset();  // so a child that dies reads as EOF
  int err = 0;
  retx::UniqueFd fd(receive(mine.get(), err));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!fd) throw std::runtime_error(what + std::strerror(err ? err : EPROTO));
  return fd;
}

std::vector<std::string> sweep_stale_cgroups() {
  const std::string mount = retx::find_cgroup2_mount();
  return mount.empty() ? std::vector<std::string>{} : sweep_stale_files(mount, "rxl-");
}

}  // namespace retx::lab
