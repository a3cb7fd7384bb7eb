#include "app/inspect/query_advisor.hpp"

#include "advisor/live_analysis_run.hpp"
#include "app/lint/run_rules.hpp"
#include "core/hash.hpp"
#include "core/settings.hpp"
#include "core/text.hpp"
#include "loaders/logs/fold.hpp"
#include "loaders/logs/shape.hpp"
#include "loaders/logs/sql_queries.hpp"
#include "loaders/project/scan.hpp"
#include "pg/parser.hpp"
#include "reporters/report.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace pgadvise::app {

namespace {

std::string fixed(double value, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << value;
  return out.str();
}

// The statement as a Workload of one query (read like a .sql file: one call,
// no order), so the query rules see exactly what they see in a lint run.
model::Workload one_statement_workload(const std::string& sql) {
  model::Workload workload;
  loaders::ShapeRegistry registry;
  {
    loaders::LogFold fold(workload, registry, loaders::FoldOptions{});
    fold.set_grouping(false);
    fold.begin_file("statement");
    loaders::read_sql_workload_text(sql, registry, fold);
    fold.end_file();
    fold.finish();
  }
  // Given on the command line, not logged: findings count it as "1 query".
  workload.sources.push_back({"the statement given", "", model::WorkloadSourceKind::sql_file});
  return workload;
}

// A rule that also reports from the schema alone (json-in-text-column
// needs no workload): here only the findings this statement is evidence for
// count.
bool about_statement(const core::Finding& finding) {
  const engine::Rule* rule = rules::find_rule(finding.rule);
  if (rule == nullptr) {
    return true;
  }
  const std::vector<engine::Input>& inputs = rule->meta().inputs;
  if (std::find(inputs.begin(), inputs.end(), engine::Input::workload) != inputs.end()) {
    return true;
  }
  return std::any_of(finding.evidence.begin(), finding.evidence.end(),
                     [](const core::Evidence& e) { return e.kind == core::Evidence::Kind::query; });
}

void plan_lines(std::ostream& out, const model::PlanNode& node, int depth) {
  out << std::string(static_cast<std::size_t>(depth) * 2 + 2, ' ') << (depth > 0 ? "-> " : "")
      << node.node_type;
  if (!node.relation.empty()) {
    out << " on " << node.relation;
  }
  if (!node.index_name.empty()) {
    out << " using " << node.index_name;
  }
  out << "  (cost=" << fixed(node.startup_cost, 2) << ".." << fixed(node.total_cost, 2)
      << " rows=" << fixed(node.plan_rows, 0) << ")";
  if (node.analyzed()) {
    out << " (actual time=" << fixed(node.actual_total_ms.value_or(0), 3)
        << " rows=" << fixed(node.actual_rows.value_or(0), 0) << " loops=" << fixed(node.loops, 0) << ")";
  }
  out << "\n";
  for (const std::string* cond : {&node.index_cond, &node.hash_cond, &node.filter, &node.join_filter}) {
    if (!cond->empty()) {
      out << std::string(static_cast<std::size_t>(depth) * 2 + 6, ' ')
          << (cond == &node.filter        ? "Filter: "
              : cond == &node.join_filter ? "Join Filter: "
                                          : "Cond: ")
          << *cond << "\n";
    }
  }
  for (const model::PlanNode& child : node.children) {
    plan_lines(out, child, depth + 1);
  }
}

} // namespace

const std::vector<std::string>& statement_rule_ids() {
  static const std::vector<std::string> k_ids = [] {
    std::vector<std::string> ids;
    for (const engine::Rule* rule : rules::rule_set()) {
      if (rule->meta().judges_one_statement) {
        ids.push_back(rule->meta().id);
      }
    }
    return ids;
  }();
  return k_ids;
}

