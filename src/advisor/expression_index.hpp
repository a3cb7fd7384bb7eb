#pragma once

#include "advisor/query_index_candidate.hpp"
#include "model/catalog.hpp"
#include "model/workload.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::advisor {

// Indexes on expressions, for filters a plain column index cannot serve
// (pg::expression_filters finds them in a statement):
//
//   lower(email) = $1                    btree (lower(email))
//   (settings ->> 'theme') = $1          btree ((settings ->> 'theme'))
//   prefs::jsonb ->> 'theme' = $1        btree ((prefs::jsonb ->> 'theme'))
//   date_trunc('day', created_at) = $1   btree (date_trunc('day', created_at)), timestamp only
//   settings @> $1                       gin (settings jsonb_path_ops)
//   settings ? 'beta', ?|, ?&            gin (settings)  -- jsonb_ops: jsonb_path_ops has no ? operators
//
// The planner uses an expression index only when the query's expression is
// the index's expression (after parse analysis), so the key is rendered
// from the query's own parse tree, columns unqualified. PostgreSQL accepts
// only IMMUTABLE functions and operators in an index: now(), random(),
// to_char(), date_trunc() or a ::date cast on a timestamptz (they depend on
// the clock or the session's TimeZone and DateStyle) get no proposal; the
// reason is kept (ExpressionSkip) for messages.
//
// The statement's text with its literals is needed (a JSON key or a
// date_trunc unit is a literal, which the normalized text replaces by $n):
// QueryStats::example when known, else the normalized text, where such
// expressions hold a parameter and are skipped. The key literal appears in
// the DDL; the compared values never do.
struct ExpressionIndexCandidate {
  const model::Table* table = nullptr;
  std::string expression;           // the expression as SQL, e.g. "settings ->> 'theme'"
  std::string element;              // the index element: "(settings ->> 'theme')", "lower(email)",
                                    // "settings jsonb_path_ops"
  std::string method = "btree";     // "btree" or "gin"
  std::vector<std::string> columns; // the table columns the expression reads
  std::vector<std::string> ops;     // the filter operators seen ("=", "<", "@>", "?", ...)
  std::string drizzle_key;          // the .on() / .using() argument in Drizzle terms
  bool covered = false;             // an existing usable index has this key first
  std::string covered_by;
  std::vector<std::string> name_parts; // words for the index name: settings, theme
  // Column keys around the expression in one composite index
  // (with_filter_columns): correlation and equality columns before it, the
  // range column and ORDER BY columns after. Empty for an expression alone.
  std::vector<std::string> columns_before;
  std::vector<std::string> columns_after;

  bool composite() const { return !columns_before.empty() || !columns_after.empty(); }
};

// A filter that has an expression no index can hold, and why.
struct ExpressionSkip {
  const model::Table* table = nullptr;
  std::string expression;
  std::string reason; // "now() is not IMMUTABLE ..."
};

// One candidate per (table, method, expression) the statement filters on;
// GIN candidates of one expression merge (jsonb_ops when any ? operator is
// used). Skipped expressions go to `skipped` when given.
std::vector<ExpressionIndexCandidate>
expression_index_candidates(const model::QueryStats& query, const model::Catalog& catalog,
                            std::vector<ExpressionSkip>* skipped = nullptr);

// The same for a statement's text (tests, and callers without QueryStats).
std::vector<ExpressionIndexCandidate>
expression_index_candidates_text(std::string_view sql, const model::Catalog& catalog,
                                 std::vector<ExpressionSkip>* skipped = nullptr);

// One btree index for a statement that compares an expression with = and
// also filters (or sorts) columns of the same table, e.g.
//   WHERE payload::jsonb ->> 'status' = 'failed' AND recorded_at >= $1
//   -> ((payload::jsonb ->> 'status'), recorded_at)
// The column candidate's correlation and equality columns come first, then
// the expression (an equality key too), then its range column and ORDER BY
// columns: one index serves the whole filter, where an index for each part
// leaves the planner one of them (or a BitmapAnd of two) and costs two
// indexes' writes. Nullopt, and each part is proposed alone, when the
// expression is a GIN key or compared otherwise than with = (a range key
// must come last), either part is already covered by an index, or the
// column candidate has no key.
std::optional<ExpressionIndexCandidate> with_filter_columns(const ExpressionIndexCandidate& expression,
                                                            const QueryIndexCandidate& columns);

// CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON table [USING gin] (element);
std::string render_expression_index_ddl(const ExpressionIndexCandidate& candidate, std::string_view name);

// index("name").on(sql`(${table.settings} ->> 'theme')`) or
// index("name").using("gin", table.settings.op("jsonb_path_ops")).
std::string render_drizzle_expression_index(const ExpressionIndexCandidate& candidate, std::string_view name);

// The index name: <table>_<words>_idx (gin: _gin_idx), unique in the catalog.
std::string expression_index_name(const model::Catalog& catalog, const ExpressionIndexCandidate& candidate);

} // namespace pgadvise::advisor
