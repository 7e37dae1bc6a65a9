// retx-exporter: loads the retransmit probes and serves /metrics.
//
// Startup order, each step failing with its own exit code (options.h):
// flags -> inputs that need the file system (web config, --btf, --netns, the
// port) -> probes attached -> privileges dropped (one thread at that point)
// -> HTTP server started -> signals.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

#include "collector.h"
#include "http_server.h"
#include "options.h"
#include "privileges.h"
#include "probe.h"
#include "snapshot_json.h"
#include "startup_checks.h"
#include "text_exposition.h"
#include "web_state.h"

#ifndef RETX_VERSION
#define RETX_VERSION "0.0.0"
#endif

namespace {

using namespace retx;

bool g_verbose = false;

int libbpf_log(enum libbpf_print_level, const char* fmt, va_list args) {
  // Fallback attempts make libbpf warn about flavours the kernel refused; the
  // exporter reports those itself, so only --verbose shows libbpf's text.
  if (!g_verbose) return 0;
  return vfprintf(stderr, fmt, args);
}

std::string libbpf_version() {
  return std::to_string(libbpf_major_version()) + "." + std::to_string(libbpf_minor_version());
}

// Everything checked before the probes load.
struct Inputs {
  std::unique_ptr<WebState> web;
  std::vector<std::uint32_t> netns;
};

Inputs check_inputs(const Options& opt) {
  Inputs in;
  in.web = std::make_unique<WebState>(opt.web_config_file);
  check_btf_file(opt.btf_path);
  if (auto missing = missing_bpf_capabilities(); !missing.empty()) {
    throw CheckError(exit_code::kPrivileges, "missing privileges: needs " + missing + " (run as root)");
  }
  in.netns = resolve_netns_entries(opt.netns);
  if (!opt.once_seconds) check_can_listen(opt.listen);
  return in;
}

std::unique_ptr<Probe> attach(const Options& opt, const std::vector<std::uint32_t>& netns) {
  ProbeConfig pc;
  pc.attach = opt.attach;
  pc.labels = opt.series_labels();
  pc.btf_path = opt.btf_path;
  pc.netns_filter = netns;
  auto probe = std::make_unique<Probe>(pc);
  std::cerr << "retx-exporter: attached tcp_retransmit_skb"
            << (probe->features().has_synack_tracepoint ? ", tcp_retransmit_synack" : "")
            << (probe->features().has_state_tracepoint ? ", inet_sock_set_state" : "") << " via "
            << attach_mode_name(probe->attach_mode())
            << (probe->features().skb_has_err ? " (err field: failures counted apart)" : " (no err field)") << "\n";
  for (const auto& n : probe->fallback_notes()) std::cerr << "retx-exporter:   skipped " << n << "\n";
  if (probe->features().skips_pid1_context)
    std::cerr << "retx-exporter: this kernel runs no tracing program while PID 1 is the current task "
                 "(bpf_prog_aux.init_owned): retransmits there are counted late, at the socket's next "
                 "program run (missed if it has none)\n";
  std::cerr << "retx-exporter: namespaces told apart by " << probe->netns_identity_note() << "\n";
  std::cerr << "retx-exporter: per-socket baselines " << probe->baseline_note() << "\n";
  return probe;
}

void drop(const Options& opt, const Probe& probe) {
  DropPlan plan;
  plan.keep = opt.keep_caps;
  plan.low_port = !opt.once_seconds && opt.listen.port != 0 && opt.listen.port < 1024;
  int fd = probe.agg_map_fd();
  plan.map_read_works = [fd] {
    std::uint8_t key[64];
    return bpf_map_get_next_key(fd, nullptr, key) == 0 || errno == ENOENT;
  };
  std::cerr << "retx-exporter: capabilities kept: " << drop_privileges(plan) << "; no_new_privs set\n";
}

// --cgroup-labels where the kernel cannot give a socket's cgroup, or no cgroup2 is mounted.
std::shared_ptr<RetxCollector> make_collector(const Probe& probe, const CollectorConfig& cc) {
  try {
    return std::make_shared<RetxCollector>(probe, cc, BuildInfo{RETX_VERSION, libbpf_version()});
  } catch (const std::invalid_argument& e) {
    throw CheckError(exit_code::kCgroupLabels, e.what());
  }
}

int run_once(double seconds, const RetxCollector& collector) {
  timespec ts{static_cast<time_t>(seconds), static_cast<long>((seconds - static_cast<time_t>(seconds)) * 1e9)};
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  siginfo_t si;
  // A scrape at the window's start: the printed one's uncounted_segments
  // then covers the window (a namespace's first scrape is its baseline).
  (void)collector.snapshot();
  sigtimedwait(&stop, &si, &ts);  // a signal ends the window early
  std::cout << snapshot_to_json(collector.snapshot()).dump(2) << "\n";
  return exit_code::kOk;
}

// Serves until SIGINT or SIGTERM; SIGHUP re-reads the web config.
int serve(const Options& opt, WebState& web, const std::shared_ptr<RetxCollector>& collector) {
  HttpConfig hc{opt.listen, opt.telemetry_path, RETX_VERSION, opt.verbose};
  auto writer = std::make_shared<ExpositionWriter>();
  HttpServer server(hc, web, [collector, writer] { return collector->metrics_text(*writer); });
  ListenAddress bound = opt.listen;
  bound.port = server.port();
  std::cerr << "retx-exporter: serving " << (web.tls() ? "https://" : "http://") << bound.text() << opt.telemetry_path
            << (web.current()->users.empty() ? "" : " (basic auth)") << "\n";
  sigset_t sigs;
  sigemptyset(&sigs);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sigs, s);
  for (;;) {
    int sig = 0;
    sigwait(&sigs, &sig);
    if (sig != SIGHUP) {
      std::cerr << "retx-exporter: " << strsignal(sig) << ", detaching\n";
      return exit_code::kOk;
    }
    if (opt.web_config_file.empty()) {
      std::cerr << "retx-exporter: SIGHUP ignored: no --web.config.file to reload\n";
      continue;
    }
    try {
      web.reload();
      std::cerr << "retx-exporter: SIGHUP: reloaded " << opt.web_config_file << "\n";
    } catch (const std::exception& e) {
      std::cerr << "retx-exporter: SIGHUP: " << e.what() << "; the previous web config stays in force\n";
    }
  }
}

