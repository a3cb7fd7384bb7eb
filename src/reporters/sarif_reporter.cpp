#include "engine/rule_pages.hpp"
#include "reporters/ci_output.hpp"
#include "reporters/report.hpp"

#include <cctype>
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
  descriptor["properties"] = {{"category", rule.category},
                              {"severity", core::to_string(rule.severity)},
                              {"tags", json::array({"pgadvise", rule.category})}};
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

json physical_location(const core::SourceLocation& location, const std::string& repo_root) {
  const std::string path = repo_relative(location.file, repo_root);
  json artifact;
  if (!path.empty() && path.front() == '/') {
    artifact = {{"uri", "file://" + uri_path(path)}};
  } else {
    artifact = {{"uri", uri_path(path)}, {"uriBaseId", k_src_root}};
  }
  json physical = {{"artifactLocation", artifact}};
  if (location.line > 0) {
    json region = {{"startLine", location.line}};
    if (location.column > 0) {
      region["startColumn"] = location.column;
    }
    physical["region"] = region;
  }
  return physical;
}

json logical_location(const core::ObjectRef& object) {
  const std::string name = qualified_object(object);
  if (name.empty()) {
    return nullptr;
  }
  std::string kind = "table";
  std::string short_name = object.table;
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
  return json{{"name", short_name}, {"fullyQualifiedName", name}, {"kind", kind}};
}

json result_json(const core::Finding& finding, const std::map<std::string, std::size_t>& rule_index,
                 const std::string& repo_root) {
  json result = {{"ruleId", finding.rule}};
  if (const auto found = rule_index.find(finding.rule); found != rule_index.end()) {
    result["ruleIndex"] = found->second;
  }
  result["level"] = sarif_level(finding.severity);
  result["message"] = {{"text", message_with_fix(finding)}};
  json location = json::object();
  const core::SourceLocation where = primary_location(finding);
  if (where.known()) {
    location["physicalLocation"] = physical_location(where, repo_root);
  }
  if (json logical = logical_location(finding.object); !logical.is_null()) {
    location["logicalLocations"] = json::array({logical});
  }
  if (!location.empty()) {
    result["locations"] = json::array({location});
  }
  result["partialFingerprints"] = {{"pgadvise/v1", finding.fingerprint}};
  result["properties"] = {{"severity", core::to_string(finding.severity)}};
  if (!finding.help.empty()) {
    result["properties"]["help"] = finding.help.str();
  }
  return result;
}

} // namespace

void write_sarif(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  const engine::RunReport& run = input.run != nullptr ? *input.run : k_empty;
  json rules = json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const RuleInfo& rule : input.rules) {
    rule_index.emplace(rule.id, rules.size());
    rules.push_back(rule_json(rule));
  }
  json results = json::array();
  for (const core::Finding& finding : run.findings) {
    results.push_back(result_json(finding, rule_index, input.repo_root));
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
  run_json["results"] = results;
  const json log = {{"$schema", k_schema_uri}, {"version", "2.1.0"}, {"runs", json::array({run_json})}};
  out << log.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

} // namespace pgadvise::reporters
