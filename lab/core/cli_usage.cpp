// retx-lab's help texts: an overview, and one full text per command.
#include "cli_options.h"

namespace retx::lab {

namespace {

constexpr const char* kOverview = R"TXT(retx-lab: proves retx-exporter's retransmission counts against the kernel's own
counters, in network namespaces with impairments.

usage:
  retx-lab run [--suite smoke|full | FILE...] [--scenario NAME]... [--parallel N]
               [--exporter-url URL | --exporter-bin PATH] [--report PATH]
               [--reports-dir DIR] [--compare OLD.json] [--repeat K] [--verbose]
  retx-lab check FILE...     validate scenario files; creates nothing
  retx-lab sweep             remove namespaces, logs and cgroups left by SIGKILLed runs
  retx-lab report REPORT.json [MORE.json...] [--bench BENCH.json] [-o OUT.html]
                             one self-contained HTML page (gnuplot SVG, works
                             offline); several reports make a kernel matrix
  retx-lab pair --prefix rxl-<pid>-<tag> [--loss PCT] ...
                             a lossy pair of namespaces for scripts (iperf3, ...)
  retx-lab COMMAND --help    everything about one command
  retx-lab --help | --version

run starts <build>/exporter/retx-exporter on 127.0.0.1:<free port> unless
--exporter-url points at a running one. The report goes to
DIR/<suite>-<UTC time>.json (DIR defaults to ./reports) and to --report PATH.

exit codes: 0 no check failed (skipped and inconclusive are listed, not failed:
inconclusive means the lab's impairment missed its nominal rate), 1 a check
failed, 2 bad input, 3 environment (not root, missing tools or kernel
features, exporter missing), 130/143 interrupted (everything removed).
)TXT";

constexpr const char* kRun = R"TXT(retx-lab run [--suite NAME | FILE...] [options]: run scenario suites (root)

Builds client(s)-router-server namespaces per scenario, impairs the router's
egress with the best backend this kernel offers, drives the scenario's TCP
traffic, reads the kernel's counters and the exporter before and after, and
evaluates the scenario's checks. A summary table goes to stdout.

  --suite NAME          scenarios/NAME.json (smoke, full); the default is smoke
  FILE...               scenario files instead of a suite (names unique across them)
  --scenario NAME       run only this scenario of the suite (repeatable)
  --parallel N          run N scenarios at once (1-16, default 1): their
                        namespaces never collide; exporter-wide checks then
                        see the others' traffic too
  --exporter-bin PATH   the exporter to start (default <build>/exporter/retx-exporter,
                        on 127.0.0.1:<free port>, stopped at the end)
  --exporter-url URL    use a running exporter instead (http://HOST:PORT); scenarios
                        that need exporter flags of their own are then skipped
  --report PATH         also write the report here (replaced if it exists)
  --reports-dir DIR     where the timestamped report goes (default ./reports);
                        it never replaces an earlier report: a second run
                        started in the same second writes NAME-2.json
  --compare OLD.json    compare verdicts with an earlier report; exit 1 on a
                        regression: a scenario or check whose verdict got worse
                        (pass, inconclusive, fail), or that passed and is now
                        skipped or missing
  --repeat K            K attempts per scenario (1-100) instead of the file's
                        repeat.count; statistical checks then pass by quorum
                        (the file's quorum when K equals its count, else a majority)
  --verbose, -v         print every check's verdict and reason, not only failures

Before anything is created, every input is validated (exit 2: scenario files,
their sysctls, --compare's report, and that --reports-dir and --report's
directory can be created and written) and the host is checked (root, ip,
ethtool, the exporter; exit 3). Namespaces are named rxl-<pid>-<n>-*; Ctrl-C
and SIGTERM remove them (and the cgroups rxl-<pid>-<n>-* a scenario with
traffic "cgroup" makes), and a run sweeps what a SIGKILLed run left (its
namespaces, cgroups and /tmp/retx-lab-exporter-<pid>-* log).

exit codes: 0 no check failed, 1 a check failed or --compare found a
regression, 2 bad input, 3 environment, 130/143 interrupted.
)TXT";

constexpr const char* kCheck = R"TXT(retx-lab check FILE... | --suite NAME: validate scenario files (no root)

Parses every file as the run would, creates nothing, and prints each scenario
with its impairment, its number of checks and the impairment backends that
can express it. The first problem is reported as FILE: $.json.path: expected ...

Only regular files up to 16 MiB are read: a directory, a FIFO or a device
(/dev/zero) is refused at once, naming the file. Each topology.sysctls key must
be a writable file under /proc/sys in a fresh network namespace, as in the
run's namespaces (some net.core keys exist only in the host's); without root,
the current namespace's /proc/sys decides. The run applies the same rules.

exit codes: 0 valid, 2 invalid.
)TXT";

constexpr const char* kSweep = R"TXT(retx-lab sweep: remove what killed runs left (root)

Deletes the namespaces rxl-<pid>-* (lab runs and `retx-lab pair` pairs), the
exporter logs /tmp/retx-lab-exporter-<pid>-* and the cgroups rxl-<pid>-* under
the cgroup2 mount (scenarios with traffic "cgroup") whose owner pid is no
longer alive. A live run's or pair's are never touched.

exit codes: 0 done, 3 not root.
)TXT";

