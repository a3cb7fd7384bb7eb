#pragma once

#include "app/inputs/discovery.hpp"
#include "app/live/live_input.hpp"
#include "core/finding.hpp"
#include "core/result.hpp"
#include "engine/runner.hpp"
#include "model/live_analysis.hpp"

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

// "Is this query OK?": the answers `pgadvise explain` and the interactive
// shell give for one statement. The statement becomes a one-statement
// Workload and the query rules run over it through the engine, against the
// project's schema (or the live catalog with --db).
namespace pgadvise::app {

// The rules that judge a single statement (json-in-text-column only with
// evidence from the statement itself).
const std::vector<std::string>& statement_rule_ids();

struct StatementAnswer {
  std::string text;       // the statement as given (never printed: literals)
  std::string normalized; // literals replaced by $n
  std::optional<std::uint64_t> fingerprint;
  std::string parse_error; // when libpg_query rejected it
  std::vector<core::Finding> findings;
  std::optional<model::ExplainedQuery> plan;   // --db
  std::vector<model::IndexProposal> proposals; // --db: proposed and checked with HypoPG
  std::vector<std::string> notes;
};

struct AdvisorOptions {
  std::vector<std::string> paths;
  LiveOptions live;
};

class QueryAdvisor {
public:
  // Discovers and loads the project (and the database with --db). The
  // error is a usage problem (exit 2).
  static core::Result<std::unique_ptr<QueryAdvisor>> open(const AdvisorOptions& options);

  // Answers one statement; `analyze` runs EXPLAIN ANALYZE (SELECT only, or
  // DML rolled back with --allow-dml-analyze) instead of plain EXPLAIN.
  StatementAnswer answer(const std::string& sql, bool analyze);

  [[nodiscard]] const model::Catalog& catalog() const;
  [[nodiscard]] const model::Project& project() const { return m_sources.project; }
  [[nodiscard]] bool live() const { return m_live.has_value(); }
  [[nodiscard]] const std::vector<std::string>& notes() const { return m_notes; }
  // The whole project's lint report (schema rules and all): `\findings`.
  engine::RunReport lint_report();

private:
  QueryAdvisor() = default;
  AdvisorOptions m_options;
  SchemaSources m_sources;
  loaders::SchemaLoad m_load;
  std::optional<LiveRun> m_live;
  std::vector<std::string> m_notes;
};

// Splits a script into its statements (text of each), or one error message.
core::Result<std::vector<std::string>> split_statements(const std::string& script);

void write_answer_text(std::ostream& out, const StatementAnswer& answer, bool color = false);
nlohmann::ordered_json answer_json(const StatementAnswer& answer);

} // namespace pgadvise::app
