// The refreshing table: reads every interval, redraws on every key, ends on
// q, on SIGINT/SIGTERM/SIGHUP or when the terminal goes away, and always
// restores the terminal (the caller's destructors then detach BPF).
#pragma once

#include <string>

#include "conn_reader.h"
#include "top_options.h"

namespace retx::top {

// Throws NoTerminal without a terminal. Returns the exit code.
int run_interactive(ConnectionReader& reader, const std::string& causes_brief, const TopOptions& opt);

}  // namespace retx::top
