// What the exporter needs from the kernel, checked up front so that a missing
// privilege is one clear line instead of a verifier or EPERM message from deep
// inside libbpf; and what it gives up once the probes are attached.
//
// Loading and attaching need CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN). A
// scrape needs far less; measured on 6.18 (tests/privileged/exporter_privileges.sh
// repeats it): as root with every capability dropped,
//   - reading the probe's maps through the fds already held works: with
//     kernel.unprivileged_bpf_disabled set, the kernel refuses only map
//     creation and program loads (since 5.19; measured on 6.18, and on Debian's
//     6.1 in lab/vm with the sysctl at 2); older kernels refuse every bpf()
//     call, and there CAP_BPF is kept: found by trying, not by version;
//   - /proc/PID/net/snmp of any process is world-readable, and so are the
//     nsfs files under /run/netns;
//   - readlink /proc/PID/ns/net of another root process fails with EACCES:
//     CAP_SYS_PTRACE is how namespaces without a /run/netns name (containers,
//     pods) are found at all;
//   - setns() into a namespace that only a /run/netns bind mount keeps alive
//     (no process inside to read through) fails with EPERM: CAP_SYS_ADMIN is
//     how those get tcp_segments_sent_total.
// So by default (--capabilities.keep auto) the exporter keeps CAP_SYS_PTRACE and
// CAP_SYS_ADMIN (those it holds), CAP_BPF only where map reads need it, and
// CAP_NET_BIND_SERVICE only for a port below 1024 (the server binds after the
// drop). Everything else goes from the effective, permitted, inheritable,
// ambient and bounding sets, and no_new_privs is set.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "options.h"

namespace retx {

// Empty when the process may load and attach tracing programs; otherwise
// the missing capabilities, e.g. "CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)".
std::string missing_bpf_capabilities();

struct PrivilegeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DropPlan {
  CapabilityKeep keep;
  bool low_port = false;  // the server will bind a port below 1024
  // Tries a map read with only the kept capabilities effective: false when the
  // kernel wants CAP_BPF for it.
  std::function<bool()> map_read_works;
};

// Must run while the process has one thread: capabilities are per thread, and
// threads started later inherit the reduced sets. Returns the kept set as
// text ("cap_sys_admin,cap_sys_ptrace", or "none"); throws PrivilegeError.
std::string drop_privileges(const DropPlan& plan);

}  // namespace retx
