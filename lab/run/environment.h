// What the host must offer before a run creates anything: root, the tools the
// kernel layer shells out to, and facts for the report.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace retx::lab {

// One line naming what is missing, or nullopt when the host can run the lab.
std::optional<std::string> environment_problem();

// kernel_release, machine, cpus, hostname.
nlohmann::json host_facts();

// Finds an executable in $PATH (or an absolute path); empty when absent.
std::string find_executable(const std::string& name);

// "2026-11-26T08:10:00Z" and "20261126T081000Z" for the same instant.
std::string utc_iso(std::time_t t);
std::string utc_compact(std::time_t t);

}  // namespace retx::lab
