#pragma once

#include "model/catalog.hpp"
#include "model/workload.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pgadvise::advisor {

// The btree index one statement shape would use on one table, built from
// the columns the statement filters, joins and sorts on (QueryShape), and
// whether the catalog already has an index that serves it.
//
// Shared by the filter-on-unindexed-column rule (logged queries) and the
// live index advisor (which confirms candidates with EXPLAIN). Usage:
//
//   for (const QueryIndexCandidate& c : query_index_candidates(stats, catalog))
//     if (!c.covered) propose(c.table, c.columns);
//
// Key order follows the usual btree advice: a correlated sub-select's (or
// lateral join's) column compared with the outer row first -- it runs once
// per outer row, by that key -- then equality-like columns (=, IN / = ANY;
// join keys only on a table the statement does not filter itself), then at
// most one range column (<, >, BETWEEN), then the ORDER BY columns for
// LIMIT queries (the index then returns the first rows in order and the
// scan stops early) and for correlated sub-selects (each outer row's rows
// come in order). `IS [NOT] NULL` tests and comparisons of a boolean column
// (a soft-delete or flag column) are never keys: they keep most rows, and
// the live advisor may make one a partial index's predicate. LIKE and JSON
// uses are not indexable by a plain btree and are left out.
struct QueryIndexCandidate {
  const model::Table* table = nullptr;  // in the catalog given
  std::vector<std::string> columns;     // proposed key columns, in order
  std::vector<std::string> correlation; // compared with an outer query's column
  std::vector<std::string> equality;    // equality-like filter and join columns
  std::string range;                    // the range column kept ("" when none)
  std::vector<std::string> order_by;    // ORDER BY columns appended (LIMIT queries, correlated sub-selects)
  std::vector<std::string> null_tests;  // IS [NOT] NULL and boolean-flag columns: never keys
  // Some usable index (valid, not partial, btree; the table's own or a
  // partition ancestor's; the primary key included) has one of the filter
  // columns -- or, for a sort-only LIMIT query, the first ORDER BY column --
  // as its first key, so the planner has an index path already. A partial
  // btree index `WHERE col IS [NOT] NULL` counts for a statement making the
  // same test (the planner proves the predicate): it covers when it leads
  // with one of the other filter columns, or when that test is the only
  // filter (the index then holds just the rows the statement wants).
  bool covered = false;
  std::string covered_by; // that index's name
};

// One candidate per catalog table the statement filters, joins or sorts
// (with LIMIT) on; tables missing from the catalog, and columns the shape
// could not attribute to a table, are skipped. Empty for an unparsed
// statement.
std::vector<QueryIndexCandidate> query_index_candidates(const model::QueryStats& query,
                                                        const model::Catalog& catalog);

// `col IS NULL` (true) or `col IS NOT NULL` (false) as the statement's text
// writes it; nullopt when it has neither (the usage came from elsewhere).
std::optional<bool> null_test(const model::QueryStats& query, const std::string& column);

// The indexes PostgreSQL can use for scans of `table`: its own and those
// declared on its partition ancestors.
std::vector<const model::Index*> usable_indexes(const model::Catalog& catalog, const model::Table& table);

} // namespace pgadvise::advisor
