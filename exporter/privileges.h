// What the exporter needs from the kernel before it touches BPF, checked up
// front so that a missing privilege is one clear line instead of a verifier
// or EPERM message from deep inside libbpf.
#pragma once

#include <string>

namespace retx {

// Empty when the process may load and attach tracing programs; otherwise
// the missing capabilities, e.g. "CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)".
std::string missing_bpf_capabilities();

}  // namespace retx
