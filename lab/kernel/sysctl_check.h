// Whether a scenario's sysctls exist where a run would write them, so that
// `retx-lab check` and the run's validation refuse a misspelt or missing
// sysctl instead of letting every attempt of the scenario fail.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "scenario.h"

namespace retx::lab {

// The rule: a key is valid when /proc/sys/<key with / for .> is a writable
// file in a fresh network namespace, as the run's namespaces are (some
// net.core keys exist only in the initial namespace). Without the right to
// create one (not root), the current namespace's /proc/sys decides instead.
// Returns, for each invalid key, why ("no such sysctl on this kernel", ...).
std::map<std::string, std::string> invalid_sysctls(const std::map<std::string, std::string>& sysctls);

// Throws InputError "FILE: $.scenarios[i].topology.sysctls.KEY: why" for the
// first invalid sysctl of any scenario.
void check_suite_sysctls(const Suite& suite);

}  // namespace retx::lab
