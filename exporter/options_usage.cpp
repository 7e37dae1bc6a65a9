// --help: every flag, endpoint, signal and exit code (the README's exporter
// section says the same; a unit test checks that every flag is listed).
#include "options.h"

namespace retx {

std::string usage_text() {
  return R"(Usage: retx-exporter [FLAGS]

Counts TCP retransmissions in the kernel (libbpf CO-RE probes on the
tcp_retransmit_skb and tcp_retransmit_synack tracepoints) and serves them to
Prometheus. Metrics are documented in exporter/METRICS.md.

Flags:
  -l, --listen HOST:PORT   the one address to serve on (default 0.0.0.0:2112): an IPv4
                           address, [IPv6] in brackets (where civetweb is built with
                           IPv6; Debian 12's is not), or :PORT for every address;
                           port 0 lets the kernel choose (the bound port is logged)
      --web.listen-address alias of --listen (as in node_exporter)
      --web.telemetry-path PATH
                           where the metrics are served (default /metrics)
      --web.config.file FILE
                           TLS and basic auth in exporter-toolkit's YAML format
                           (tls_server_config, http_server_config, basic_auth_users)
      --capabilities.keep LIST
                           capabilities kept once the probes are attached: auto
                           (default: only what a scrape needs), all, none, or names
                           such as cap_sys_ptrace,cap_sys_admin
      --peer-labels        add remote_addr, remote_port, local_port labels
      --cgroup-labels      add the socket's cgroup v2 path as a cgroup label, and
                           tcp_workload_info naming its unit, pod and container
      --series-budget N    at most N series with peer or cgroup labels; the rest fold
                           into 'overflow' series whose totals stay exact (default )" +
         std::to_string(kDefaultSeriesBudget) + R"()
      --netns LIST         count only these namespaces: inodes or /run/netns names,
                           comma separated, repeatable (default: all); each must exist
      --attach MODE        auto|tp_btf|raw_tp|tracepoint (default auto: the first that
                           loads, in that order)
      --btf PATH           kernel BTF to use where /sys/kernel/btf/vmlinux is missing
      --bpf-stats          enable kernel.bpf_stats while running (probe run time metrics)
      --once SECONDS       count for SECONDS, print the counts as JSON on stdout, exit
  -v, --verbose            print libbpf's and the web server's own log on stderr
      --version            print the version and exit
  -h, --help               print this help and exit

HTTP: GET or HEAD only (405 otherwise). / is a page of links, /healthz answers
ok once the probes are attached, PATH serves the metrics; anything else is 404.

Signals: SIGINT and SIGTERM detach the probes and exit 0. SIGHUP re-reads
--web.config.file (certificates, keys, client CAs, users); a file that no longer
passes the checks is reported on stderr and the previous configuration stays.

Exit codes: 0 ok, 1 runtime error, 2 bad flags, 3 missing privileges,
4 no kernel BTF, 5 tracepoint absent, 6 listen address unavailable (in use or
not local), 7 probe load failed, 8 bad web config file, 9 dropping privileges failed,
10 --cgroup-labels unusable here (kernel before 5.15, or no cgroup2 mount).
)";
}

}  // namespace retx
