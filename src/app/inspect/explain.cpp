#include "app/inspect/explain.hpp"

#include "app/report/exit_codes.hpp"
#include "core/file.hpp"

#include <iostream>
#include <iterator>

namespace pgadvise::app {

namespace {

core::Result<std::string> read_script(const std::string& file) {
  if (file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  return core::read_file(file);
}

} // namespace

int run_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<std::string> statements;
  for (const std::string& query : options.queries) {
    auto split = split_statements(query);
    if (!split) {
      err << "pgadvise: " << split.error().to_string() << "\n";
      return k_exit_usage;
    }
    statements.insert(statements.end(), split->begin(), split->end());
  }
  if (!options.file.empty()) {
    auto text = read_script(options.file);
    if (!text) {
      err << "pgadvise: " << text.error().to_string() << "\n";
      return k_exit_usage;
    }
    auto split = split_statements(*text);
    if (!split) {
      err << "pgadvise: " << options.file << ": " << split.error().to_string() << "\n";
      return k_exit_usage;
    }
    statements.insert(statements.end(), split->begin(), split->end());
  }
  if (statements.empty()) {
    err << "pgadvise: explain: no statement (give one as an argument or -f FILE)\n";
    return k_exit_usage;
  }
  auto advisor = QueryAdvisor::open(options.advisor);
  if (!advisor) {
    err << "pgadvise: " << advisor.error().to_string() << "\n";
    return k_exit_usage;
  }
  int code = k_exit_ok;
  nlohmann::ordered_json answers = nlohmann::ordered_json::array();
  bool first = true;
  for (const std::string& statement : statements) {
    const StatementAnswer answer = (*advisor)->answer(statement, options.analyze);
    for (const core::Finding& finding : answer.findings) {
      if (finding.severity >= core::Severity::high) {
        code = k_exit_findings;
      }
    }
    if (options.format == DocumentFormat::json) {
      answers.push_back(answer_json(answer));
    } else {
      if (!first) {
        out << "\n" << std::string(60, '-') << "\n";
      }
      write_answer_text(out, answer);
    }
    first = false;
  }
  if (options.format == DocumentFormat::json) {
    nlohmann::ordered_json doc;
    doc["schema"] = {{"source", std::string(model::to_string((*advisor)->catalog().source))},
                     {"description", (*advisor)->catalog().source_description}};
    doc["statements"] = answers;
    out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  }
  return code;
}

} // namespace pgadvise::app
