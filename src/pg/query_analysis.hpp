#pragma once

#include "model/workload.hpp"
#include "pg/expression.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::pg {

// What a statement does, from libpg_query's parse tree (pg::parse): kind,
// tables, and the columns used by WHERE / JOIN ... ON / ORDER BY, with
// aliases resolved. Only the first statement of `tree` is described.
model::QueryShape analyze_query(const nlohmann::json& tree);

// Parses `sql` and describes it; the shape is empty (kind other) when it does
// not parse.
model::QueryShape analyze_query_text(std::string_view sql, bool* parsed = nullptr);

// A filter on an expression of one table's columns, where the shape only
// records bare columns: `lower(email) = $1`, `(settings ->> 'theme') = $1`,
// `date_trunc('day', created_at) > $1`, `prefs::jsonb ->> 'k' IS NULL`, and
// JSON containment / key existence on a column or expression
// (`settings @> $1`, `settings ? 'beta'`, `prefs::jsonb ?| $1`). A side
// structure of QueryShape, computed on demand by the index advisor.
struct ExpressionFilter {
  std::string schema; // resolved through aliases like ColumnUsage (empty: unqualified)
  std::string table;
  // The filtered expression, column references reduced to the bare column
  // (the form an index expression on the table has).
  Expression expression;
  std::vector<std::string> columns; // columns the expression reads, first use order
  // equality, range, in_list, is_null; json_operator for @>, ?, ?|, ?&.
  model::ColumnUse use = model::ColumnUse::equality;
  std::string op; // "=", "<", "@>", "?", ... ("" for IS NULL)
};

// Filters (WHERE, JOIN ... ON) of the first statement of `tree` on
// expressions whose columns all belong to one table and whose other side
// reads no column (constants and parameters only). Sub-expressions holding
// a parameter or a subquery are skipped: no index can match them.
std::vector<ExpressionFilter> expression_filters(const nlohmann::json& tree);
std::vector<ExpressionFilter> expression_filters_text(std::string_view sql);

// Every column of a table the first statement of `tree` reads anywhere
// (select list, WHERE, JOIN, GROUP BY, ORDER BY, sub-selects), aliases
// resolved as in ColumnUsage (`use` is the first use seen; columns whose
// table is ambiguous are left out), and what it writes: the table of an
// INSERT, UPDATE or DELETE and the columns an UPDATE sets. A side structure
// of QueryShape for the workload index search: which columns an index must
// hold for an index-only scan, and which indexes a write must maintain (an
// UPDATE that sets no indexed column is HOT and touches no index).
struct ColumnReads {
  std::vector<model::ColumnUsage> reads;
  bool star = false;                // SELECT * or t.* in the top-level select list
  std::string target_schema;        // the written table (empty schema: unqualified)
  std::string target_table;         // empty for a SELECT
  std::vector<std::string> updated; // UPDATE ... SET columns
};
ColumnReads column_reads(const nlohmann::json& tree);
ColumnReads column_reads_text(std::string_view sql);

} // namespace pgadvise::pg
