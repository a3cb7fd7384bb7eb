#pragma once

#include "loaders/logs/event.hpp"
#include "model/workload.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace pgadvise::loaders {

// A field as the log gives it, sanitized and at most 256 bytes: "[unknown]"
// (a backend's user and database before authentication) is empty.
std::string known_field(std::string_view value);

// What a connection line says (log_connections / log_disconnections:
// "connection received: host=... port=...", "connection authorized:
// user=... database=... application_name=...", "disconnection: session
// time: 0:00:00.023 user=... database=..."), into the session's record and
// the log's connection counts. Returns a disconnection's session time in
// milliseconds.
std::optional<double> read_connection_line(const LogEvent& event, model::SessionRecord& record,
                                           model::ConnectionStats& stats);

} // namespace pgadvise::loaders
