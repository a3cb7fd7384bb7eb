#include "advisor/drizzle_drift.hpp"

#include "advisor/index_match.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace pgadvise::advisor {

namespace {

// A proposed `CREATE INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON table
// [USING btree] (a, b);` of plain columns: where its name is and its columns.
struct PlainIndex {
  std::size_t name_at = 0;
  std::size_t name_size = 0;
  std::vector<std::string> columns;
};

std::string unquoted(std::string_view word) {
  if (word.size() >= 2 && word.front() == '"' && word.back() == '"') {
    return std::string(word.substr(1, word.size() - 2));
  }
  return std::string(word);
}

std::optional<PlainIndex> plain_index(std::string_view ddl) {
  if (ddl.rfind("CREATE INDEX ", 0) != 0) {
    return std::nullopt;
  }
  const std::size_t on = ddl.find(" ON ");
  const std::size_t open = ddl.find('(', on == std::string_view::npos ? ddl.size() : on);
  const std::size_t close = open == std::string_view::npos ? open : ddl.find(')', open);
  if (on == std::string_view::npos || close == std::string_view::npos ||
      ddl.find_first_not_of(" ;", close + 1) != std::string_view::npos) {
    return std::nullopt; // WHERE, INCLUDE, a second statement
  }
  const std::string_view target = ddl.substr(on + 4, open - on - 4);
  if (const std::size_t using_at = target.find(" USING ");
      using_at != std::string_view::npos && core::trim(target.substr(using_at + 7)) != "btree") {
    return std::nullopt;
  }
  PlainIndex out;
  out.name_at = ddl.rfind(' ', on - 1) + 1;
  out.name_size = on - out.name_at;
  for (const std::string& part : core::split(ddl.substr(open + 1, close - open - 1), ',')) {
    const std::string_view item = core::trim(part);
    if (item.empty() || item.find_first_of(" ()") != std::string_view::npos) {
      return std::nullopt; // an expression, an opclass, a direction
    }
    out.columns.push_back(unquoted(item));
  }
  return out;
}

// An index of `declared` that leads with `columns` in their order.
const model::Index* declared_index(const model::Table& declared, const std::vector<std::string>& columns) {
  for (const model::Index& index : declared.indexes) {
    if (index.kind != model::IndexKind::index || !covers_leading(index, columns)) {
      continue;
    }
    bool in_order = true;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      in_order = in_order && index.keys[i].column == columns[i];
    }
    if (in_order) {
      return &index;
    }
  }
  return nullptr;
}

} // namespace

void note_declared_indexes(std::vector<core::Finding>& findings, const model::Catalog* applied,
                           const std::vector<model::Catalog>* other_schemas) {
  if (applied == nullptr || other_schemas == nullptr) {
    return;
  }
  const auto schema_ts =
      std::find_if(other_schemas->begin(), other_schemas->end(),
                   [](const model::Catalog& c) { return c.source == model::SchemaSource::drizzle_schema; });
  if (schema_ts == other_schemas->end()) {
    return;
  }
  // The indexes said here, as "schema.table\x1fname": snapshot-drift's
  // findings about them go.
  std::vector<std::string> noted;
  for (core::Finding& finding : findings) {
    core::SqlChange* sql = finding.fix ? finding.fix->if_sql() : nullptr;
    if (sql == nullptr || sql->drizzle.empty() || sql->drizzle.rfind(k_declared_in_schema, 0) == 0) {
      continue;
    }
    core::SqlChange& fix = *sql;
    const std::optional<PlainIndex> proposed = plain_index(core::trim(fix.ddl));
    const std::string schema = finding.object.schema.empty() ? std::string("public") : finding.object.schema;
    const model::Table* declared_table =
        proposed ? schema_ts->find_table(schema, finding.object.table) : nullptr;
    const model::Table* applied_table = applied->find_table(schema, finding.object.table);
    const model::Index* declared =
        declared_table != nullptr ? declared_index(*declared_table, proposed->columns) : nullptr;
    if (declared == nullptr || applied_table == nullptr ||
        applied_table->find_index(declared->name) != nullptr) {
      continue;
    }
    const std::size_t start = fix.ddl.find_first_not_of(" \t\n");
    fix.ddl.replace(start + proposed->name_at, proposed->name_size, core::quote_ident(declared->name));
    fix.drizzle = std::string(k_declared_in_schema) + declared->name +
                  (declared->location.known() ? " (" + declared->location.to_string() + ")" : std::string()) +
                  "; no migration builds it yet: run " +
                  (fix.commands.empty() ? std::string("drizzle-kit generate, then drizzle-kit migrate")
                                        : fix.commands.str());
    noted.push_back(schema + "." + finding.object.table + '\x1f' + declared->name);
  }
  if (noted.empty()) {
    return;
  }
  std::erase_if(findings, [&](const core::Finding& finding) {
    const std::string schema = finding.object.schema.empty() ? std::string("public") : finding.object.schema;
    return finding.rule == "snapshot-drift" &&
           std::find(noted.begin(), noted.end(),
                     schema + "." + finding.object.table + '\x1f' + finding.object.constraint) != noted.end();
  });
}

void note_unapplied_indexes(std::vector<core::Finding>& findings, const model::Catalog& database,
                            const model::Catalog& files) {
  for (core::Finding& finding : findings) {
    core::SqlChange* sql = finding.fix ? finding.fix->if_sql() : nullptr;
    if (sql == nullptr || sql->drizzle.rfind(k_declared_in_schema, 0) == 0) {
      continue;
    }
    core::SqlChange& fix = *sql;
    const std::optional<PlainIndex> proposed = plain_index(core::trim(fix.ddl));
    const std::string schema = finding.object.schema.empty() ? std::string("public") : finding.object.schema;
    const model::Table* file_table = proposed ? files.find_table(schema, finding.object.table) : nullptr;
    const model::Table* live_table = database.find_table(schema, finding.object.table);
    const model::Index* built =
        file_table != nullptr ? declared_index(*file_table, proposed->columns) : nullptr;
    if (built == nullptr || live_table == nullptr || live_table->find_index(built->name) != nullptr ||
        !built->location.known()) {
      continue;
    }
    const std::size_t start = fix.ddl.find_first_not_of(" \t\n");
    fix.ddl.replace(start + proposed->name_at, proposed->name_size, core::quote_ident(built->name));
    const std::string said = built->location.to_string() + " builds " + built->name +
                             ", which this database does not have: that migration has not run here; apply "
                             "the pending migrations" +
                             (fix.commands.empty() ? std::string() : " (" + fix.commands.str() + ")") +
                             " rather than a second index";
    if (!fix.drizzle.empty()) {
      fix.drizzle = "// " + said; // schema.ts has it already, as the migration does
    }
    finding.message += " (" + said + ")";
  }
}

} // namespace pgadvise::advisor
