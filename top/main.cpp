// retx-top: every TCP connection in every network namespace, with its
// retransmissions, from the kernel (top/README section in the repository
// README, `retx-top --help`).
#include <bpf/libbpf.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "causes_source.h"
#include "conn_json.h"
#include "conn_reader.h"
#include "interactive.h"
#include "privileges.h"
#include "table.h"
#include "terminal.h"
#include "top_options.h"

#ifndef RETX_VERSION
#define RETX_VERSION "0.0.0"
#endif

namespace retx::top {
namespace {

// libbpf explains a refused iterator at length; retx-top says it in one line.
int quiet_libbpf(enum libbpf_print_level, const char*, va_list) { return 0; }

// The iterator unless --diag or it cannot load here; then INET_DIAG, with why.
std::unique_ptr<SocketReader> choose_reader(const TopOptions& opt, const CausesSource& causes, std::string& why) {
  if (opt.diag) {
    why = "forced by --diag";
  } else {
    try {
      return make_iter_reader(causes.map_fd(), causes.kind());
    } catch (const std::exception& e) {
      why = std::string("BPF iterator unavailable: ") + e.what();
    }
  }
  return make_diag_reader(causes.map_fd(), causes.kind());
}

int terminal_width() {
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 120;  // a pipe or file: wide enough for IPv4 peers untruncated
}

void say_timing(const ReadReport& rep, std::size_t conns) {
  std::fprintf(stderr, "retx-top: read %zu connections in %zu namespaces: sockets %.1f ms, owners %.1f ms, cgroups %.1f ms\n",
               conns, rep.namespaces, rep.sockets_ms, rep.owners_ms, rep.cgroups_ms);
}

int run_once(ConnectionReader& reader, const CausesSource& causes, const TopOptions& opt) {
  SortKey sort = effective_sort(opt);
  ReadReport rep;
  PrevSample prev;
  auto conns = reader.read_all(opt.netns, &rep);
  if (opt.verbose) say_timing(rep, conns.size());
  if (sort == SortKey::Interval) {  // an interval needs two readings
    prev = sample_of(conns);
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(opt.interval_s * 1000)));
    conns = reader.read_all(opt.netns, &rep);
  }
  if (rep.failed && rep.namespaces == 0) {
    std::cerr << "retx-top: no socket reader works here: " << rep.last_error << "\n";
    return kExitNoReader;
  }
  if (rep.failed) std::cerr << "retx-top: " << rep.failed << " namespace(s) unreadable: " << rep.last_error << "\n";
  Filter f{{}, opt.port, opt.pid, "", opt.min_retrans};
  auto rows = select_rows(conns, prev, f, sort, opt.limit);
  auto t0 = std::chrono::steady_clock::now();
  if (opt.json) {
    write_connections_json(std::cout, rows, reader.reader().name(), causes.to_json());
  } else {
    for (const auto& line : render_table(rows, terminal_width(), sort == SortKey::Interval)) std::cout << line << "\n";
  }
  std::cout.flush();
  if (opt.verbose) std::fprintf(stderr, "retx-top: output %.1f ms\n", ms_since(t0));
  return kExitOk;
}

int run(const TopOptions& opt) {
  if (auto missing = missing_top_privileges(); !missing.empty()) {
    std::cerr << "retx-top: missing privileges: needs " << missing << "; run as root\n";
    return kExitPrivileges;
  }
  if (!opt.once && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
    std::cerr << "retx-top: the interactive view needs a terminal on stdin and stdout; use --once (or --once --json)\n";
    return kExitNoTerminal;
  }
  if (auto bad = unmatched_netns(opt.netns); !bad.empty()) {
    std::cerr << "retx-top: --netns: '" << bad.front() << "' matches no network namespace (inode or /run/netns name)\n";
    return kExitUsage;
  }
  libbpf_set_print(quiet_libbpf);
  std::unique_ptr<CausesSource> causes;
  auto t0 = std::chrono::steady_clock::now();
  try {
    causes = std::make_unique<CausesSource>(opt.causes, opt.causes_prog_id, !opt.once);
  } catch (const std::exception& e) {
    std::cerr << "retx-top: " << e.what() << "\n";
    return kExitRuntime;
  }
  double causes_ms = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  std::string why;
  ConnectionReader reader(choose_reader(opt, *causes, why));
  if (opt.verbose) std::fprintf(stderr, "retx-top: causes source %.1f ms, reader load %.1f ms\n", causes_ms, ms_since(t0));
  std::cerr << "retx-top: sockets from " << reader.reader().name()
            << (why.empty() ? " (a BPF iterator per network namespace)" : " (" + why + ")") << "\n";
  std::cerr << "retx-top: " << causes->describe() << "\n";
  if (reader.reader().name() == std::string("inet_diag") && causes->kind() == RETX_TOP_CAUSES_PTR_HASH) {
    std::cerr << "retx-top: inet_diag cannot read the raw_tp/tracepoint probe's per-socket hash: no causes\n";
  }
  if (opt.once) return run_once(reader, *causes, opt);
  return run_interactive(reader, causes->brief(), opt);
}

}  // namespace
}  // namespace retx::top

int main(int argc, char** argv) {
  using namespace retx::top;
  TopOptions opt;
  try {
    opt = parse_top_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "retx-top: " << e.what() << "\n";
    return kExitUsage;
  }
  if (opt.help) {
    std::cout << top_usage_text();
    return kExitOk;
  }
  if (opt.version) {
    std::cout << "retx-top " << RETX_VERSION << "\n";
    return kExitOk;
  }
  try {
    return run(opt);
  } catch (const NoTerminal& e) {
    std::cerr << "retx-top: " << e.what() << "\n";
    return kExitNoTerminal;
  } catch (const std::exception& e) {
    std::cerr << "retx-top: " << e.what() << "\n";
    return kExitRuntime;
  }
}
