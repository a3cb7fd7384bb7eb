#include "app/inspect/shell.hpp"

#include "app/fix/fix.hpp"
#include "app/inspect/schema_view.hpp"
#include "app/report/exit_codes.hpp"
#include "core/text.hpp"
#include "reporters/report.hpp"
#include "rules/registry.hpp"

#include <cstdio>
#include <cstdlib>
#include <editline/readline.h>
#include <filesystem>
#include <optional>
#include <string>

namespace pgadvise::app {

namespace {

constexpr const char* k_prompt = "pgadvise=> ";
constexpr const char* k_continuation = "pgadvise-> ";

constexpr std::string_view k_help =
    R"(Paste a statement ending with ; to see its normalized form, fingerprint and
the findings it triggers against the project's schema (with --db: its plan and
the proposed index checked with HypoPG).

  \help            this text
  \rules           the rules a statement is judged by, then every rule
  \schema [TABLE]  the schema pgadvise built (one table with TABLE)
  \findings        the project's lint report
  \explain [SQL]   the statement (default: the last one) with its EXPLAIN plan (--db)
  \analyze [SQL]   the same with EXPLAIN ANALYZE, under lint's safety rules (--db)
  \fix [write]     the last statement's fixes as a diff of the schema files; `write` applies it
  \q               quit
)";

// Where the prompt's lines come from: libedit at a terminal, else a stream.
class LineSource {
public:
  LineSource(bool interactive, std::istream& in) : m_interactive(interactive), m_in(in) {
    if (m_interactive) {
      const char* home = std::getenv("HOME");
      if (home != nullptr && *home != '\0') {
        m_history = (std::filesystem::path(home) / ".pgadvise_history").string();
        using_history();
        read_history(m_history.c_str());
      }
    }
  }
  LineSource(const LineSource&) = delete;
  LineSource& operator=(const LineSource&) = delete;
  LineSource(LineSource&&) = delete;
  LineSource& operator=(LineSource&&) = delete;
  ~LineSource() {
    if (m_interactive && !m_history.empty()) {
      write_history(m_history.c_str());
    }
  }

  std::optional<std::string> next(bool continuation) {
    if (!m_interactive) {
      std::string line;
      if (!std::getline(m_in, line)) {
        return std::nullopt;
      }
      return line;
    }
    char* raw = readline(continuation ? k_continuation : k_prompt);
    if (raw == nullptr) {
      return std::nullopt;
    }
    std::string line(raw);
    std::free(raw); // NOLINT(cppcoreguidelines-no-malloc): libedit allocates with malloc
    if (!core::trim(line).empty()) {
      add_history(line.c_str());
    }
    return line;
  }

private:
  bool m_interactive;
  std::istream& m_in;
  std::string m_history;
};

class Shell {
public:
  Shell(QueryAdvisor& advisor, bool color, std::ostream& out)
      : m_advisor(advisor), m_color(color), m_out(out) {}

  void answer_script(const std::string& text, bool explain, bool analyze) {
    auto statements = split_statements(text);
    if (!statements) {
      m_out << "error: " << statements.error().to_string() << "\n";
      return;
    }
    for (const std::string& statement : *statements) {
      m_last = statement;
      if (explain && !m_advisor.live()) {
        m_out << "note: the plan needs a database (start pgadvise with --db)\n";
      }
      const StatementAnswer answer = m_advisor.answer(statement, analyze);
      write_answer_text(m_out, answer, m_color);
      m_out << "\n";
      m_last_findings = answer.findings;
    }
  }

