#pragma once

#include "core/severity.hpp"
#include "model/catalog.hpp"

#include <optional>
#include <string>

// How big a table is, when a live catalog or a statistics file (`lint
// --stats`) says so, and severities that follow it: the same problem on ten
// million rows is worse than on two hundred.
namespace pgadvise::rules {

// Estimated rows: pg_class.reltuples, else n_live_tup; none when unknown.
std::optional<double> table_rows(const model::Table& table);

// Rows inserted since the counters were reset; none when unknown.
std::optional<double> table_inserts(const model::Table& table);

// "about 12,000,000 rows" for evidence; empty when unknown.
std::string describe_rows(const model::Table& table);

// `base` moved by size when the size is known: at or above `big_rows` one
// step up, at or above 10 x big_rows two steps (at most critical); below
// `small_rows` down to low (never raised by a small table). Unknown size:
// `base`.
core::Severity scale_by_rows(core::Severity base, const model::Table& table, double small_rows = 10'000,
                             double big_rows = 1'000'000);

// `base` capped by size when the size is known: under 10,000 rows at most
// low, under 100,000 at most medium, under 1,000,000 at most high; `base`
// otherwise (and when the size is unknown).
core::Severity cap_by_rows(core::Severity base, const model::Table& table);

// The single column of the table's primary key; null when there is no
// primary key or it has several columns.
const model::Column* single_primary_key_column(const model::Table& table);

// Whether the column draws its values from a sequence: serial (every loader
// marks it TypeRef::serial) or a hand-made nextval() default. Identity
// columns have their own sequence and are not counted here.
bool sequence_default(const model::Column& column);

// The sequence a serial column's nextval('...') default draws from, else
// PostgreSQL's serial naming (table_column_seq).
std::string sequence_name(const model::Table& table, const model::Column& column);

} // namespace pgadvise::rules
