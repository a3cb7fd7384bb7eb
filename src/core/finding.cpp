#include "core/finding.hpp"

#include "core/hash.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <tuple>

namespace pgadvise::core {

std::string ObjectRef::to_string() const {
  std::string out;
  if (!table.empty()) {
    out = schema.empty() ? table : schema + "." + table;
  }
  if (!columns.empty()) {
    out += "(" + join(columns, ", ") + ")";
  }
  if (!constraint.empty()) {
    out += out.empty() ? constraint : " " + constraint;
  }
  return out;
}

std::string_view to_string(FixKind kind) {
  switch (kind) {
  case FixKind::sql: return "sql";
  case FixKind::shell: return "shell";
  }
  return "sql";
}

std::vector<std::string> Finding::all_rule_ids() const {
  if (rule_ids.empty()) {
    return {rule};
  }
  return rule_ids;
}

void Finding::compute_fingerprint(std::string_view discriminator) {
  std::string key = rule;
  key += '\x1f';
  key += object.schema.empty() ? "public" : object.schema;
  key += '\x1f';
  key += object.table;
  key += '\x1f';
  key += join(object.columns, ",");
  key += '\x1f';
  key += object.constraint;
  key += '\x1f';
  key += discriminator;
  fingerprint = to_hex(fnv1a64(key));
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::make_tuple(-static_cast<int>(a.severity), a.location.file, a.location.line, a.location.column,
                           a.rule, a.object.to_string()) <
           std::make_tuple(-static_cast<int>(b.severity), b.location.file, b.location.line, b.location.column,
                           b.rule, b.object.to_string());
  });
}

} // namespace pgadvise::core
