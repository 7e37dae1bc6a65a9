// retx-exporter: loads the retransmit probes and serves /metrics.
#include <bpf/libbpf.h>
#include <CivetServer.h>
#include <bpf/bpf.h>
#include <unistd.h>
#include <prometheus/exposer.h>
#include <malloc.h>
#include <signal.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <thread>

#include "collector.h"
#include "netns_scan.h"
#include "options.h"
#include "privileges.h"
#include "probe.h"
#include "snapshot_json.h"

#ifndef RETX_VERSION
#define RETX_VERSION "0.0.0"
#endif

namespace {

bool g_verbose = false;

int libbpf_log(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (!g_verbose && level != LIBBPF_WARN) return 0;
  // Fallback attempts make libbpf warn about flavours the kernel refused; the
  // exporter reports those itself, so only --verbose shows libbpf's text.
  if (!g_verbose) return 0;
  return vfprintf(stderr, fmt, args);
}

// /healthz answers only once the probes are attached: the Exposer (and this
// callback) is created after the Probe.
int begin_request(struct mg_connection* conn) {
  const struct mg_request_info* ri = mg_get_request_info(conn);
  if (ri && ri->local_uri && std::strcmp(ri->local_uri, "/healthz") == 0) {
    mg_printf(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
    return 200;
  }
  return 0;
}

std::string libbpf_version() {
  return std::to_string(libbpf_major_version()) + "." + std::to_string(libbpf_minor_version());
}

int run(const retx::Options& opt) {
  if (auto missing = retx::missing_bpf_capabilities(); !missing.empty()) {
    std::cerr << "retx-exporter: missing privileges: needs " << missing << " (run as root)\n";
    return 3;
  }
  libbpf_set_print(libbpf_log);

  retx::ProbeConfig pc;
  pc.attach = opt.attach;
  pc.labels = opt.series_labels();
  pc.btf_path = opt.btf_path;
  try {
    pc.netns_filter = retx::resolve_netns_filter(opt.netns);
  } catch (const std::exception& e) {
    std::cerr << "retx-exporter: " << e.what() << "\n";
    return 2;
  }

  // Signals are taken by sigwait below; block them before any thread starts so
  // no civetweb worker receives them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  std::unique_ptr<retx::Probe> probe;
  try {
    probe = std::make_unique<retx::Probe>(pc);
  } catch (const retx::StartupError& e) {
    std::cerr << "retx-exporter: " << e.what() << "\n";
    return e.exit_code;
  }
  int stats_fd = -1;
  if (opt.bpf_stats) {
    stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
    if (stats_fd < 0) std::cerr << "retx-exporter: warning: --bpf-stats: " << std::strerror(errno) << "\n";
  }
  std::cerr << "retx-exporter: attached tcp_retransmit_skb"
            << (probe->features().has_synack_tracepoint ? ", tcp_retransmit_synack" : "")
            << (probe->features().has_state_tracepoint ? ", inet_sock_set_state" : "") << " via "
            << retx::attach_mode_name(probe->attach_mode())
            << (probe->features().skb_has_err ? " (err field: failures counted apart)" : " (no err field)") << "\n";
  for (const auto& n : probe->fallback_notes()) std::cerr << "retx-exporter:   skipped " << n << "\n";
  std::cerr << "retx-exporter: namespaces told apart by " << probe->netns_identity_note() << "\n";

  retx::CollectorConfig cc{pc.labels, pc.netns_filter, opt.cgroup_labels ? retx::find_cgroup2_mount() : ""};
  std::shared_ptr<retx::RetxCollector> collector;
  try {
    collector = std::make_shared<retx::RetxCollector>(*probe, cc, retx::BuildInfo{RETX_VERSION, libbpf_version()});
  } catch (const std::invalid_argument& e) {
    std::cerr << "retx-exporter: " << e.what() << "\n";
    return 8;
  }

  if (opt.once_seconds) {
    timespec ts{static_cast<time_t>(*opt.once_seconds),
                static_cast<long>((*opt.once_seconds - static_cast<time_t>(*opt.once_seconds)) * 1e9)};
    siginfo_t si;
    sigtimedwait(&sigs, &si, &ts);  // a signal ends the window early
    std::cout << retx::snapshot_to_json(collector->snapshot()).dump(2) << "\n";
    if (stats_fd >= 0) close(stats_fd);
    return 0;
  }

  CivetCallbacks callbacks;
  callbacks.begin_request = begin_request;
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(opt.listen, 2, &callbacks);
  } catch (const std::exception& e) {
    std::cerr << "retx-exporter: cannot listen on " << opt.listen << ": " << e.what()
              << " (address in use or not local?)\n";
    return 6;
  }
  exposer->RegisterCollectable(collector);  // the Exposer keeps a weak_ptr: `collector` outlives it
  std::cerr << "retx-exporter: serving http://" << opt.listen << "/metrics\n";

  int sig = 0;
  sigwait(&sigs, &sig);
  std::cerr << "retx-exporter: " << strsignal(sig) << ", detaching\n";
  exposer.reset();
  probe.reset();
  if (stats_fd >= 0) close(stats_fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A scrape of many series builds a multi-megabyte body and family vectors
  // that are freed right after: give blocks this large their own mappings so
  // they go back to the kernel instead of staying in the heap (RSS).
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024);
  retx::Options opt;
  try {
    opt = retx::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const retx::ParseError& e) {
    std::cerr << "retx-exporter: " << e.what() << "\n";
    return 2;
  }
  if (opt.help) {
    std::cout << retx::usage_text();
    return 0;
  }
  if (opt.version) {
    std::cout << "retx-exporter " << RETX_VERSION << " (libbpf " << libbpf_version() << ")\n";
    return 0;
  }
  g_verbose = opt.verbose;
  try {
    return run(opt);
  } catch (const std::exception& e) {
    std::cerr << "retx-exporter: " << e.what() << "\n";
    return 1;
  }
}
