#include "advisor/query_evidence.hpp"

#include "core/format.hpp"
#include "core/sql_quoted.hpp"
#include "core/text.hpp"
#include "core/whitespace.hpp"

#include <cstdio>

namespace pgadvise::advisor {

namespace {

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string ms(double value) {
  return fixed(value, value < 10 ? 2 : 1) + " ms";
}

} // namespace

std::string query_counts(const model::QueryStats& query) {
  std::string out =
      core::group_digits(static_cast<std::int64_t>(query.calls)) + (query.calls == 1 ? " call" : " calls");
  if (query.timed_calls > 0 || query.pgss_mean_ms) {
    out += ", " + ms(query.total_ms) + " total, " + ms(query.mean_ms()) + " mean";
  }
  if (query.rows && query.calls > 0) {
    out +=
        ", " + fixed(static_cast<double>(*query.rows) / static_cast<double>(query.calls), 1) + " rows/call";
  }
  return out;
}

std::string short_query(std::string_view normalized, std::size_t max) {
  return core::collapse_whitespace(normalized, max);
}

std::string short_select(std::string_view normalized, std::size_t max) {
  const std::string line = core::collapse_whitespace(normalized, std::string::npos);
  if (line.size() <= max || core::to_lower(line.substr(0, 7)) != "select ") {
    return short_query(line, max);
  }
  // The first " from " outside parentheses and quotes ends the select list.
  int depth = 0;
  for (std::size_t i = 7; i + 6 <= line.size(); ++i) {
    const char c = line[i];
    if (c == '\'' || c == '"') {
      i = core::sql_quoted_end(line, i) - 1; // a literal or quoted name: the loop steps past its end
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (depth == 0 && c == ' ' && core::to_lower(line.substr(i, 6)) == " from ") {
      return short_query(line.substr(0, 7) + "..." + line.substr(i), max);
    }
  }
  return short_query(line, max);
}

core::Evidence query_evidence(const model::QueryStats& query) {
  return core::Evidence{core::Evidence::Kind::query,
                        query_counts(query) + ": " + short_query(query.normalized), query.first_seen};
}

const model::Table* find_table(const model::Catalog* catalog, std::string_view schema,
                               std::string_view name) {
  if (catalog == nullptr) {
    return nullptr;
  }
  if (!schema.empty()) {
    return catalog->find_table(schema, name);
  }
  if (const model::Table* table = catalog->find_table("public", name); table != nullptr) {
    return table;
  }
  for (const model::Table& table : catalog->tables) {
    if (table.name == name) {
      return &table;
    }
  }
  return nullptr;
}

std::string used_table_schema(const model::Catalog* catalog, const model::TableUse& use) {
  if (const model::Table* table = find_table(catalog, use.schema, use.name); table != nullptr) {
    return table->schema;
  }
  return use.schema.empty() ? "public" : use.schema;
}

std::string queries_phrase(const model::Workload* workload, std::size_t count) {
  bool logged = workload == nullptr || workload->ordered || workload->sources.empty();
  bool pgss = false;
  if (workload != nullptr) {
    for (const model::WorkloadSource& source : workload->sources) {
      logged = logged || source.ordered();
      pgss = pgss || source.kind == model::WorkloadSourceKind::pg_stat_statements;
    }
  }
  const bool one = count == 1;
  const std::string noun = one ? " query" : " queries";
  return std::to_string(count) + (logged ? (one ? " logged query" : " logged queries")
                                  : pgss ? noun + " in pg_stat_statements"
                                         : noun);
}

std::string calls_phrase(std::uint64_t calls) {
  return core::group_digits(static_cast<std::int64_t>(calls)) + (calls == 1 ? " call" : " calls");
}

std::string fingerprint_hex(std::uint64_t fingerprint) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(fingerprint));
  return buffer;
}

core::Finding query_finding(std::string_view rule, core::Severity severity, const model::QueryStats& query,
                            const model::Catalog* catalog) {
  core::Finding finding;
  finding.rule = std::string(rule);
  finding.severity = severity;
  if (!query.shape.tables.empty()) {
    const model::TableUse& use = query.shape.tables.front();
    finding.object.schema = used_table_schema(catalog, use);
    finding.object.table = use.name;
  }
  finding.location = query.first_seen;
  finding.evidence.push_back(query_evidence(query));
  finding.compute_fingerprint(fingerprint_hex(query.fingerprint));
  return finding;
}

} // namespace pgadvise::advisor
