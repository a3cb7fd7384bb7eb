#pragma once

#include "app/inspect/query_advisor.hpp"
#include "app/report/report_output.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace pgadvise::app {

// `pgadvise explain "SQL"` / `pgadvise explain -f queries.sql`.
struct ExplainOptions {
  AdvisorOptions advisor;           // --path/--db and the live options
  std::vector<std::string> queries; // statements given as arguments
  std::string file;                 // -f: a .sql file ('-' for stdin)
  DocumentFormat format = DocumentFormat::text;
  bool analyze = false; // --analyze: EXPLAIN ANALYZE (lint's safety rules)
};

// Answers every statement: exit 0 when none has a finding at or above high,
// 1 when one has, 2 on usage errors (no statement, unreadable file).
int run_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err);

} // namespace pgadvise::app
