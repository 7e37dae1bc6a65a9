// Classic tracepoints (SEC("tp/...")) and bpftrace attach through a perf event
// whose id libbpf reads from tracefs: <root>/events/<category>/<name>/id, with
// <root> = /sys/kernel/debug/tracing where that path exists, else
// /sys/kernel/tracing (libbpf's own rule). A fresh machine may have neither
// mounted; tp_btf and raw_tp do not need tracefs at all.
#pragma once

#include <functional>
#include <string>

namespace retx {

// The tracefs root libbpf will use, and whether its events/ directory is there.
std::string tracefs_root();
bool tracefs_reachable();

// Runs fn where tracefs is reachable. If it already is, fn runs here. If not,
// fn runs on a short-lived thread that unshares its mount namespace (a slave of
// the caller's, so nothing propagates back) and mounts tracefs at
// /sys/kernel/tracing: the mount disappears with the thread, nothing is left
// on the host, and what fn attached stays attached (a perf event holds the
// tracepoint, not the mount). Needs CAP_SYS_ADMIN in that case. Exceptions
// from fn, or a runtime_error saying why tracefs could not be mounted, are
// rethrown here.
void with_tracefs(const std::function<void()>& fn);

}  // namespace retx