core::Result<std::vector<std::string>> split_statements(const std::string& script) {
  pg::ParseError error;
  auto spans = pg::split(script, &error);
  if (!spans) {
    return core::Error(error.message);
  }
  std::vector<std::string> out;
  const auto add = [&out](std::string_view piece) {
    while (!piece.empty() &&
           (piece.front() == ';' || std::isspace(static_cast<unsigned char>(piece.front())) != 0)) {
      piece.remove_prefix(1);
    }
    std::string text(core::trim(piece));
    while (!text.empty() && (text.back() == ';' || text.back() == ' ' || text.back() == '\n')) {
      text.pop_back();
    }
    const pg::ParseResult parsed = pg::parse(text);
    const bool only_comments = parsed.ok() && parsed.tree.value("stmts", nlohmann::json::array()).empty();
    if (!core::trim(text).empty() && !only_comments) {
      out.push_back(std::move(text));
    }
  };
  // The scanner skips text it cannot make a statement of (a misspelt
  // keyword): what lies between the statements it found is kept too, so it
  // is answered with its parse error instead of silently dropped.
  std::size_t end = 0;
  for (const pg::StatementSpan& span : *spans) {
    if (span.offset > end) {
      add(std::string_view(script).substr(end, span.offset - end));
    }
    // libpg_query gives length 0 for a last statement that runs to the end.
    const std::size_t length = span.length == 0 ? script.size() - span.offset : span.length;
    add(std::string_view(script).substr(span.offset, length));
    end = span.offset + length;
  }
  if (end < script.size()) {
    add(std::string_view(script).substr(end));
  }
  return out;
}

core::Result<std::unique_ptr<QueryAdvisor>> QueryAdvisor::open(const AdvisorOptions& options) {
  std::unique_ptr<QueryAdvisor> advisor(new QueryAdvisor());
  advisor->m_options = options;
  std::vector<std::filesystem::path> paths(options.paths.begin(), options.paths.end());
  if (paths.empty()) {
    paths.emplace_back(".");
  }
  auto sources = discover(paths);
  if (!sources) {
    return sources.error();
  }
  advisor->m_sources = std::move(*sources);
  if (!advisor->m_sources.project.root.empty() && !advisor->m_sources.project.scanned) {
    loaders::scan_project(advisor->m_sources.project);
  }
  advisor->m_load = load_schema(advisor->m_sources);
  advisor->m_notes = advisor->m_sources.notes;
  advisor->m_notes.insert(advisor->m_notes.end(), advisor->m_load.notes.begin(), advisor->m_load.notes.end());
  if (options.live.requested()) {
    auto opened = open_live(options.live, advisor->m_load, advisor->m_sources);
    if (!opened) {
      return opened.error();
    }
    advisor->m_live.emplace(std::move(*opened));
  }
  if (advisor->m_load.catalog.source == model::SchemaSource::none && !advisor->m_live) {
    advisor->m_notes.emplace_back("no schema found: only the statement's own shape is judged");
  }
  return advisor;
}

const model::Catalog& QueryAdvisor::catalog() const {
  return m_live ? m_live->catalog : m_load.catalog;
}

StatementAnswer QueryAdvisor::answer(const std::string& sql, bool analyze) {
  StatementAnswer answer;
  answer.text = sql;
  const pg::ParseResult parsed = pg::parse(sql);
  if (!parsed.ok()) {
    answer.parse_error = parsed.error->message;
    answer.normalized = sql;
    return answer;
  }
  answer.normalized = pg::normalize(sql).value_or(sql);
  answer.fingerprint = pg::fingerprint(sql);

  const model::Workload workload = one_statement_workload(sql);
  engine::RunInput input;
  input.catalog = &catalog();
  input.project = &m_sources.project;
  input.workload = &workload;
  input.files_catalog = &m_load.catalog;
  std::optional<model::LiveAnalysis> analysis;
  if (m_live && m_live->connection) {
    advisor::LiveOptions run_options;
    run_options.connect = m_live->connect;
    run_options.parallel = 1;
    run_options.analyze = analyze;
    run_options.allow_dml_analyze = m_options.live.allow_dml_analyze;
    run_options.verify = m_options.live.verify;
    run_options.advisor.drizzle = m_sources.project.uses_drizzle;
    analysis = advisor::run_live_analysis(*m_live->connection, m_live->catalog, workload, run_options);
    input.live_analysis = &*analysis;
    if (!analysis->queries.empty()) {
      answer.plan = analysis->queries.front();
    }
    answer.proposals = analysis->proposals;
    answer.notes = analysis->notes;
  }
  core::Settings settings;
  settings.only_rules = statement_rule_ids();
  settings.min_severity = core::Severity::info;
  engine::RunReport report = run_rules(input, settings);
  for (core::Finding& finding : report.findings) {
    if (about_statement(finding)) {
      answer.findings.push_back(std::move(finding));
    }
  }
  return answer;
}

engine::RunReport QueryAdvisor::lint_report() {
  engine::RunInput input;
  input.catalog = &catalog();
  input.project = &m_sources.project;
  input.diagnostics = m_load.diagnostics;
  input.other_schemas = &m_load.other_schemas;
  input.files_catalog = &m_load.catalog;
  input.suppressions = m_load.suppressions;
  if (m_live) {
    input.diagnostics.insert(input.diagnostics.end(), m_live->diagnostics.begin(), m_live->diagnostics.end());
  }
  return run_rules(input, core::Settings{});
}

