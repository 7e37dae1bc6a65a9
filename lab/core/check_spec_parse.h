// Validation of one entry of a scenario's "expect" array: which check kinds
// exist, which parameters each takes, and the namespace roles they may name.
#pragma once

#include <string>
#include <vector>

#include "json_reader.h"
#include "scenario.h"

namespace retx::lab {

const std::vector<std::string>& check_kinds();

// Roles a check may name. "sender"/"receiver" follow traffic.direction;
// "client" means every client namespace.
const std::vector<std::string>& namespace_roles();

// Checks whose outcome is statistical: they are combined over repeats by quorum.
bool is_statistical(const std::string& kind);

CheckSpec parse_check(const JsonReader& r, const Scenario& s);

}  // namespace retx::lab
