// retx-top --once --json: {"connections": [...], "sockets_from": ...,
// "causes_from": ...}. Field names are documented in README.md (retx-top).
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "view.h"

namespace retx::top {

nlohmann::ordered_json conn_to_json(const Conn& c);

// The connections of `rows`, in order, plus where the data came from.
nlohmann::ordered_json connections_json(const std::vector<Row>& rows, const std::string& sockets_from,
                                const nlohmann::ordered_json& causes_from);

}  // namespace retx::top