constexpr const char* kReport = R"TXT(retx-lab report REPORT.json [MORE.json...] [--bench BENCH.json]... [-o OUT.html]

Draws one self-contained HTML page (inline CSS and script, gnuplot SVG plots,
no network) from retx-lab run reports (reports/README.md) and optionally the
benchmarks' results (bench/README.md). lab/report/render-report.sh draws it;
it needs jq and gnuplot (scripts/setup.sh).

  REPORT.json...        one or more reports; several (e.g. one per kernel) give
                        the verdict grid one column per report: the kernel matrix
  --bench BENCH.json    add the benchmark plots (repeatable)
  -o, --output OUT.html where to write (default: the first report's path with
                        .html for .json); written to OUT.tmp and renamed

Every input is read and tried against every filter the page uses before
anything is drawn: a file that is not JSON, not a report of this shape, a
directory or over 16 MiB is refused with one line naming it (exit 2).

exit codes: 0 written, 1 gnuplot failed, 2 bad input, 3 jq or gnuplot missing.
)TXT";

constexpr const char* kPair = R"TXT(retx-lab pair --prefix rxl-<pid>-<tag> [options]: a lossy pair of namespaces (root)
retx-lab pair --delete rxl-<pid>-<tag>

For scripts that drive their own traffic (bench/overhead, scripts/observe.sh,
tests/deploy/prometheus_e2e.sh). Creates <prefix>-s (server) and <prefix>-c1..
(clients), each client joined to the server by a veth (to-s in the client,
to-c<N> in the server), and drops a share of every lossy client's TCP packets
on the server's ingress (nft, netdev ingress: real loss on the path, counted;
SYNs are spared so connects are not delayed). Client N is 198.18.N.1/24 and the
server 198.18.N.2 on its link (IPv6: fd52:7846:6c61:N::1 and ::2 /64).

  --prefix PREFIX          rxl-<owner pid>-<tag> (tag: 1-24 of [a-z0-9-]); the owner
                           is the process the pair belongs to (a script's $$)
  --clients N              clients (1-8, default 1)
  --loss PCT[,PCT...]      random loss in percent, one value for every client or
                           one per client (default 0)
  --loss-port PORT         drop only TCP to this server port (default: any port)
  --drop-syn-ports A-B     drop every SYN to these server ports (a SYN storm's target)
  --family ipv4|ipv6       addresses to configure (default ipv4)
  --offload gso|segment_exact
                           segment_exact: gso_max_segs 1 on both ends, one skb is
                           one segment (default gso)
  --json                   print a JSON object instead of shell lines
  --delete PREFIX          delete that pair's namespaces

Output (stdout), for `eval "$(retx-lab pair ...)"`: PAIR_PREFIX, PAIR_CLIENTS,
PAIR_SERVER_NS, PAIR_SERVER_INODE and per client N: PAIR_CN_NS, PAIR_CN_INODE,
PAIR_CN_ADDR, PAIR_CN_SERVER_ADDR, PAIR_CN_LOSS_PCT.

The pair outlives this command: delete it with --delete (scripts do so in
their exit trap). Ctrl-C or SIGTERM while it is being built removes it; once
the owner pid is gone, `retx-lab sweep` (or the next run or pair) removes
what is left.

exit codes: 0 created (or deleted), 2 bad input, 3 environment.
)TXT";

}  // namespace

std::string usage_text(const std::string& topic) {
  if (topic == "run") return kRun;
  if (topic == "check") return kCheck;
  if (topic == "sweep") return kSweep;
  if (topic == "report") return kReport;
  if (topic == "pair") return kPair;
  return kOverview;
}

}  // namespace retx::lab
