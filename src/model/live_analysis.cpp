#include "model/live_analysis.hpp"

#include "core/format.hpp"

#include <algorithm>
#include <cmath>

namespace pgadvise::model {

namespace {

std::string count_text(double value) {
  return core::group_digits(static_cast<std::int64_t>(std::llround(value)));
}

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

} // namespace

std::string redact_literals(std::string_view text) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '\'') {
      ++at;
      while (at < text.size()) {
        if (text[at] == '\'' && !(at + 1 < text.size() && text[at + 1] == '\'')) {
          break;
        }
        at += text[at] == '\'' ? 2U : 1U;
      }
      ++at;
      out += '?';
      continue;
    }
    if (c == '"') { // a quoted identifier stays
      const std::size_t end = text.find('"', at + 1);
      const std::size_t stop = end == std::string_view::npos ? text.size() : end + 1;
      out.append(text.substr(at, stop - at));
      at = stop;
      continue;
    }
    const bool starts_number = c >= '0' && c <= '9' && (out.empty() || !ident_char(out.back()));
    if (starts_number) {
      while (at < text.size() && ((text[at] >= '0' && text[at] <= '9') || text[at] == '.')) {
        ++at;
      }
      out += '?';
      continue;
    }
    out += c;
    ++at;
  }
  return out;
}

std::string_view to_string(ParamMethod method) {
  switch (method) {
  case ParamMethod::none: return "no parameters";
  case ParamMethod::logged: return "logged parameter values";
  case ParamMethod::generic_plan: return "EXPLAIN (GENERIC_PLAN)";
  case ParamMethod::pg_stats: return "PREPARE/EXECUTE with values from pg_stats";
  }
  return "no parameters";
}

std::string_view to_string(ExplainMode mode) {
  switch (mode) {
  case ExplainMode::analyze: return "EXPLAIN ANALYZE";
  case ExplainMode::analyze_rolled_back: return "EXPLAIN ANALYZE in a rolled-back transaction";
  case ExplainMode::plain: return "EXPLAIN (estimates)";
  case ExplainMode::logged: return "auto_explain plan from the log";
  }
  return "EXPLAIN (estimates)";
}

std::string_view to_string(PlanIssueKind kind) {
  switch (kind) {
  case PlanIssueKind::seq_scan_filter: return "seq-scan-filter";
  case PlanIssueKind::nested_loop_rescan: return "nested-loop-rescan";
  }
  return "seq-scan-filter";
}

std::string_view to_string(VerifyMethod method) {
  switch (method) {
  case VerifyMethod::none: return "none";
  case VerifyMethod::hypopg: return "hypopg";
  case VerifyMethod::real: return "real";
  }
  return "none";
}

std::string PlanIssue::describe() const {
  std::string out = "Seq Scan on " + table + ": ";
  if (kind == PlanIssueKind::nested_loop_rescan) {
    out = "Nested Loop rescans " + table + (outer_table.empty() ? "" : " once per row of " + outer_table) +
          ": ";
  }
  const std::string loops_text = parallel
                                     ? "parallel, " + count_text(loops) + " processes"
                                     : count_text(loops) + (std::llround(loops) == 1 ? " loop" : " loops");
  if (analyzed) {
    out += count_text(rows_returned) + " rows returned, " + count_text(rows_removed) + " removed by filter";
  } else {
    out += "estimated " + count_text(rows_returned) + " rows of " + count_text(table_rows);
  }
  if (!filter.empty()) {
    out += " " + redact_literals(filter);
  }
  out += ", " + loops_text;
  if (analyzed) {
    out += ", " + core::human_duration_ms(node_ms);
    if (execution_ms > 0) {
      out += " (" + core::percent(time_share) + " of " + core::human_duration_ms(execution_ms) + ")";
    }
    if (shared_hit + shared_read > 0) {
      out += ", " + core::group_digits(shared_hit + shared_read) + " buffers (" +
             core::group_digits(shared_read) + " read)";
    }
  }
  out += "; table has " + count_text(table_rows) + " rows";
  return out;
}

const ExplainedQuery* LiveAnalysis::find_query(std::uint64_t fingerprint) const {
  const auto it = std::find_if(queries.begin(), queries.end(),
                               [&](const ExplainedQuery& query) { return query.fingerprint == fingerprint; });
  return it == queries.end() ? nullptr : &*it;
}

const IndexProposal* LiveAnalysis::proposal_for(std::uint64_t fingerprint, std::string_view schema,
                                                std::string_view table) const {
  for (const IndexProposal& proposal : proposals) { // ranked: the first match is the best
    if (proposal.schema == schema && proposal.table == table &&
        std::find(proposal.serves.begin(), proposal.serves.end(), fingerprint) != proposal.serves.end()) {
      return &proposal;
    }
  }
  return nullptr;
}

} // namespace pgadvise::model
