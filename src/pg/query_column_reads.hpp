#pragma once

#include "model/workload.hpp"
#include "pg/query_analysis.hpp"

#include <nlohmann/json.hpp>

namespace pgadvise::pg {

// A column the statement reads, once (a column of no known table is left out).
void add_column_read(ColumnReads& reads, const model::ColumnUsage& usage);
// The table an INSERT, UPDATE or DELETE (`body`) writes, and for an UPDATE
// the columns its SET names.
void add_written_target(ColumnReads& reads, const nlohmann::json& body, bool update);

} // namespace pgadvise::pg
