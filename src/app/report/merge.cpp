#include "app/report/merge.hpp"

#include "app/report/exit_codes.hpp"
#include "app/report/report_output.hpp"
#include "core/file.hpp"
#include "core/finding.hpp"
#include "reporters/report.hpp"

#include <fstream>
#include <map>
#include <set>

namespace pgadvise::app {

namespace {

using json = nlohmann::ordered_json;

std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

core::SourceLocation location_of(const json& value) {
  core::SourceLocation location;
  if (value.is_object()) {
    location.file = text_of(value.value("file", json()));
    location.line = value.value("line", json()).is_number() ? value["line"].get<int>() : 0;
    location.column = value.value("column", json()).is_number() ? value["column"].get<int>() : 0;
  }
  return location;
}

// A finding of a JSON report back into the model, for the HTML reporter.
core::Finding finding_of(const json& item) {
  core::Finding finding;
  finding.rule = text_of(item.value("rule", json()));
  finding.severity =
      core::parse_severity(text_of(item.value("severity", json()))).value_or(core::Severity::info);
  finding.message = text_of(item.value("message", json()));
  finding.help = text_of(item.value("help", json()));
  finding.location = location_of(item.value("location", json()));
  finding.fingerprint = text_of(item.value("fingerprint", json()));
  if (const json object = item.value("object", json()); object.is_object()) {
    finding.object.schema = text_of(object.value("schema", json()));
    finding.object.table = text_of(object.value("table", json()));
    finding.object.constraint = text_of(object.value("constraint", json()));
    for (const auto& column : object.value("columns", json::array())) {
      finding.object.columns.push_back(text_of(column));
    }
  }
  for (const auto& evidence : item.value("evidence", json::array())) {
    // A kind this version never writes (a report of another version) is kept as `other`.
    finding.evidence.push_back(core::Evidence{
        core::parse_evidence_kind(text_of(evidence.value("kind", json())))
            .value_or(core::Evidence::Kind::other),
        text_of(evidence.value("detail", json())), location_of(evidence.value("location", json()))});
  }
  if (const json fix = item.value("fix", json()); fix.is_object()) {
    const std::string ddl = text_of(fix.value("ddl", json()));
    const std::string drizzle = text_of(fix.value("drizzle", json()));
    const std::string file = text_of(fix.value("drizzle_file", json()));
    const std::string table = text_of(fix.value("drizzle_table", json()));
    const std::string commands = text_of(fix.value("commands", json()));
    // A kind this version never writes (a report of a later one) is read as SQL, the default.
    core::Fix out = core::fix_from_fields(
        core::parse_fix_kind(text_of(fix.value("kind", json()))).value_or(core::FixKind::sql),
        core::FixFields{ddl, drizzle, file, table, commands});
    out.safety_note = text_of(fix.value("safety_note", json()));
    // A report without it (an older version) or with a word this one never
    // writes: unsafe, so that fix never applies it unasked.
    out.applicability = core::parse_fix_applicability(text_of(fix.value("applicability", json())))
                            .value_or(core::FixApplicability::unsafe);
    finding.fix = std::move(out);
  }
  return finding;
}

void sum_number(json& into, const json& from, const char* key) {
  if (from.contains(key) && from[key].is_number() && into.contains(key) && into[key].is_number()) {
    into[key] = into[key].get<double>() + from[key].get<double>();
  }
}

json summary_of(const json& findings) {
  std::map<std::string, int> by_severity{
      {"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}, {"info", 0}};
  for (const auto& finding : findings) {
    ++by_severity[text_of(finding.value("severity", json()))];
  }
  json severities;
  for (const char* level : {"critical", "high", "medium", "low", "info"}) {
    severities[level] = by_severity[level];
  }
  return {{"total", findings.size()}, {"by_severity", severities}};
}

} // namespace

json merge_reports(const std::vector<std::pair<std::string, json>>& reports) {
  json findings = json::array();
  std::map<std::string, std::size_t> by_fingerprint;
  std::vector<std::string> inputs;
  std::vector<std::string> rules_run;
  json sources = json::array();
  for (const auto& [path, report] : reports) {
    sources.push_back({{"path", path},
                       {"schema", report.value("schema", json())},
                       {"inputs", report.value("inputs", json::array())},
                       {"findings", report.value("findings", json::array()).size()}});
    for (const auto& input : report.value("inputs", json::array())) {
      if (std::find(inputs.begin(), inputs.end(), text_of(input)) == inputs.end()) {
        inputs.push_back(text_of(input));
      }
    }
    for (const auto& id : report.value("rules_run", json::array())) {
      if (std::find(rules_run.begin(), rules_run.end(), text_of(id)) == rules_run.end()) {
        rules_run.push_back(text_of(id));
      }
    }
    for (const auto& finding : report.value("findings", json::array())) {
      const std::string fingerprint = text_of(finding.value("fingerprint", json()));
      auto known = by_fingerprint.find(fingerprint);
      if (fingerprint.empty() || known == by_fingerprint.end()) {
        json copy = finding;
        copy["sources"] = json::array({path});
        by_fingerprint[fingerprint] = findings.size();
        findings.push_back(std::move(copy));
        continue;
      }
      json& kept = findings[known->second];
      kept["sources"].push_back(path);
      sum_number(kept, finding, "calls");
      sum_number(kept, finding, "total_ms");
      std::set<std::string> seen;
      for (const auto& evidence : kept["evidence"]) {
        seen.insert(evidence.dump());
      }
      for (const auto& evidence : finding.value("evidence", json::array())) {
        if (seen.insert(evidence.dump()).second) {
          kept["evidence"].push_back(evidence);
        }
      }
    }
  }
  json merged;
  merged["version"] = reporters::k_json_version;
  merged["tool"] = {{"name", "pgadvise"}, {"version", PGADVISE_VERSION}};
  merged["schema"] = reports.empty() ? json() : reports.front().second.value("schema", json());
  merged["inputs"] = inputs;
  merged["summary"] = summary_of(findings);
  merged["findings"] = findings;
  merged["rules_run"] = rules_run;
  merged["sources"] = sources;
  return merged;
}

int run_merge(const MergeOptions& options, std::ostream& out, std::ostream& err) {
  if (options.reports.empty()) {
    err << "pgadvise: merge: give the JSON reports to merge\n";
    return k_exit_usage;
  }
  std::vector<std::pair<std::string, json>> reports;
  for (const std::string& path : options.reports) {
    auto text = core::read_file(path);
    if (!text) {
      err << "pgadvise: " << text.error().to_string() << "\n";
      return k_exit_usage;
    }
    json report = json::parse(*text, nullptr, false);
    if (report.is_discarded() || !report.is_object() || !report.contains("findings")) {
      err << "pgadvise: " << path << ": not a pgadvise JSON report\n";
      return k_exit_usage;
    }
    reports.emplace_back(path, std::move(report));
  }
  const json merged = merge_reports(reports);
  std::ofstream file;
  std::ostream* sink_stream = report_output(options.output, file, out, err);
  if (sink_stream == nullptr) {
    return k_exit_usage;
  }
  std::ostream& sink = *sink_stream;
  if (options.format == DocumentFormat::html) {
    engine::RunReport run;
    for (const auto& finding : merged["findings"]) {
      run.findings.push_back(finding_of(finding));
    }
    reporters::ReportInput input;
    input.run = &run;
    input.schema_description = text_of(merged["schema"].value("description", json()));
    input.inputs = options.reports;
    reporters::write_html(sink, input);
  } else {
    sink << merged.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  }
  sink.flush();
  return sink ? k_exit_ok : k_exit_usage;
}

} // namespace pgadvise::app
