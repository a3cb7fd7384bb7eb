#pragma once

#include "model/catalog.hpp"
#include "model/workload.hpp"

#include <string>

namespace pgadvise::advisor {

// The batched form of a per-row statement (the fix of an N+1), or "" when
// there is no safe one. Every rewrite is parsed by libpg_query and checked
// against the original's shape before it is returned: a rewrite that does not
// parse, or reads other tables or columns than the original, is never offered.

// `SELECT ... WHERE col = $n [LIMIT 1]` -> `SELECT ... WHERE col = ANY($n)`:
// only when $n is compared with the column directly (not `col = $1 || $2`)
// and it is the statement's one such comparison; a single-row LIMIT is
// dropped (the batched query returns a row per key); comments are dropped.
// `UPDATE ... SET ... WHERE col = $n` and `DELETE ... WHERE col = $n` the
// same way (the SET values then go to every row: the caller says so).
std::string any_rewrite(const model::QueryShape& shape, const std::string& normalized);

// `INSERT INTO t (a, b) VALUES ($1, $2)` -> `INSERT INTO t (a, b) SELECT * FROM
// unnest($1::int4[], $2::text[])` with the column types from the catalog.
std::string unnest_rewrite(const std::string& normalized, const model::Table* table);

} // namespace pgadvise::advisor
