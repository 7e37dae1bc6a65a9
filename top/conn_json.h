// retx-top --once --json: {"connections": [...], "sockets_from": ...,
// "causes_from": ...}, field names documented in README.md (retx-top).
//
// Written straight to text in the documented field order: at 10,000
// connections a JSON DOM cost more than reading the sockets (bench/README.md).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "view.h"

namespace retx::top {

// One connection as a JSON object, appended to out.
void append_conn_json(std::string& out, const Conn& c);

// The connections of `rows`, in order, plus where the data came from,
// written to `out` a connection at a time (10,000 connections are 6 MB).
void write_connections_json(std::ostream& out, const std::vector<Row>& rows, const std::string& sockets_from,
                            const nlohmann::ordered_json& causes_from);

}  // namespace retx::top
