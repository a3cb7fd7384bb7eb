#include "core/finding.hpp"

#include "core/finding_order.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"

#include <algorithm>

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

namespace {

// What findings are sorted by, object aside: 32 bytes a finding. The
// object's text ("schema.table(col, ...) constraint") is built only for
// findings tied on all of this (at 100,000 tables almost none are), instead
// of for each of 450,000 findings beside the findings themselves.
struct SortKey {
  int severity;
  int line;
  int column;
  const std::string* file;
  const std::string* rule;

  [[nodiscard]] int compare(const SortKey& other) const {
    if (severity != other.severity) {
      return severity < other.severity ? -1 : 1;
    }
    if (const int c = file->compare(*other.file); c != 0) {
      return c;
    }
    if (line != other.line) {
      return line < other.line ? -1 : 1;
    }
    if (column != other.column) {
      return column < other.column ? -1 : 1;
    }
    return rule->compare(*other.rule);
  }
};

SortKey sort_key(const Finding& f) {
  return {-static_cast<int>(f.severity), f.location.line, f.location.column, &f.location.file.str(), &f.rule};
}

bool sorted_already(const std::vector<Finding>& findings, const std::vector<SortKey>& keys) {
  for (std::size_t i = 1; i < keys.size(); ++i) {
    const int c = keys[i - 1].compare(keys[i]);
    if (c > 0 || (c == 0 && findings[i].object.to_string() < findings[i - 1].object.to_string())) {
      return false;
    }
  }
  return true;
}

// Within each run of `order` whose keys tie, the findings by object text,
// stably: the same order as one stable sort by key and object.
void sort_ties_by_object(const std::vector<Finding>& findings, const std::vector<SortKey>& keys,
                         std::vector<std::size_t>& order) {
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start + 1;
    while (end < order.size() && keys[order[start]].compare(keys[order[end]]) == 0) {
      ++end;
    }
    if (end - start > 1) {
      std::vector<std::string> objects(end - start);
      std::vector<std::size_t> slot(end - start);
      for (std::size_t i = start; i < end; ++i) {
        objects[i - start] = findings[order[i]].object.to_string();
        slot[i - start] = i - start;
      }
      std::stable_sort(slot.begin(), slot.end(),
                       [&](std::size_t a, std::size_t b) { return objects[a] < objects[b]; });
      std::vector<std::size_t> run(end - start);
      for (std::size_t i = 0; i < run.size(); ++i) {
        run[i] = order[start + slot[i]];
      }
      std::copy(run.begin(), run.end(), order.begin() + static_cast<std::ptrdiff_t>(start));
    }
    start = end;
  }
}

} // namespace

void sort_findings(std::vector<Finding>& findings) {
  // Indexes are sorted instead of 320-byte findings.
  std::vector<SortKey> keys;
  keys.reserve(findings.size());
  for (const Finding& f : findings) {
    keys.push_back(sort_key(f));
  }
  // A list sorted already (the lens sorts what the engine sorted) stays as it is.
  if (!sorted_already(findings, keys)) {
    std::vector<std::size_t> order(findings.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return keys[a].compare(keys[b]) < 0; });
    sort_ties_by_object(findings, keys, order);
    std::vector<SortKey>().swap(keys);
    reorder_findings(findings, order);
  }
  order_by_weight(findings, [](const Finding& f) -> const Finding& { return f; });
}

} // namespace pgadvise::core
