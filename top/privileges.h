// What retx-top needs before it touches a namespace or BPF, checked up front
// so a missing privilege is one clear line (exit code 3).
#pragma once

#include <string>

namespace retx::top {

// Empty when the process may enter namespaces, load BPF and read other
// processes' fd tables; otherwise what is missing.
std::string missing_top_privileges();

}  // namespace retx::top
