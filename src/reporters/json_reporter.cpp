#include "reporters/json_writer.hpp"
#include "reporters/report.hpp"
#include "reporters/run_summary.hpp"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

// The report for machines. Its shape is documented field by field in the
// README ("JSON report"); bump k_json_version on incompatible changes.
namespace pgadvise::reporters {

namespace {

// Keys in the order written (version first, rule first), which reads
// better than alphabetical and is just as deterministic.
using json = nlohmann::ordered_json;

// Findings per rule id, sorted by id.
std::map<std::string, std::size_t> count_by_rule(const core::FindingList& findings) {
  std::map<std::string, std::size_t> counts;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    ++counts[findings.rule(i)];
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

double rounded(double value) {
  return std::round(value * 10) / 10; // 0.1 ms (or MB) is plenty
}

double megabytes(std::uint64_t kilobytes) {
  return rounded(static_cast<double>(kilobytes) / 1024.0);
}

// --timings: each stage that ran, in the order a run goes through them.
json timings_json(const core::TimingsSnapshot& timings) {
  json stages = json::array();
  for (std::size_t i = 0; i < core::k_stage_count; ++i) {
    const core::StageCost& cost = timings.stages[i];
    if (!cost.ran) {
      continue;
    }
    stages.push_back({{"stage", std::string(core::to_string(static_cast<core::Stage>(i)))},
                      {"wall_ms", rounded(cost.wall_ms)},
                      {"cpu_ms", rounded(cost.cpu_ms)},
                      {"peak_rss_growth_mb", megabytes(cost.peak_growth_kb)},
                      {"peak_rss_mb", megabytes(cost.peak_kb)}});
  }
  return json{{"wall_ms", rounded(timings.wall_ms)},
              {"cpu_ms", rounded(timings.cpu_ms)},
              {"peak_rss_mb", megabytes(timings.peak_kb)},
              {"stages", stages}};
}

// Messages quote input files, which may hold invalid UTF-8: bad bytes become
// U+FFFD instead of throwing, so the report is always valid.
std::string dump(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace);
}

// One finding as dump() would lay it out, written by JsonWriter (see
// json_writer.hpp for why not a tree). Unknown parts are null rather than 0
// or "", so consumers need no magic values; a location without a file is
// unknown as a whole.
void write_location(JsonWriter& w, const core::SourceLocation& where) {
  if (!where.known()) {
    w.null();
    return;
  }
  w.open('{');
  w.field("file", where.file);
  w.key("line");
  w.number_or_null(where.line);
  w.key("column");
  w.number_or_null(where.column);
  w.close('}');
}

void write_finding(JsonWriter& w, const core::Finding& finding) {
  w.open('{');
  w.field("rule", finding.rule);
  w.key("rule_ids");
  if (finding.rule_ids.empty()) {
    w.open('[');
    w.item();
    w.text(finding.rule);
    w.close(']');
  } else {
    w.strings(finding.rule_ids);
  }
  w.field("severity", core::to_string(finding.severity));
  w.field("message", finding.message);
  w.field("help", finding.help);
  w.key("location");
  write_location(w, finding.location);
  w.key("object");
  w.open('{');
  w.field_or_null("schema", finding.object.schema);
  w.field_or_null("table", finding.object.table);
  w.key("columns");
  w.strings(finding.object.columns);
  w.field_or_null("constraint", finding.object.constraint);
  w.close('}');
  w.key("evidence");
  w.open('[');
  for (const core::Evidence& evidence : finding.evidence) {
    w.item();
    w.open('{');
    w.field("kind", core::to_string(evidence.kind));
    w.field("detail", evidence.detail);
    w.key("location");
    write_location(w, evidence.location);
    w.close('}');
  }
  w.close(']');
  w.key("fix");
  if (!finding.fix) {
    w.null();
  } else {
    const core::Fix& fix = *finding.fix;
    w.open('{');
    const core::FixFields fields = core::fix_fields(fix);
    w.field_or_null("ddl", fields.ddl);
    w.field_or_null("drizzle", fields.drizzle);
    w.field_or_null("safety_note", fix.safety_note);
    w.field("kind", core::to_string(fix.kind()));
    w.field("applicability", core::to_string(fix.applicability));
    w.field_or_null("drizzle_file", fields.drizzle_file);
    w.field_or_null("drizzle_table", fields.drizzle_table);
    w.field_or_null("commands", fields.commands);
    w.close('}');
  }
  w.field("fingerprint", finding.fingerprint);
  w.close('}');
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
  if (input.timings) {
    report["timings"] = timings_json(*input.timings);
  }
  const std::string text = dump(report);
  write_spliced(out, text, empty_array_end(text, "findings", 1), 1, run.findings.loaded(), write_finding);
  out << "\n";
}

} // namespace pgadvise::reporters
