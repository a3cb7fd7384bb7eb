#pragma once

#include "loaders/logs/fold.hpp"
#include "loaders/logs/shape.hpp"

#include <string_view>

namespace pgadvise::loaders {

// Reads a plain .sql file as a list of queries (each statement counted once,
// no order, no durations): lets the query rules run over hand-written or
// extracted queries. Use read_logs() for files; this is its core.
void read_sql_workload_text(std::string_view text, ShapeRegistry& registry, LogFold& fold);

} // namespace pgadvise::loaders
