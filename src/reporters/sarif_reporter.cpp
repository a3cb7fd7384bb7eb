#include "engine/rule_pages.hpp"
#include "reporters/ci_output.hpp"
#include "reporters/json_writer.hpp"
#include "reporters/report.hpp"

#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

// SARIF 2.1.0, the format code scanning (GitHub, GitLab, Azure DevOps,
// VS Code's SARIF viewer) reads. The rules come from the registry with their
// pages; results point into the repository through %SRCROOT%, or name the
// database object when there is no file.
namespace pgadvise::reporters {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view k_schema_uri = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view k_src_root = "%SRCROOT%";

// The page without its frontmatter.
std::string_view page_body(std::string_view page) {
  if (page.substr(0, 4) != "---\n") {
    return page;
  }
  const auto end = page.find("\n---\n", 3);
  return end == std::string_view::npos ? page : page.substr(end + 5);
}

// The text of one "## <title>" section, trimmed; empty when absent.
std::string page_section(std::string_view body, std::string_view title) {
  const std::string heading = "\n## " + std::string(title) + "\n";
  const std::string text = "\n" + std::string(body);
  auto start = text.find(heading);
  if (start == std::string::npos) {
    return {};
  }
  start += heading.size();
  auto end = text.find("\n## ", start);
  std::string section = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  while (!section.empty() && std::isspace(static_cast<unsigned char>(section.front())) != 0) {
    section.erase(section.begin());
  }
  while (!section.empty() && std::isspace(static_cast<unsigned char>(section.back())) != 0) {
    section.pop_back();
  }
  return section;
}

json rule_json(const RuleInfo& rule) {
  json descriptor = {{"id", rule.id}, {"shortDescription", {{"text", rule.summary}}}};
  if (const auto page = engine::find_rule_page(rule.id)) {
    const std::string_view body = page_body(*page);
    const std::string finds = page_section(body, "What it finds");
    const std::string fix = page_section(body, "How to fix");
    descriptor["fullDescription"] = {{"text", finds.empty() ? rule.summary : finds}};
    descriptor["help"] = {{"text", fix.empty() ? rule.summary : fix}, {"markdown", std::string(body)}};
  } else {
    descriptor["fullDescription"] = {{"text", rule.summary}};
  }
  descriptor["defaultConfiguration"] = {{"level", sarif_level(rule.severity)}};
  descriptor["properties"] = {{"category", engine::to_string(rule.category)},
                              {"severity", core::to_string(rule.severity)},
                              {"tags", json::array({"pgadvise", engine::to_string(rule.category)})}};
  return descriptor;
}

// RFC 3986 percent-encoding of a path: unreserved characters and '/' stay.
std::string uri_path(const std::string& path) {
  std::string out;
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      constexpr std::string_view k_hex = "0123456789ABCDEF";
      out += '%';
      out += k_hex[byte >> 4U];
      out += k_hex[byte & 0xFU];
    }
  }
  return out;
}

// "file:///abs/dir/" for a directory.
std::string directory_uri(const std::string& directory) {
  std::string uri = "file://" + uri_path(directory);
  if (uri.back() != '/') {
    uri += '/';
  }
  return uri;
}

// The results are written by JsonWriter, not built as a tree (a tree of
// 45,000 results peaked at 670 MB), in the layout nlohmann would dump.
void write_physical_location(JsonWriter& w, const core::SourceLocation& location,
                             const std::string& repo_root) {
  const std::string path = repo_relative(location.file, repo_root);
  w.open('{');
  w.key("artifactLocation");
  w.open('{');
  w.key("uri");
  if (!path.empty() && path.front() == '/') {
    w.text("file://" + uri_path(path));
  } else {
    w.text(uri_path(path));
    w.field("uriBaseId", k_src_root);
  }
  w.close('}');
  if (location.line > 0) {
    w.key("region");
    w.open('{');
    w.key("startLine");
    w.number(location.line);
    if (location.column > 0) {
      w.key("startColumn");
      w.number(location.column);
    }
    w.close('}');
  }
  w.close('}');
}

// The logical location, when the finding names an object.
void write_logical_locations(JsonWriter& w, const core::ObjectRef& object, const std::string& name) {
  std::string_view kind = "table";
  std::string_view short_name = object.table;
  if (object.table.empty()) {
    kind = "object";
    short_name = object.constraint;
  } else if (!object.columns.empty()) {
    kind = object.columns.size() == 1 ? "column" : "columns";
    short_name = object.columns.front();
  } else if (!object.constraint.empty()) {
    kind = "constraint";
    short_name = object.constraint;
  }
  w.key("logicalLocations");
  w.open('[');
  w.item();
  w.open('{');
  w.field("name", short_name);
  w.field("fullyQualifiedName", name);
  w.field("kind", kind);
  w.close('}');
  w.close(']');
}

