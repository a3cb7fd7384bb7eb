#pragma once

#include "loaders/logs/fold.hpp"
#include "loaders/logs/shape.hpp"

#include <string_view>

namespace pgadvise::loaders {

// Reads the output of Drizzle's default logger: lines
//   Query: select "id" from "users" where "users"."id" = $1 -- params: [42]
// possibly among the application's other output (a prefix before "Query: "
// is ignored). One process, no timestamps: repeats are runs of the same
// statement. Use read_logs() for files; this is its core.
void read_drizzle_log_text(std::string_view text, ShapeRegistry& registry, LogFold& fold);

} // namespace pgadvise::loaders
