// Scenario files -> Suite, validating everything the runner will rely on.
// The C++ validator is the enforcer; scenarios/schema.json documents the same
// rules for editors and people.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenario.h"

namespace retx::lab {

// Throws InputError ("file: $.path: expected ...") at the first problem.
Suite parse_suite(const nlohmann::json& doc, const std::string& file);
Suite load_suite_file(const std::string& file);

// Several files form one run; scenario names must stay unique across them.
Suite load_suites(const std::vector<std::string>& files);

}  // namespace retx::lab
