#include "reporters/report.hpp"
#include "reporters/run_summary.hpp"

#include <algorithm>
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

constexpr std::size_t k_chunk_bytes = 1U << 16U;

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

// Writes one finding the way dump() lays it out at `depth` levels of
// indent, straight into `out`: building an ordered_json tree per finding
// and dumping it was a quarter of a 10,000-table run. The layout follows
// nlohmann's (two-space indent, "key": value, [] and {} when empty); a
// string holding a non-ASCII byte is escaped by nlohmann itself, so invalid
// UTF-8 is replaced exactly as dump() does. Unknown parts are null rather
// than 0 or "", so consumers need no magic values; a location without a
// file is unknown as a whole.
class FindingWriter {
public:
  explicit FindingWriter(std::string& out) : m_out(out) {}

  void write(const core::Finding& finding, int depth) {
    m_depth = depth;
    open('{');
    key("rule");
    text(finding.rule);
    key("rule_ids");
    if (finding.rule_ids.empty()) {
      open('[');
      item();
      text(finding.rule);
      close(']');
    } else {
      strings(finding.rule_ids);
    }
    key("severity");
    text(core::to_string(finding.severity));
    key("message");
    text(finding.message);
    key("help");
    text(finding.help);
    key("location");
    write_location(finding.location);
    key("object");
    open('{');
    key("schema");
    text_or_null(finding.object.schema);
    key("table");
    text_or_null(finding.object.table);
    key("columns");
    strings(finding.object.columns);
    key("constraint");
    text_or_null(finding.object.constraint);
    close('}');
    key("evidence");
    if (finding.evidence.empty()) {
      m_out += "[]";
    } else {
      open('[');
      for (const core::Evidence& evidence : finding.evidence) {
        item();
        open('{');
        key("kind");
        text(evidence.kind);
        key("detail");
        text(evidence.detail);
        key("location");
        write_location(evidence.location);
        close('}');
      }
      close(']');
    }
    key("fix");
    if (!finding.fix) {
      m_out += "null";
    } else {
      const core::Fix& fix = *finding.fix;
      open('{');
      key("ddl");
      text_or_null(fix.ddl);
      key("drizzle");
      text_or_null(fix.drizzle);
      key("safety_note");
      text_or_null(fix.safety_note);
      key("kind");
      text(core::to_string(fix.kind));
      key("drizzle_file");
      text_or_null(fix.drizzle_file);
      key("drizzle_table");
      text_or_null(fix.drizzle_table);
      key("commands");
      text_or_null(fix.commands);
      close('}');
    }
    key("fingerprint");
    text(finding.fingerprint);
    close('}');
  }

private:
  void newline() {
    m_out += '\n';
    m_out.append(2 * static_cast<std::size_t>(m_depth), ' ');
  }
  void open(char bracket) {
    m_out += bracket;
    ++m_depth;
    m_first.push_back(true);
  }
  void close(char bracket) {
    --m_depth;
    m_first.pop_back();
    newline();
    m_out += bracket;
  }
  // Before a member or an element: the separator and the indent.
  void item() {
    if (!m_first.back()) {
      m_out += ',';
    }
    m_first.back() = false;
    newline();
  }
  void key(std::string_view name) {
    item();
    m_out += '"';
    m_out += name;
    m_out += "\": ";
  }
  void strings(const std::vector<std::string>& values) {
    if (values.empty()) {
      m_out += "[]";
      return;
    }
    open('[');
    for (const std::string& value : values) {
      item();
      text(value);
    }
    close(']');
  }
  void text_or_null(std::string_view value) {
    if (value.empty()) {
      m_out += "null";
    } else {
      text(value);
    }
  }
  void number_or_null(int value) {
    if (value > 0) {
      m_out += std::to_string(value);
    } else {
      m_out += "null";
    }
  }
  void write_location(const core::SourceLocation& where) {
    if (!where.known()) {
      m_out += "null";
      return;
    }
    open('{');
    key("file");
    text(where.file);
    key("line");
    number_or_null(where.line);
    key("column");
    number_or_null(where.column);
    close('}');
  }
  void text(std::string_view value) {
    static constexpr std::string_view k_hex = "0123456789abcdef";
    const bool ascii =
        std::all_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (!ascii) {
      m_out += dump(json(value));
      return;
    }
    m_out += '"';
    // Runs that need no escape are appended whole, not a byte at a time.
    std::size_t run = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const char c = value[i];
      if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) {
        continue;
      }
      m_out.append(value.substr(run, i - run));
      run = i + 1;
      switch (c) {
      case '"': m_out += "\\\""; break;
      case '\\': m_out += "\\\\"; break;
      case '\b': m_out += "\\b"; break;
      case '\f': m_out += "\\f"; break;
      case '\n': m_out += "\\n"; break;
      case '\r': m_out += "\\r"; break;
      case '\t': m_out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          const auto byte = static_cast<unsigned char>(c);
          m_out += "\\u00";
          m_out += k_hex[static_cast<std::size_t>(byte >> 4U)];
          m_out += k_hex[static_cast<std::size_t>(byte & 0xFU)];
        } else {
          m_out += c;
        }
      }
    }
    m_out.append(value.substr(run));
    m_out += '"';
  }

  std::string& m_out;
  int m_depth = 0;
  std::vector<bool> m_first;
};

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
  // The findings are written where the empty array stands, as the whole
  // document would lay them out: memory holds a chunk of the findings'
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
  // Findings go out in chunks, so memory holds a chunk, not the report.
  std::string buffer;
  FindingWriter writer(buffer);
  const char* separator = "\n    ";
  for (const core::Finding& finding : run.findings) {
    buffer += separator;
    separator = ",\n    ";
    writer.write(finding, 2);
    if (buffer.size() >= k_chunk_bytes) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out << "\n  " << std::string_view(text).substr(open) << "\n";
}

} // namespace pgadvise::reporters