void write_answer_text(std::ostream& out, const StatementAnswer& answer, bool color) {
  const char* bold = color ? "\x1b[1m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  if (!answer.parse_error.empty()) {
    out << "parse error: " << answer.parse_error << "\n";
    return;
  }
  out << bold << "query" << reset << "        " << answer.normalized << "\n";
  if (answer.fingerprint) {
    out << bold << "fingerprint" << reset << "  " << core::to_hex(*answer.fingerprint) << "\n";
  }
  if (answer.findings.empty()) {
    out << "no findings\n";
  }
  for (const core::Finding& finding : answer.findings) {
    out << "\n"
        << bold << core::to_string(finding.severity) << " " << finding.rule << reset << ": "
        << finding.message << "\n";
    if (!finding.help.empty()) {
      out << "  help: " << finding.help << "\n";
    }
    if (finding.fix && !finding.fix->statements().empty()) {
      out << "  fix:  " << finding.fix->statements() << "\n";
    }
    if (finding.fix && !finding.fix->code_text().empty()) {
      out << "  drizzle: " << finding.fix->code_text() << "\n";
    }
  }
  if (answer.plan) {
    out << "\n"
        << bold << "plan" << reset
        << (answer.plan->plan && answer.plan->plan->analyzed() ? " (EXPLAIN ANALYZE)" : " (EXPLAIN)") << "\n";
    if (answer.plan->plan) {
      plan_lines(out, answer.plan->plan->root, 0);
    } else {
      out << "  not planned: " << (answer.plan->error.empty() ? answer.plan->note : answer.plan->error)
          << "\n";
    }
  }
  for (const model::IndexProposal& proposal : answer.proposals) {
    out << "\n"
        << bold << "proposed index" << reset << " " << proposal.ddl << "\n  "
        << (proposal.verified ? "verified" : "not verified") << " (" << model::to_string(proposal.method)
        << "): planner cost " << fixed(proposal.cost_before, 2) << " -> " << fixed(proposal.cost_after, 2);
    if (!proposal.note.empty()) {
      out << "; " << proposal.note;
    }
    out << "\n";
  }
  for (const std::string& note : answer.notes) {
    out << "note: " << note << "\n";
  }
}

nlohmann::ordered_json answer_json(const StatementAnswer& answer) {
  nlohmann::ordered_json out;
  out["query"] = answer.normalized;
  out["fingerprint"] = answer.fingerprint ? nlohmann::ordered_json(core::to_hex(*answer.fingerprint))
                                          : nlohmann::ordered_json(nullptr);
  if (!answer.parse_error.empty()) {
    out["parse_error"] = answer.parse_error;
  }
  // The findings exactly as the JSON report writes them.
  engine::RunReport run;
  run.findings = answer.findings;
  reporters::ReportInput input;
  input.run = &run;
  std::ostringstream text;
  reporters::write_json(text, input);
  out["findings"] = nlohmann::ordered_json::parse(text.str())["findings"];
  if (answer.plan) {
    nlohmann::ordered_json plan;
    plan["analyzed"] = answer.plan->plan && answer.plan->plan->analyzed();
    plan["total_cost"] = answer.plan->plan ? answer.plan->plan->total_cost() : 0.0;
    if (answer.plan->plan && answer.plan->plan->execution_ms) {
      plan["execution_ms"] = *answer.plan->plan->execution_ms;
    }
    std::ostringstream lines;
    if (answer.plan->plan) {
      plan_lines(lines, answer.plan->plan->root, 0);
    }
    plan["text"] = lines.str();
    plan["error"] = answer.plan->error;
    out["plan"] = plan;
  }
  nlohmann::ordered_json proposals = nlohmann::ordered_json::array();
  for (const model::IndexProposal& proposal : answer.proposals) {
    proposals.push_back({{"ddl", proposal.ddl},
                         {"drizzle", proposal.drizzle},
                         {"method", std::string(model::to_string(proposal.method))},
                         {"verified", proposal.verified},
                         {"cost_before", proposal.cost_before},
                         {"cost_after", proposal.cost_after},
                         {"note", proposal.note}});
  }
  out["proposed_indexes"] = proposals;
  out["notes"] = answer.notes;
  return out;
}

} // namespace pgadvise::app
