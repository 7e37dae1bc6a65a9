// retx-lab: runs scenario suites that hold retx-exporter to the kernel's own
// TCP counters. The work lives in lab/core (pure) and lab/run (orchestration).
#include <iostream>

#include "cli_options.h"
#include "commands.h"
#include "input_error.h"

#ifndef RETX_VERSION
#define RETX_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace retx::lab;
  try {
    CliOptions o = parse_cli(std::vector<std::string>(argv + 1, argv + argc));
    if (o.command == "help") { std::cout << usage_text(o.help_topic); return kExitPass; }
    if (o.command == "version") { std::cout << "retx-lab " << RETX_VERSION << "\n"; return kExitPass; }
    if (o.command == "check") return cmd_check(o);
    if (o.command == "sweep") return cmd_sweep(o);
    if (o.command == "report") return cmd_report(o);
    if (o.command == "pair") return cmd_pair(o);
    return cmd_run(o);
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Anything else is the environment failing under us (a tool refused, the
    // kernel said no); the cleanup registry has already removed what we made.
    std::cerr << "retx-lab: " << e.what() << "\n";
    return kExitEnvironment;
  }
}
