// retx-lab pair: builds the lossy pair of lab/core/pair_spec.h for a script
// and hands it over, or deletes one.
#include <signal.h>

#include <cerrno>
#include <iostream>

#include "cleanup.h"
#include "commands.h"
#include "environment.h"
#include "input_error.h"
#include "pair.h"

namespace retx::lab {

namespace {

// The pid in "rxl-<pid>-<tag>" (the prefix was validated by parse_cli).
pid_t owner_of(const std::string& prefix) {
  return static_cast<pid_t>(std::stol(prefix.substr(4, prefix.find('-', 4) - 4)));
}

}  // namespace

int cmd_pair(const CliOptions& o) {
  if (auto p = environment_problem()) {
    std::cerr << "retx-lab pair: " << *p << "\n";
    return kExitEnvironment;
  }
  if (!o.pair_delete.empty()) {
    auto removed = delete_pair(o.pair_delete);
    std::cout << "pair " << o.pair_delete << ": " << removed.size() << " namespace(s) deleted\n";
    return kExitPass;
  }
  // A pair whose owner is already gone would be swept by the next run at once.
  const pid_t owner = owner_of(o.pair.prefix);
  if (::kill(owner, 0) != 0 && errno == ESRCH)
    throw InputError("retx-lab pair: --prefix " + o.pair.prefix + ": no process " + std::to_string(owner) +
                     " owns it (use the calling script's $$)");
  install_signal_cleanup();
  for (const auto& n : sweep_stale("rxl").removed) std::cerr << "swept stale namespace " << n << " (left by a killed run)\n";
  Pair pair(o.pair);
  if (o.json) std::cout << pair_to_json(pair.info()).dump(2) << "\n";
  else std::cout << pair_shell_lines(pair.info());
  std::cout.flush();
  pair.release();
  return kExitPass;
}

}  // namespace retx::lab
