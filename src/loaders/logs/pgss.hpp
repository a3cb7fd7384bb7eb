#pragma once

#include "loaders/logs/reader.hpp"

#include <string>
#include <string_view>

namespace pgadvise::loaders {

// pg_stat_statements rows as exported by
//   \copy (select * from pg_stat_statements) to 'pgss.csv' csv header
// or as JSON (an array of row objects, e.g. json_agg, or one object per
// line). PostgreSQL 13+ column names (total_exec_time, ...) and older ones
// (total_time, ...) are both read. `label` is the path shown in locations.
LogReadResult read_pgss_text(std::string_view text, const std::string& label);

} // namespace pgadvise::loaders