  // Returns false for \q.
  bool meta(const std::string& line) {
    const std::string text(core::trim(line));
    const auto space = text.find_first_of(" \t");
    const std::string command = text.substr(0, space);
    const std::string arg =
        space == std::string::npos ? std::string() : std::string(core::trim(text.substr(space)));
    if (command == "\\q" || command == "\\quit") {
      return false;
    }
    if (command == "\\help" || command == "\\h" || command == "\\?") {
      m_out << k_help;
    } else if (command == "\\rules") {
      rules_list();
    } else if (command == "\\schema" || command == "\\d") {
      if (!write_schema_text(m_out, m_advisor.catalog(), arg)) {
        m_out << "no table named '" << arg << "'\n";
      }
    } else if (command == "\\findings") {
      findings();
    } else if (command == "\\fix") {
      fix(arg == "write");
    } else if (command == "\\explain" || command == "\\analyze") {
      const std::string sql = arg.empty() ? m_last : arg;
      if (sql.empty()) {
        m_out << "no statement yet: " << command << " SQL, or paste one first\n";
      } else {
        answer_script(sql, true, command == "\\analyze");
      }
    } else {
      m_out << "unknown command " << command << " (\\help lists them)\n";
    }
    return true;
  }

private:
  void rules_list() {
    m_out << "A statement is judged by:\n";
    for (const std::string& id : statement_rule_ids()) {
      const engine::Rule* rule = rules::find_rule(id);
      m_out << "  " << id << (rule != nullptr ? "  " + rule->meta().summary : std::string()) << "\n";
    }
    m_out << "Every rule (\\findings runs them over the project):\n";
    for (const engine::Rule* rule : rules::rule_set()) {
      m_out << "  " << rule->meta().id << "\n";
    }
  }

  void findings() {
    const engine::RunReport report = m_advisor.lint_report();
    reporters::ReportInput input;
    input.run = &report;
    input.schema_source = std::string(model::to_string(m_advisor.catalog().source));
    input.schema_description = m_advisor.catalog().source_description;
    input.color = m_color;
    reporters::write_text(m_out, input);
  }

  // `\fix`: what `pgadvise fix` would do for the last statement's findings
  // (an index into schema.ts); `\fix write` does it. The prompt is a
  // developer at work, so uncommitted changes are no reason to refuse.
  void fix(bool write) {
    if (m_last.empty()) {
      m_out << "no statement yet: paste one, then \\fix\n";
      return;
    }
    const FixPlan plan = plan_fixes(m_last_findings, m_advisor.project());
    if (write) {
      for (const FileChange& change : plan.files) {
        if (auto written = write_file_change(change); !written) {
          m_out << "error: " << written.error().message << "\n";
          return;
        }
      }
    }
    print_fix_plan(plan, write, m_out, m_out);
  }

  QueryAdvisor& m_advisor;
  bool m_color;
  std::vector<core::Finding> m_last_findings;
  std::ostream& m_out;
  std::string m_last;
};

} // namespace

int run_shell(const ShellOptions& options, bool interactive, std::istream& in, std::ostream& out,
              std::ostream& err) {
  auto advisor = QueryAdvisor::open(options.advisor);
  if (!advisor) {
    err << "pgadvise: " << advisor.error().to_string() << "\n";
    return k_exit_usage;
  }
  if (interactive) {
    out << "pgadvise " << PGADVISE_VERSION << ": " << (*advisor)->catalog().source_description
        << ((*advisor)->live() ? " (live database)" : "") << ". \\help for help, \\q to quit.\n";
    out.flush();
  }
  Shell shell(**advisor, interactive, out);
  LineSource lines(interactive, in);
  std::string buffer;
  while (auto line = lines.next(!buffer.empty())) {
    if (buffer.empty() && core::trim(*line).substr(0, 1) == "\\") {
      if (!shell.meta(*line)) {
        return k_exit_ok;
      }
      out.flush();
      continue;
    }
    buffer += *line + "\n";
    const std::string_view trimmed = core::trim(buffer);
    if (!trimmed.empty() && trimmed.back() == ';') {
      shell.answer_script(buffer, false, false);
      buffer.clear();
      out.flush();
    } else if (trimmed.empty()) {
      buffer.clear();
    }
  }
  if (!core::trim(buffer).empty()) {
    shell.answer_script(buffer, false, false);
  }
  return k_exit_ok;
}

} // namespace pgadvise::app
