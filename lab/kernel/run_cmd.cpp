#include "run_cmd.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <pthread.h>

#include "unique_fd.h"

extern char** environ;

namespace retx::lab {
namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
  UniqueFd read, write;
  Pipe() {
    int fd[2];
    if (pipe2(fd, O_CLOEXEC) != 0) throw CmdError(std::string("pipe2: ") + std::strerror(errno));
    read.reset(fd[0]);
    write.reset(fd[1]);
  }
};

// The child's stdin, stdout and stderr; the parent keeps the other ends.
struct ChildIo {
  Pipe in, out, err;
};

std::string trim_tail(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Starts argv with the pipes as its standard streams, SIGPIPE at its default
// and no signal blocked (the child must not inherit the lab's mask).
pid_t spawn(const std::vector<std::string>& argv, ChildIo& io) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, io.in.read.get(), 0);
  posix_spawn_file_actions_adddup2(&fa, io.out.write.get(), 1);
  posix_spawn_file_actions_adddup2(&fa, io.err.write.get(), 2);
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, cargv[0], &fa, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw CmdError("`" + format_argv(argv) + "` could not start: " + std::strerror(rc));
  io.in.read.reset();
  io.out.write.reset();
  io.err.write.reset();
  return pid;
}

// A child that exits without reading its stdin must give us EPIPE, not a
// process-killing SIGPIPE: blocked on this thread while we write, and any
// pending one discarded before the mask is restored.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    timespec zero{};
    while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_, old_;
};

// Feeds stdin and drains both outputs in one poll loop (a child blocked on a
// full stdout pipe while we block writing its stdin would deadlock). Returns
// false when the deadline passed first.
bool exchange(ChildIo& io, const std::string& stdin_data, Clock::time_point deadline, CmdResult& res) {
  size_t written = 0;
  if (stdin_data.empty()) io.in.write.reset();
  else fcntl(io.in.write.get(), F_SETFL, O_NONBLOCK);
  UniqueFd& in = io.in.write;
  UniqueFd& out = io.out.read;
  UniqueFd& err = io.err.read;
  while (out || err) {
    pollfd pf[3];
    int n = 0;
    if (out) pf[n++] = {out.get(), POLLIN, 0};
    if (err) pf[n++] = {err.get(), POLLIN, 0};
    if (in) pf[n++] = {in.get(), POLLOUT, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    int pr = poll(pf, n, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    for (int i = 0; i < n; ++i) {
      if (!pf[i].revents) continue;
      if (pf[i].fd == in.get()) {
        ssize_t w = write(in.get(), stdin_data.data() + written, stdin_data.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN) || written == stdin_data.size()) in.reset();
        continue;
      }
      char buf[4096];
      ssize_t r = read(pf[i].fd, buf, sizeof buf);
      const bool is_out = pf[i].fd == out.get();
      if (r > 0) (is_out ? res.out : res.err).append(buf, static_cast<size_t>(r));
      else if (r == 0 || errno != EINTR) (is_out ? out : err).reset();
    }
  }
  return true;
}

}  // namespace

std::string first_line(const std::string& text) { return trim_tail(text.substr(0, text.find('\n'))); }

std::string format_argv(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

CmdResult try_cmd(const std::vector<std::string>& argv, const std::string& stdin_data,
                  std::chrono::milliseconds timeout) {
  if (argv.empty()) throw CmdError("run_cmd: empty argv");
  ChildIo io;
  const pid_t pid = spawn(argv, io);
  CmdResult res;
  bool finished;
  {
    SigpipeBlocked guard;
    finished = exchange(io, stdin_data, Clock::now() + timeout, res);
    io.in.write.reset();
  }
  if (!finished) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!finished) {
    res.exit_code = -1;
    res.err = "timed out after " + std::to_string(timeout.count()) + " ms; " + res.err;
  } else {
    res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return res;
}

CmdResult run_cmd(const std::vector<std::string>& argv, const std::string& stdin_data,
                  std::chrono::milliseconds timeout) {
  CmdResult r = try_cmd(argv, stdin_data, timeout);
  if (r.exit_code != 0) {
    throw CmdError("`" + format_argv(argv) + "` failed (exit " + std::to_string(r.exit_code) +
                   "): " + trim_tail(r.err));
  }
  return r;
}

}  // namespace retx::lab