int exit_code_of(const std::exception& e) {
  if (auto* c = dynamic_cast<const CheckError*>(&e)) return c->exit_code;
  if (auto* s = dynamic_cast<const StartupError*>(&e)) return s->exit_code;
  if (dynamic_cast<const WebConfigError*>(&e)) return exit_code::kWebConfig;
  if (dynamic_cast<const ListenError*>(&e)) return exit_code::kListen;
  if (dynamic_cast<const PrivilegeError*>(&e)) return exit_code::kDropPrivileges;
  return exit_code::kRuntime;
}

// Each served namespace holds two open counters files (netns_files.h): raise
// the soft descriptor limit to the hard one (systemd's default soft limit,
// 1024, would cover ~250 namespaces). civetweb polls, so fds above 1024 are safe.
void raise_open_files_limit() {
  struct rlimit rl {};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max) return;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) std::cerr << "retx-exporter: warning: raising RLIMIT_NOFILE: " << std::strerror(errno) << "\n";
}

int run(const Options& opt) {
  libbpf_set_print(libbpf_log);
  // Signals are taken by sigwait; block them before any thread starts so that
  // no civetweb worker receives them, and SIGHUP does not end the process.
  sigset_t sigs;
  sigemptyset(&sigs);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sigs, s);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  try {
    Inputs in = check_inputs(opt);
    auto probe = attach(opt, in.netns);
    int stats_fd = opt.bpf_stats ? bpf_enable_stats(BPF_STATS_RUN_TIME) : -1;
    if (opt.bpf_stats && stats_fd < 0) std::cerr << "retx-exporter: warning: --bpf-stats: " << std::strerror(errno) << "\n";
    drop(opt, *probe);
    raise_open_files_limit();
    CollectorConfig cc{opt.series_labels(), in.netns, opt.cgroup_labels ? find_cgroup2_mount() : ""};
    auto collector = make_collector(*probe, cc);
    if (const BaselineSeeder* seeder = probe->seeder()) {
      std::cerr << "retx-exporter: seed pass at start: " << seeder->marked() << " namespaces walked, "
                << seeder->sockets_seeded() << " sockets had retransmitted"
                << (seeder->marked() == 0 ? " (entering a namespace needs cap_sys_admin: every connection keeps a baseline)"
                                          : "")
                << "\n";
    }
    // Loading the probe parsed the kernel's BTF (megabytes, all freed now);
    // the heap is not trimmed below 32 MiB (main), so give it back here.
    malloc_trim(0);
    int rc = opt.once_seconds ? run_once(*opt.once_seconds, *collector) : serve(opt, *in.web, collector);
    if (stats_fd >= 0) close(stats_fd);
    return rc;
  } catch (const std::exception& e) {
    std::cerr << "retx-exporter: " << e.what() << "\n";
    return exit_code_of(e);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // A scrape of 10k series holds ~7 MiB at its peak (5.5 MiB of families,
  // mostly their labels in small blocks; a 1.4 MiB body), freed once the
  // response is written. One arena: scrapes are serialized by the collector,
  // and with glibc's default (one arena per contending thread, up to 8 per
  // core) the scrapes served by different civetweb workers each left their
  // memory in their own arena: 80-100 MiB of RSS at 10k series. Large blocks
  // from that heap too, and no trimming of less than 32 MiB: the next scrape
  // reuses the same pages instead of mapping and faulting them in again
  // (page faults and heap growth were half of a scrape's time on this VM),
  // so RSS stays at one scrape's peak (bench/README.md, "Scrape").
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
  Options opt;
  try {
    opt = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const ParseError& e) {
    std::cerr << "retx-exporter: " << e.what() << "\n";
    return exit_code::kBadFlags;
  }
  if (opt.help) {
    std::cout << usage_text();
    return exit_code::kOk;
  }
  if (opt.version) {
    std::cout << "retx-exporter " << RETX_VERSION << " (libbpf " << libbpf_version() << ")\n";
    return exit_code::kOk;
  }
  g_verbose = opt.verbose;
  return run(opt);
}