// A code fix is no SARIF `fixes` entry: that is an applicable edit (each
// artifactChange's replacements delete a region and insert content), and a
// loop rewritten as one query is not a replacement of a region pgadvise
// knows the extent of. It is in the message (text and markdown) and here,
// in the result's property bag, for tools that read it.
void write_code_fix(JsonWriter& w, const core::Fix& fix, const std::string& repo_root) {
  w.key("codeFix");
  w.open('{');
  if (!fix.code_file().empty()) {
    w.field("location", repo_relative_place(fix.code_file().str(), repo_root));
  }
  if (!fix.code_table().empty()) {
    w.field("table", fix.code_table().str());
  }
  if (!fix.code_text().empty()) {
    w.field("code", fix.code_text().str());
  }
  if (!fix.statements().empty()) {
    w.field("sql", fix.statements());
  }
  w.close('}');
}

void write_result(JsonWriter& w, const core::Finding& finding,
                  const std::map<std::string, std::size_t, std::less<>>& rule_index,
                  const std::string& repo_root) {
  w.open('{');
  w.field("ruleId", finding.rule);
  if (const auto found = rule_index.find(finding.rule); found != rule_index.end()) {
    w.key("ruleIndex");
    w.number(static_cast<std::int64_t>(found->second));
  }
  w.field("level", sarif_level(finding.severity));
  w.key("message");
  w.open('{');
  w.field("text", message_with_fix(finding, repo_root));
  if (has_code_fix(finding)) {
    w.field("markdown", markdown_with_code_fix(finding, repo_root));
  }
  w.close('}');
  const core::SourceLocation where = primary_location(finding);
  const std::string object = qualified_object(finding.object);
  if (where.known() || !object.empty()) {
    w.key("locations");
    w.open('[');
    w.item();
    w.open('{');
    if (where.known()) {
      w.key("physicalLocation");
      write_physical_location(w, where, repo_root);
    }
    if (!object.empty()) {
      write_logical_locations(w, finding.object, object);
    }
    w.close('}');
    w.close(']');
  }
  w.key("partialFingerprints");
  w.open('{');
  w.field("pgadvise/v1", finding.fingerprint);
  w.close('}');
  w.key("properties");
  w.open('{');
  w.field("severity", core::to_string(finding.severity));
  if (!finding.help.empty()) {
    w.field("help", finding.help);
  }
  if (finding.fix) {
    // safe, unsafe or manual: what `pgadvise fix` does with it (the JSON's fix.applicability).
    w.field("fixApplicability", core::to_string(finding.fix->applicability));
  }
  if (has_code_fix(finding)) {
    write_code_fix(w, *finding.fix, repo_root);
  }
  w.close('}');
  w.close('}');
}

} // namespace

void write_sarif(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  const engine::RunReport& run = input.run != nullptr ? *input.run : k_empty;
  json rules = json::array();
  std::map<std::string, std::size_t, std::less<>> rule_index;
  for (const RuleInfo& rule : input.rules) {
    rule_index.emplace(rule.id, rules.size());
    rules.push_back(rule_json(rule));
  }
  json run_json = {{"tool",
                    {{"driver",
                      {{"name", "pgadvise"},
                       {"version", PGADVISE_VERSION},
                       {"semanticVersion", PGADVISE_VERSION},
                       {"rules", rules}}}}}};
  if (!input.repo_root.empty()) {
    run_json["originalUriBaseIds"] = {{k_src_root, {{"uri", directory_uri(input.repo_root)}}}};
  }
  run_json["results"] = json::array();
  const json log = {{"$schema", k_schema_uri}, {"version", "2.1.0"}, {"runs", json::array({run_json})}};
  const std::string frame = log.dump(2, ' ', false, json::error_handler_t::replace);
  // The results go where the empty array stands: runs[0].results, at the
  // third level of indent.
  write_spliced(out, frame, empty_array_end(frame, "results", 3), 3, run.findings.loaded(),
                [&](JsonWriter& w, const core::Finding& finding) {
                  write_result(w, finding, rule_index, input.repo_root);
                });
  out << "\n";
}

} // namespace pgadvise::reporters
