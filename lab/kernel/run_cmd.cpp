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

extern char** environ;

namespace retx::lab {
namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) throw CmdError(std::string("pipe2: ") + std::strerror(errno));
  }
  ~Pipe() { close_both(); }
  void close_end(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
  void close_both() {
    close_end(0);
    close_end(1);
  }
};

std::string trim_tail(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

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
  Pipe in, out, err;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err.fd[1], 2);
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  // The child must not inherit a blocked or ignored SIGPIPE from the lab.
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
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);

  // Feed stdin and drain both outputs in one poll loop: a child blocked on a
  // full stdout pipe while we block writing its stdin would deadlock.
  size_t written = 0;
  // A child that exits without reading its stdin must give us EPIPE, not a
  // process-killing SIGPIPE: block it on this thread and discard it after.
  sigset_t pipe_set, old_mask;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  if (stdin_data.empty()) in.close_end(1);
  else fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  CmdResult res;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    pollfd pf[3];
    int n = 0;
    if (out.fd[0] >= 0) pf[n++] = {out.fd[0], POLLIN, 0};
    if (err.fd[0] >= 0) pf[n++] = {err.fd[0], POLLIN, 0};
    if (in.fd[1] >= 0) pf[n++] = {in.fd[1], POLLOUT, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    int pr = poll(pf, n, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    for (int i = 0; i < n; ++i) {
      if (!pf[i].revents) continue;
      if (pf[i].fd == in.fd[1]) {
        ssize_t w = write(in.fd[1], stdin_data.data() + written, stdin_data.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN) in.close_end(1);
        if (written == stdin_data.size()) in.close_end(1);
        continue;
      }
      char buf[4096];
      ssize_t r = read(pf[i].fd, buf, sizeof buf);
      if (r > 0) {
        (pf[i].fd == out.fd[0] ? res.out : res.err).append(buf, static_cast<size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        if (pf[i].fd == out.fd[0]) out.close_end(0);
        else err.close_end(0);
      }
    }
  }
  in.close_end(1);
  timespec zero{};
  while (sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
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
