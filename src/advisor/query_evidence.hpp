#pragma once

#include "core/finding.hpp"
#include "model/catalog.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace pgadvise::advisor {

// What the query-workload rules say about one statement shape: its counts,
// its normalized text (literals and parameters are never printed: they may
// hold credentials or personal data) and where it was first seen.

// "12 calls, 3.4 ms total, 0.28 ms mean" (times only when they were logged).
std::string query_counts(const model::QueryStats& query);

// The normalized text on one line (whitespace runs folded), cut to `max`
// bytes with "..." on a UTF-8 boundary.
std::string short_query(std::string_view normalized, std::size_t max = 160);

// As short_query, but a SELECT too long for `max` gives up its select list
// first ("select ... from tasks where assignee_id = $1 ..."): an ORM's
// twelve quoted columns would otherwise fill the line and cut off the FROM
// and WHERE that say which query it is and why an index serves it.
std::string short_select(std::string_view normalized, std::size_t max = 160);

// Evidence of kind "query" at the statement's first occurrence: counts and
// the normalized text.
core::Evidence query_evidence(const model::QueryStats& query);

// The catalog table a query's table use names: exact schema when the query
// qualified it, else the first table of that name (public first).
const model::Table* find_table(const model::Catalog* catalog, std::string_view schema, std::string_view name);

// "public.posts" for an unqualified use; the schema the catalog resolved
// when it knows the table.
std::string used_table_schema(const model::Catalog* catalog, const model::TableUse& use);

// False for a statement that only ever failed (seen on ERROR ... STATEMENT
// lines, never completed): it touched no rows, so query rules skip it.
inline bool executed(const model::QueryStats& query) {
  return query.parsed && query.calls > 0;
}

// How a finding counts the queries it cites, by where the workload came
// from: "1 logged query" / "3 logged queries" from a log, "1 query in
// pg_stat_statements", else (a .sql file, the one statement `pgadvise
// explain` judges) "1 query". A workload of no named source reads as a log's.
std::string queries_phrase(const model::Workload* workload, std::size_t count);

// "1 call", "1,200 calls".
std::string calls_phrase(std::uint64_t calls);

// 16 hex digits of a libpg_query fingerprint: a stable finding discriminator.
std::string fingerprint_hex(std::uint64_t fingerprint);

// A finding about one statement shape: rule, severity, object (its first
// table), location (first occurrence), the query evidence and a fingerprint
// from the rule id, table and statement fingerprint.
core::Finding query_finding(std::string_view rule, core::Severity severity, const model::QueryStats& query,
                            const model::Catalog* catalog);

} // namespace pgadvise::advisor
