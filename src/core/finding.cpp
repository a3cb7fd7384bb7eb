#include "core/finding.hpp"

#include "core/finding_order.hpp"
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

std::string_view to_string(Evidence::Kind kind) {
  using Kind = Evidence::Kind;
  switch (kind) {
  case Kind::ddl: return "ddl";
  case Kind::snapshot: return "snapshot";
  case Kind::schema: return "schema";
  case Kind::catalog: return "catalog";
  case Kind::log: return "log";
  case Kind::query: return "query";
  case Kind::plan: return "plan";
  case Kind::verification: return "verification";
  case Kind::code: return "code";
  case Kind::chain: return "chain";
  case Kind::environment: return "environment";
  case Kind::condition: return "condition";
  case Kind::deletes: return "deletes";
  case Kind::comment: return "comment";
  case Kind::database: return "database";
  case Kind::example: return "example";
  case Kind::existing: return "existing";
  case Kind::finding: return "finding";
  case Kind::observed: return "observed";
  case Kind::other: return "other";
  }
  return "other";
}

std::optional<Evidence::Kind> parse_evidence_kind(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(Evidence::Kind::other); ++i) {
    const auto kind = static_cast<Evidence::Kind>(i);
    if (to_string(kind) == text) {
      return kind;
    }
  }
  return std::nullopt;
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

void reorder_findings(std::vector<Finding>& findings, const std::vector<std::size_t>& order) {
  // Follows each cycle of the permutation, so every finding moves once and
  // no second vector of findings is allocated (at 450,000 findings a copy
  // of the vector alone is 250 MB).
  std::vector<bool> placed(findings.size(), false);
  for (std::size_t start = 0; start < findings.size(); ++start) {
    if (placed[start] || order[start] == start) {
      continue;
    }
    Finding held = std::move(findings[start]);
    std::size_t at = start;
    while (order[at] != start) {
      findings[at] = std::move(findings[order[at]]);
      placed[at] = true;
      at = order[at];
    }
    findings[at] = std::move(held);
    placed[at] = true;
  }
}

void sort_findings(std::vector<Finding>& findings) {
  // The object's text is built once per finding, not twice per comparison,
  // and indexes are sorted instead of 560-byte findings.
  struct Key {
    int severity;
    const std::string* file;
    int line;
    int column;
    const std::string* rule;
    std::string object;
  };
  std::vector<Key> keys;
  keys.reserve(findings.size());
  for (const Finding& f : findings) {
    keys.push_back({-static_cast<int>(f.severity), &f.location.file.str(), f.location.line, f.location.column,
                    &f.rule, f.object.to_string()});
  }
  const auto before = [&](std::size_t a, std::size_t b) {
    const Key& x = keys[a];
    const Key& y = keys[b];
    return std::tie(x.severity, *x.file, x.line, x.column, *x.rule, x.object) <
           std::tie(y.severity, *y.file, y.line, y.column, *y.rule, y.object);
  };
  // A list sorted already (the lens sorts what the engine sorted) stays as it is.
  bool sorted = true;
  for (std::size_t i = 1; i < keys.size() && sorted; ++i) {
    sorted = !before(i, i - 1);
  }
  if (!sorted) {
    std::vector<std::size_t> order(findings.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), before);
    keys.clear();
    reorder_findings(findings, order);
  }
  order_by_weight(findings, [](const Finding& f) -> const Finding& { return f; });
}

} // namespace pgadvise::core
