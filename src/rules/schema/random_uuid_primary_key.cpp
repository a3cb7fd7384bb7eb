#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"
#include "rules/support/table_size.hpp"

#include <array>
#include <memory>

namespace pgadvise::rules {

namespace {

// The column's chain as schema.ts wrote it, its random default now
// uuidv7(); pgadvise's own when schema.ts was not read.
std::string uuid_chain(const model::Column& column) {
  const std::string v7 = ".$defaultFn(() => uuidv7())";
  if (!advisor::has_drizzle_chain(column)) {
    return ".primaryKey()" + v7;
  }
  bool found = false;
  std::string chain = advisor::replace_chain_calls(
      column.drizzle_chain(), {"defaultRandom", "default", "$defaultFn", "$default"}, v7, &found);
  return found ? chain : chain + v7;
}

constexpr std::string_view k_id = "random-uuid-primary-key";

// Functions that return a random (version 4) UUID. Time-ordered ones
// (uuidv7(), uuid_generate_v7(), an application $defaultFn) are fine.
constexpr std::array<std::string_view, 3> k_random_functions{"gen_random_uuid(", "uuid_generate_v4(",
                                                             "uuidv4("};

bool random_uuid_default(const model::Column& column) {
  if (!column.default_expr || column.type.name != "uuid" || column.type.is_array()) {
    return false;
  }
  std::string text = core::to_lower(*column.default_expr);
  // public.uuid_generate_v4() / "extensions".uuid_generate_v4()
  if (const auto dot = text.rfind('.', text.find('(')); dot != std::string::npos) {
    text = text.substr(dot + 1);
  }
  for (const std::string_view function : k_random_functions) {
    if (text.rfind(function, 0) == 0) {
      return true;
    }
  }
  return false;
}

constexpr int k_pg18 = 180000;

class RandomUuidPrimaryKey final : public PrimaryKeyRule {
public:
  RandomUuidPrimaryKey()
      : PrimaryKeyRule({
            .id = std::string(k_id),
            .summary = "Primary key defaulting to a random (v4) UUID",
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  [[nodiscard]] bool judges(const model::Column& column) const override {
    return random_uuid_default(column);
  }

  [[nodiscard]] core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                           const model::Column& column) const override {
    const std::string name = advisor::table_display(table);
    core::Finding finding = key_finding(context, table, column,
                                        column.name + " uuid PRIMARY KEY DEFAULT " + *column.default_expr);
    finding.severity = severity_for(context.severity, table);
    finding.message = "Primary key " + name + "." + column.name + " defaults to a random UUID (" +
                      *column.default_expr + ")";
    finding.help =
        "Random UUIDs land anywhere in the primary key's btree: every insert dirties a random leaf "
        "page, the index grows fragmented and caches poorly, and WAL grows with full-page writes. "
        "A time-ordered UUID (version 7) keeps inserts at the right edge of the index, like a "
        "sequence, and is still globally unique. On PostgreSQL 18 default to uuidv7(); before 18 "
        "generate v7 UUIDs in the application (Drizzle: .$defaultFn(() => uuidv7()) with the `uuid` "
        "package) or with an extension such as pg_uuidv7 (uuid_generate_v7()). Existing rows keep "
        "their values.";
    if (const std::string rows = describe_rows(table); !rows.empty()) {
      std::string detail = name + ": " + rows;
      if (const auto inserts = table_inserts(table)) {
        detail += ", " + core::group_digits(static_cast<std::int64_t>(*inserts)) + " inserts counted";
      }
      finding.evidence.push_back(advisor::schema_evidence(*context.catalog, detail, table.location));
    }

    core::Fix fix;
    const bool pg18 = context.catalog->server_version_num.value_or(0) >= k_pg18;
    const std::string alter =
        "ALTER TABLE " + name + " ALTER COLUMN " + core::quote_ident(column.name) + " SET DEFAULT ";
    fix.sql().ddl = alter + "uuidv7();";
    fix.safety_note = std::string(pg18 ? "" : "uuidv7() exists from PostgreSQL 18; before that use ") +
                      (pg18 ? "Changing a default takes a brief lock and rewrites nothing. "
                            : "an extension's uuid_generate_v7() or generate the UUID in the application. "
                              "Changing a default takes a brief lock and rewrites nothing. ") +
                      "Code that relies on ids being unordered (none should) is unaffected.";
    set_key_fix(finding, context, table, column, std::move(fix),
                advisor::drizzle_column_builder(table, column, "uuid") + uuid_chain(column) +
                    ", // import { v7 as uuidv7 } from " + advisor::js_string_for(column, "uuid"));
    return finding;
  }

  // Random inserts hurt in proportion to how big the index is and how fast
  // it grows.
  static core::Severity severity_for(core::Severity base, const model::Table& table) {
    core::Severity severity = scale_by_rows(base, table, 10'000, 1'000'000);
    if (const auto inserts = table_inserts(table);
        inserts && *inserts >= 1'000'000 && severity < core::Severity::high) {
      severity = core::Severity::high;
    }
    return severity;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_random_uuid_primary_key() {
  return std::make_unique<RandomUuidPrimaryKey>();
}

} // namespace pgadvise::rules
