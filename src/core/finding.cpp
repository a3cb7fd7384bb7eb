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
  case FixKind::code: return "code";
  }
  return "sql";
}

const std::string& Fix::statements() const {
  switch (kind()) {
  case FixKind::sql: return sql().ddl;
  case FixKind::shell: return shell().commands;
  case FixKind::code: return code().sends;
  }
  return sql().ddl;
}

namespace {

const RareText k_no_text;

} // namespace

const RareText& Fix::code_text() const {
  const SqlChange* sql = if_sql();
  const CodeChange* code = if_code();
  return sql != nullptr ? sql->drizzle : code != nullptr ? code->code : k_no_text;
}

const RareText& Fix::code_file() const {
  const SqlChange* sql = if_sql();
  const CodeChange* code = if_code();
  return sql != nullptr ? sql->drizzle_file : code != nullptr ? code->at : k_no_text;
}

const RareText& Fix::code_table() const {
  const SqlChange* sql = if_sql();
  const CodeChange* code = if_code();
  return sql != nullptr ? sql->drizzle_table : code != nullptr ? code->table : k_no_text;
}

const RareText& Fix::migrate_commands() const {
  const SqlChange* sql = if_sql();
  return sql != nullptr ? sql->commands : k_no_text;
}

FixFields fix_fields(const Fix& fix) {
  return FixFields{fix.statements(), fix.code_text().str(), fix.code_file().str(), fix.code_table().str(),
                   fix.migrate_commands().str()};
}

Fix fix_from_fields(FixKind kind, const FixFields& fields) {
  Fix fix;
  switch (kind) {
  case FixKind::sql:
    fix.change = SqlChange{std::string(fields.ddl), RareText(fields.drizzle), RareText(fields.drizzle_file),
                           RareText(fields.drizzle_table), RareText(fields.commands)};
    break;
  case FixKind::shell: fix.change = ShellChange{std::string(fields.ddl)}; break;
  case FixKind::code:
    fix.change = CodeChange{RareText(fields.drizzle), RareText(fields.drizzle_file),
                            RareText(fields.drizzle_table), std::string(fields.ddl)};
    break;
  }
  return fix;
}

std::optional<FixKind> parse_fix_kind(std::string_view text) {
  for (const FixKind kind : {FixKind::sql, FixKind::shell, FixKind::code}) {
    if (to_string(kind) == text) {
      return kind;
    }
  }
  return std::nullopt;
}

std::string_view to_string(FixApplicability applicability) {
  switch (applicability) {
  case FixApplicability::safe: return "safe";
  case FixApplicability::unsafe: return "unsafe";
  case FixApplicability::manual: return "manual";
  }
  return "unsafe";
}

std::optional<FixApplicability> parse_fix_applicability(std::string_view text) {
  for (const FixApplicability applicability :
       {FixApplicability::safe, FixApplicability::unsafe, FixApplicability::manual}) {
    if (to_string(applicability) == text) {
      return applicability;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Finding::all_rule_ids() const {
  if (rule_ids.empty()) {
    return {rule};
  }
  return rule_ids;
}

void Finding::compute_fingerprint(std::string_view discriminator) {
  compute_fingerprint(
      FingerprintIdentity{object.schema, object.table, &object.columns, object.constraint, discriminator});
}

void Finding::compute_fingerprint(const FingerprintIdentity& identity) {
  std::string key = rule;
  key += '\x1f';
  key += identity.schema.empty() ? std::string_view("public") : identity.schema;
  key += '\x1f';
  key += identity.table;
  key += '\x1f';
  if (identity.columns != nullptr) {
    key += join(*identity.columns, ",");
  }
  key += '\x1f';
  key += identity.constraint;
  key += '\x1f';
  key += identity.discriminator;
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

SortKey sort_key(const Finding& f) {
  return {-static_cast<int>(f.severity), f.location.line, f.location.column, &f.location.file.str(), &f.rule};
}

} // namespace

std::optional<std::vector<std::size_t>> sort_order(const std::vector<SortKey>& keys,
                                                   const std::function<std::string(std::size_t)>& object_of) {
  return sort_order_by(
      keys.size(), [&](std::size_t a, std::size_t b) { return keys[a].compare(keys[b]); }, object_of);
}

void sort_findings(std::vector<Finding>& findings) {
  // Indexes are sorted instead of 320-byte findings.
  std::vector<SortKey> keys;
  keys.reserve(findings.size());
  for (const Finding& f : findings) {
    keys.push_back(sort_key(f));
  }
  const std::optional<std::vector<std::size_t>> order =
      sort_order(keys, [&](std::size_t i) { return findings[i].object.to_string(); });
  std::vector<SortKey>().swap(keys);
  if (order) {
    reorder_findings(findings, *order);
  }
  order_by_weight(findings, [](const Finding& f) -> const Finding& { return f; });
}

} // namespace pgadvise::core
