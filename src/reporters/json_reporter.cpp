#include "reporters/report.hpp"
#include "reporters/run_summary.hpp"

#include <map>
#include <nlohmann/json.hpp>

// The report for machines. Its shape is documented field by field in the
// README ("JSON report"); bump k_json_version on incompatible changes.
namespace pgadvise::reporters {

namespace {

// Keys in the order written (version first, rule first), which reads
// better than alphabetical and is just as deterministic.
using json = nlohmann::ordered_json;

// Unknown parts are null rather than 0 or "", so consumers need no magic
// values; a location without a file is unknown as a whole.
json location_json(const core::SourceLocation& location) {
  if (!location.known()) {
    return nullptr;
  }
  return json{{"file", location.file},
              {"line", location.line > 0 ? json(location.line) : json(nullptr)},
              {"column", location.column > 0 ? json(location.column) : json(nullptr)}};
}

json text_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json object_json(const core::ObjectRef& object) {
  return json{{"schema", text_or_null(object.schema)},
              {"table", text_or_null(object.table)},
              {"columns", object.columns},
              {"constraint", text_or_null(object.constraint)}};
}

json evidence_json(const std::vector<core::Evidence>& evidence) {
  json out = json::array();
  for (const core::Evidence& item : evidence) {
    out.push_back({{"kind", item.kind}, {"detail", item.detail}, {"location", location_json(item.location)}});
  }
  return out;
}

json fix_json(const std::optional<core::Fix>& fix) {
  if (!fix) {
    return nullptr;
  }
  return json{{"ddl", text_or_null(fix->ddl)},
              {"drizzle", text_or_null(fix->drizzle)},
              {"safety_note", text_or_null(fix->safety_note)},
              {"kind", core::to_string(fix->kind)},
              {"drizzle_file", text_or_null(fix->drizzle_file)},
              {"drizzle_table", text_or_null(fix->drizzle_table)},
              {"commands", text_or_null(fix->commands)}};
}

json finding_json(const core::Finding& finding) {
  return json{{"rule", finding.rule},
              {"rule_ids", finding.all_rule_ids()},
              {"severity", core::to_string(finding.severity)},
              {"message", finding.message},
              {"help", finding.help},
              {"location", location_json(finding.location)},
              {"object", object_json(finding.object)},
              {"evidence", evidence_json(finding.evidence)},
              {"fix", fix_json(finding.fix)},
              {"fingerprint", finding.fingerprint}};
}

// Findings per rule id, sorted by id.
std::map<std::string, std::size_t> count_by_rule(const std::vector<core::Finding>& findings) {
  std::map<std::string, std::size_t> counts;
  for (const core::Finding& finding : findings) {
    ++counts[finding.rule];
  }
  return counts;
}

json summary_json(const engine::RunReport& run) {
  const SeverityCounts counts = count_by_severity(run.findings);
  json by_severity = json::object();
  for (core::Severity severity : k_severities_descending) {
    by_severity[std::string(core::to_string(severity))] = counts.of(severity);
  }
  json by_rule = json::object();
  for (const auto& [rule, count] : count_by_rule(run.findings)) {
    by_rule[rule] = count;
  }
  return json{{"total", counts.total},
              {"by_severity", by_severity},
              {"by_rule", by_rule},
              {"suppressed", run.suppressed},
              {"hidden", run.hidden}};
}

json skipped_json(const std::vector<std::string>& skipped) {
  json out = json::array();
  for (const std::string& entry : skipped) {
    const SkippedRule rule = parse_skipped(entry);
    out.push_back({{"rule", rule.rule}, {"reason", rule.reason}});
  }
  return out;
}

json input_summary_json(const InputSummary& summary) {
  json workload = nullptr;
  if (summary.has_workload) {
    json sources = json::array();
    for (const WorkloadSourceInfo& source : summary.workload_sources) {
      sources.push_back({{"path", source.path}, {"description", source.description}});
    }
    workload = {{"sources", sources},
                {"lines", summary.log_lines},
                {"bytes", summary.bytes},
                {"statements", summary.statements},
                {"distinct_queries", summary.distinct_queries},
                {"unparsed_statements", summary.unparsed_statements}};
  }
  return json{
      {"schema",
       {{"tables", summary.tables}, {"indexes", summary.indexes}, {"foreign_keys", summary.foreign_keys}}},
      {"workload", workload},
      {"live", summary.live},
      {"elapsed_ms", summary.elapsed_ms}};
}

// Messages quote input files, which may hold invalid UTF-8: bad bytes become
// U+FFFD instead of throwing, so the report is always valid.
std::string dump(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace);
}

} // namespace

void write_json(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  const engine::RunReport& run = input.run != nullptr ? *input.run : k_empty;
  json report = json::object();
  report["version"] = k_json_version;
  report["tool"] = {{"name", "pgadvise"}, {"version", PGADVISE_VERSION}};
  report["schema"] = {{"source", input.schema_source.empty() ? "none" : input.schema_source},
                      {"description", input.schema_description}};
  report["inputs"] = input.inputs;
  report["input_summary"] = input_summary_json(input.input_summary);
  report["summary"] = summary_json(run);
  report["findings"] = json::array();
  report["notes"] = input.notes;
  report["rules_run"] = run.rules_run;
  report["skipped_rules"] = skipped_json(run.skipped);
  const std::string text = dump(report);
  // The findings are written one at a time where the empty array stands, as
  // the whole document would lay them out: memory stays with one finding's
  // JSON, not every finding's (30,000 findings made a 200 MB tree). The key
  // is found at the top level's indent; strings hold no raw newline.
  const std::string key = "\n  \"findings\": [";
  const std::size_t at = text.find(key);
  if (run.findings.empty() || at == std::string::npos) {
    out << text << "\n";
    return;
  }
  const std::size_t open = at + key.size();
  out.write(text.data(), static_cast<std::streamsize>(open));
  const char* separator = "\n    ";
  for (const core::Finding& finding : run.findings) {
    out << separator;
    separator = ",\n    ";
    const std::string one = dump(finding_json(finding));
    std::size_t from = 0;
    for (std::size_t nl = one.find('\n'); nl != std::string::npos; nl = one.find('\n', from)) {
      out.write(one.data() + from, static_cast<std::streamsize>(nl - from));
      out << "\n    ";
      from = nl + 1;
    }
    out.write(one.data() + from, static_cast<std::streamsize>(one.size() - from));
  }
  out << "\n  " << std::string_view(text).substr(open) << "\n";
}

} // namespace pgadvise::reporters
