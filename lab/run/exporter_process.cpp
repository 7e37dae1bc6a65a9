#include "exporter_process.h"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "cleanup.h"
#include "http_get.h"
#include "unique_fd.h"

namespace retx::lab {

namespace {

// Asks the kernel for a free loopback port. The tiny window before the
// exporter binds it is acceptable: a collision makes startup fail loudly.
int free_loopback_port() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error(std::string("cannot find a free loopback port: ") + std::strerror(errno));
  }
  return ntohs(a.sin_port);
}

}  // namespace

namespace {

// DIR/NAME in the build tree this binary runs from (build/lab/retx-lab →
// build/DIR/NAME), or NAME alone when /proc/self/exe cannot be read.
std::string sibling_binary(const char* dir, const char* name) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return name;
  return (self.parent_path().parent_path() / dir / name).lexically_normal().string();
}

}  // namespace

std::string default_exporter_path() { return sibling_binary("exporter", "retx-exporter"); }
std::string default_top_path() { return sibling_binary("top", "retx-top"); }

ExporterProcess::ExporterProcess(const std::string& bin, const std::vector<std::string>& args,
                                 std::chrono::seconds ready_timeout) {
  const int port = free_loopback_port();
  url_ = "http://127.0.0.1:" + std::to_string(port);
  // The pid in the name lets the next run sweep the log of a SIGKILLed one.
  std::string tmpl = std::string(kExporterLogDir) + "/" + kExporterLogHead + std::to_string(::getpid()) + "-XXXXXX";
  UniqueFd log_fd(::mkstemp(tmpl.data()));
  if (!log_fd) throw std::runtime_error(std::string("cannot create exporter log: ") + std::strerror(errno));
  log_path_ = tmpl;

  std::vector<std::string> argv = {bin, "--listen", "127.0.0.1:" + std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) {
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    // Child: die with the lab even if the lab is SIGKILLed, so no exporter
    // (with its attached probes) outlives the run.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(log_fd.get(), STDOUT_FILENO);
    ::dup2(log_fd.get(), STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::execv(cargv[0], cargv.data());
    // Only async-signal-safe calls between fork and exec: the lab is threaded.
    static const char msg[] = "retx-lab: exec of the exporter failed\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof(msg) - 1);
    ::_exit(127);
  }
  log_fd.reset();
  register_child(pid_);

  const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  while (true) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      unregister_child(pid_);
      pid_ = -1;
      std::string why = WIFEXITED(status) ? "exited with code " + std::to_string(WEXITSTATUS(status))
                                          : "was killed by signal " + std::to_string(WTERMSIG(status));
      std::string tail = log_tail();
      std::remove(log_path_.c_str());
      throw ExporterExited(bin + " " + why + " before becoming healthy: " + tail,
                           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    if (exporter_healthy(url_)) return;
    if (std::chrono::steady_clock::now() > deadline) {
      std::string tail = log_tail();
      stop();
      throw std::runtime_error(bin + " did not answer GET /healthz with 200 within " +
                               std::to_string(ready_timeout.count()) + " s: " + tail);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string ExporterProcess::log_tail() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > 400) s = "..." + s.substr(s.size() - 400);
  for (auto& c : s)
    if (c == '\n') c = ' ';
  return s.empty() ? "(no output)" : s;
}

void ExporterProcess::stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  // SIGTERM lets it detach its links; give it a moment, then insist.
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) { unregister_child(pid_); pid_ = -1; return; }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  unregister_child(pid_);
  pid_ = -1;
}

ExporterProcess::~ExporterProcess() {
  stop();
  if (!log_path_.empty()) std::remove(log_path_.c_str());
}

bool exporter_healthy(const std::string& base_url) {
  try {
    auto u = parse_http_url(base_url + "/healthz");
    return http_get(u, std::chrono::seconds(2)).status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

PromScrape scrape_metrics(const std::string& base_url) {
  auto u = parse_http_url(base_url + "/metrics");
  auto r = http_get(u, std::chrono::seconds(10));
  if (r.status != 200)
    throw std::runtime_error("GET " + base_url + "/metrics answered " + std::to_string(r.status));
  try {
    return parse_prom_text(r.body);
  } catch (const std::exception& e) {
    throw std::runtime_error("GET " + base_url + "/metrics: bad exposition format: " + e.what());
  }
}

}  // namespace retx::lab
