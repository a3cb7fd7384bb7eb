#include "advisor/expression_key.hpp"
#include "advisor/index_match.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "model/platform_schemas.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "snapshot-drift";

using model::Catalog;
using model::Table;

// What a catalog was built from, for messages.
std::string source_label(const Catalog& catalog) {
  switch (catalog.source) {
  case model::SchemaSource::sql_replay: return "SQL migrations";
  case model::SchemaSource::drizzle_snapshot: return "drizzle-kit snapshot";
  case model::SchemaSource::drizzle_schema: return "Drizzle schema";
  case model::SchemaSource::live: return "live database";
  case model::SchemaSource::none: break;
  }
  return "other schema";
}

// One object on which the schema and one other source disagree.
struct Difference {
  std::string key; // identifies the object and the disagreement across sources
  core::ObjectRef object;
  std::string message_head; // "Index x on public.t"
  std::string primary_side; // empty: the object is missing there
  std::string other_side;
  core::SourceLocation primary_location;
  core::SourceLocation other_location;
};

// A default as both sides can agree on it: serial columns' nextval() is
// implicit in snapshots and schema.ts, so it is not compared.
const std::string* comparable_default(const model::Column& column) {
  if (column.type.serial || !column.default_expr || column.default_expr->rfind("nextval(", 0) == 0) {
    return nullptr;
  }
  return &*column.default_expr;
}

std::string describe_column(const model::Column& column) {
  std::string out = column.type.display() + (column.not_null ? " NOT NULL" : " NULL");
  if (const std::string* value = comparable_default(column)) {
    out += " DEFAULT " + *value;
  }
  return out;
}

// " NULLS FIRST" / " NULLS LAST" when it is not the direction's default.
std::string nulls_text(const model::IndexKey& key) {
  if (key.effective_nulls_first() == key.descending) {
    return {};
  }
  return key.effective_nulls_first() ? " NULLS FIRST" : " NULLS LAST";
}

// Two indexes of one name agree when they are the same index (INCLUDE
// aside: neither a snapshot nor schema.ts can declare it).
bool same_index(const model::Index& a, const model::Index& b) {
  return advisor::same_index(a, b, advisor::IncludeColumns::ignored);
}

std::string describe_index(const model::Index& index) {
  std::vector<std::string> keys;
  for (const model::IndexKey& key : index.keys) {
    std::string text = key.text();
    if (key.descending) {
      text += " DESC";
    }
    text += nulls_text(key);
    if (!key.opclass.empty()) {
      text += " " + key.opclass;
    }
    keys.push_back(std::move(text));
  }
  std::string out =
      std::string(index.unique ? "UNIQUE " : "") + index.method + " (" + core::join(keys, ", ") + ")";
  if (index.is_partial()) {
    out += " WHERE " + index.predicate;
  }
  return out;
}

std::string describe_fk(const model::ForeignKey& fk) {
  return "(" + core::join(fk.columns, ", ") + ") REFERENCES " + fk.ref_schema + "." + fk.ref_table + " (" +
         core::join(fk.ref_columns, ", ") + ") ON DELETE " + std::string(model::to_string(fk.on_delete)) +
         " ON UPDATE " + std::string(model::to_string(fk.on_update));
}

// Whether two foreign keys are described alike (describe_fk), the texts
// made only when the parts differ.
bool same_fk(const model::ForeignKey& a, const model::ForeignKey& b) {
  if (a.columns == b.columns && a.ref_schema == b.ref_schema && a.ref_table == b.ref_table &&
      a.ref_columns == b.ref_columns && a.on_delete == b.on_delete && a.on_update == b.on_update) {
    return true;
  }
  return describe_fk(a) == describe_fk(b);
}

// Compares two catalogs object by object, always from `primary`'s side.
class Differ {
public:
  std::vector<Difference> run(const Catalog& primary, const Catalog& other) {
    m_other_has_platform_tables =
        std::any_of(other.tables.begin(), other.tables.end(),
                    [](const Table& table) { return model::is_platform_schema(table.schema); });
    for (const Table& table : primary.tables) {
      const Table* match = other.find_table(table.schema, table.name);
      if (match == nullptr) {
        add("table:" + table.qualified(), {table.schema, table.name, {}, {}}, "Table " + table.qualified(),
            "present", "", table.location, {});
        continue;
      }
      compare_columns(table, *match);
      compare_indexes(table, *match);
      compare_fks(table, *match);
    }
    for (const Table& table : other.tables) {
      // auth.users and the like: the platform's, declared only to be referenced.
      const bool platform = model::is_platform_schema(table.schema) && !primary.has_schema(table.schema);
      if (!platform && primary.find_table(table.schema, table.name) == nullptr) {
        add("table:" + table.qualified(), {table.schema, table.name, {}, {}}, "Table " + table.qualified(),
            "", "present", {}, table.location);
      }
    }
    return std::move(m_out);
  }

private:
  void add(std::string key, core::ObjectRef object, std::string head, std::string primary_side,
           std::string other_side, core::SourceLocation primary_location,
           core::SourceLocation other_location) {
    m_out.push_back(Difference{std::move(key), std::move(object), std::move(head), std::move(primary_side),
                               std::move(other_side), primary_location, other_location});
  }

  // Whether two columns agree: type, nullability, and the default as
  // PostgreSQL reads it (left out when one side's default could not be
  // evaluated: cannot tell). Defaults spelled alike agree without a parse;
  // each other spelling is parsed once a run (10,000 tables' `now()`s were
  // parsed on both sides at every keystroke in the editor).
  bool same_column(const model::Column& a, const model::Column& b, bool with_default) {
    if (a.not_null != b.not_null || (!(a.type == b.type) && a.type.display() != b.type.display())) {
      return false;
    }
    const std::string* left = comparable_default(a);
    const std::string* right = comparable_default(b);
    if (!with_default || (!left && !right)) {
      return true;
    }
    if (!left || !right) {
      return false;
    }
    return *left == *right || expression_key(*left) == expression_key(*right);
  }

  const std::string& expression_key(const std::string& expression) {
    auto [kept, added] = m_expression_keys.try_emplace(expression);
    if (added) {
      kept->second = advisor::expression_key(expression);
    }
    return kept->second;
  }

  // A column the schema.ts reader could not resolve (or any column of a
  // table whose columns are built at run time): absent from `columns`, but
  // not known to be missing either.
  static bool unresolved(const Table& table, const std::string& column) {
    return table.columns_unread || std::find(table.unresolved_columns.begin(), table.unresolved_columns.end(),
                                             column) != table.unresolved_columns.end();
  }

  void compare_columns(const Table& table, const Table& other) {
    for (const model::Column& column : table.columns) {
      const model::Column* match = other.find_column(column.name);
      const bool defaults_known = match != nullptr && !column.default_unknown && !match->default_unknown;
      if (match == nullptr ? unresolved(other, column.name) : same_column(column, *match, defaults_known)) {
        continue; // the texts below only for a difference: 10,000 tables' columns mostly agree
      }
      add("column:" + table.qualified() + "." + column.name, {table.schema, table.name, {column.name}, {}},
          "Column " + table.qualified() + "." + column.name, describe_column(column),
          match == nullptr ? std::string() : describe_column(*match), column.location,
          match == nullptr ? core::SourceLocation{} : match->location);
    }
    for (const model::Column& column : other.columns) {
      if (table.find_column(column.name) == nullptr && !unresolved(table, column.name)) {
        add("column:" + table.qualified() + "." + column.name, {table.schema, table.name, {column.name}, {}},
            "Column " + table.qualified() + "." + column.name, "", describe_column(column), table.location,
            column.location);
      }
    }
  }

  // One object each side holds under another name (a rename, or a name one
  // side cut at 63 bytes) is one difference, not one each way.
  template <typename Item, typename Same, typename Describe>
  void compare_named(const Table& table, const std::vector<const Item*>& only_primary,
                     const std::vector<const Item*>& only_other, std::string_view kind, std::string_view noun,
                     Same same, Describe describe) {
    std::vector<bool> paired(only_other.size(), false);
    for (const Item* item : only_primary) {
      const core::ObjectRef object{table.schema, table.name, columns_of(*item), item->name};
      const std::string id = std::string(kind) + ":" + table.qualified() + "." + item->name;
      const std::string head = std::string(noun) + " " + item->name + " on " + table.qualified();
      std::size_t match = only_other.size();
      for (std::size_t j = 0; j < only_other.size() && match == only_other.size(); ++j) {
        if (!paired[j] && same(*only_other[j], *item)) {
          match = j;
        }
      }
      if (match < only_other.size()) {
        paired[match] = true;
        const Item& renamed = *only_other[match];
        add(id, object, std::string(noun) + " name on " + table.qualified(),
            item->name + " " + describe(*item), renamed.name + " " + describe(renamed), item->location,
            renamed.location);
      } else {
        add(id, object, head, describe(*item), "", item->location, {});
      }
    }
    for (std::size_t j = 0; j < only_other.size(); ++j) {
      if (!paired[j]) {
        const Item& item = *only_other[j];
        add(std::string(kind) + ":" + table.qualified() + "." + item.name,
            {table.schema, table.name, columns_of(item), item.name},
            std::string(noun) + " " + item.name + " on " + table.qualified(), "", describe(item),
            table.location, item.location);
      }
    }
  }

  static std::vector<std::string> columns_of(const model::Index& index) { return index.leading_columns(); }
  static std::vector<std::string> columns_of(const model::ForeignKey& fk) { return fk.columns; }

  void compare_indexes(const Table& table, const Table& other) {
    std::vector<const model::Index*> only_primary;
    std::vector<const model::Index*> only_other;
    for (const model::Index& index : table.indexes) {
      const model::Index* match = other.find_index(index.name);
      if (match == nullptr) {
        if (!other.columns_unread) { // else its columns may be the ones not read
          only_primary.push_back(&index);
        }
      } else if (!same_index(index, *match)) {
        add("index:" + table.qualified() + "." + index.name,
            {table.schema, table.name, index.leading_columns(), index.name},
            "Index " + index.name + " on " + table.qualified(), describe_index(index), describe_index(*match),
            index.location, match->location);
      }
    }
    for (const model::Index& index : other.indexes) {
      if (table.find_index(index.name) == nullptr && !table.columns_unread) {
        only_other.push_back(&index);
      }
    }
    compare_named(table, only_primary, only_other, "index", "Index", same_index, describe_index);
  }

  static const model::ForeignKey* find_fk(const Table& table, const std::string& name) {
    for (const model::ForeignKey& fk : table.foreign_keys) {
      if (fk.name == name) {
        return &fk;
      }
    }
    return nullptr;
  }

  void compare_fks(const Table& table, const Table& other) {
    std::vector<const model::ForeignKey*> only_primary;
    std::vector<const model::ForeignKey*> only_other;
    for (const model::ForeignKey& fk : table.foreign_keys) {
      const model::ForeignKey* match = find_fk(other, fk.name);
      // A reference to the platform's auth.users that schema.ts makes through
      // drizzle-orm/supabase, which pgadvise does not read: cannot tell.
      const bool platform = model::is_platform_schema(fk.ref_schema) && !m_other_has_platform_tables;
      if (match == nullptr && platform) {
        continue;
      }
      if (match == nullptr) {
        if (!other.columns_unread) {
          only_primary.push_back(&fk);
        }
      } else if (!same_fk(fk, *match)) {
        add("fk:" + table.qualified() + "." + fk.name, {table.schema, table.name, fk.columns, fk.name},
            "Foreign key " + fk.name + " on " + table.qualified(), describe_fk(fk), describe_fk(*match),
            fk.location, match->location);
      }
    }
    for (const model::ForeignKey& fk : other.foreign_keys) {
      if (find_fk(table, fk.name) == nullptr && !table.columns_unread) {
        only_other.push_back(&fk);
      }
    }
    compare_named(
        table, only_primary, only_other, "fk", "Foreign key",
        [](const model::ForeignKey& a, const model::ForeignKey& b) { return same_fk(a, b); }, describe_fk);
  }

  std::vector<Difference> m_out;
  bool m_other_has_platform_tables = false;
  std::unordered_map<std::string, std::string> m_expression_keys; // expression_key's, by spelling
};

// The same disagreement seen against several sources (the snapshot and
// schema.ts both lack a hand-written index) is one finding.
struct Grouped {
  Difference first;
  std::vector<std::string> others;
  std::vector<core::SourceLocation> other_locations;
};

class SnapshotDrift final : public engine::Rule {
public:
  SnapshotDrift()
      : Rule({
            .id = std::string(k_id),
            .summary = "The SQL migrations and the drizzle-kit snapshot or Drizzle schema disagree",
            .default_severity = core::Severity::low,
            .inputs = {engine::Input::catalog, engine::Input::other_schemas},
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    // Drift is between the project's files; under --db the primary catalog
    // is the server's, which spells defaults and expressions its own way.
    const Catalog* files = context.files_catalog != nullptr ? context.files_catalog : context.catalog;
    if (files == nullptr || files->source == model::SchemaSource::none || context.other_schemas == nullptr) {
      return;
    }
    std::map<std::string, Grouped> groups;
    std::vector<std::string> order;
    for (const Catalog& other : *context.other_schemas) {
      for (Difference& difference : Differ().run(*files, other)) {
        const std::string key =
            difference.key + "\n" + difference.primary_side + "\n" + difference.other_side;
        auto [it, inserted] = groups.try_emplace(key, Grouped{difference, {}, {}});
        if (inserted) {
          order.push_back(key);
        }
        it->second.others.push_back(source_label(other));
        it->second.other_locations.push_back(difference.other_location);
      }
    }
    for (const std::string& key : order) {
      out.push_back(make_finding(context, groups.at(key)));
    }
  }

private:
  static core::Finding make_finding(const engine::RuleContext& context, const Grouped& group) {
    const Difference& d = group.first;
    const std::string primary =
        source_label(context.files_catalog != nullptr ? *context.files_catalog : *context.catalog);
    const std::string others = core::join(group.others, d.other_side.empty() ? " or the " : " and the ");
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = d.object;
    if (d.other_side.empty()) {
      finding.message = d.message_head + " is in the " + primary + " but not in the " + others;
    } else if (d.primary_side.empty()) {
      finding.message = d.message_head + " is in the " + others + " but not in the " + primary;
    } else {
      finding.message = d.message_head + " differs: " + d.primary_side + " in the " + primary + ", " +
                        d.other_side + " in the " + others;
    }
    finding.help =
        "drizzle-kit generates the next migration by diffing schema.ts against its newest snapshot, "
        "not against the SQL, so the next migration can miss, re-create or drop this object (and "
        "`drizzle-kit push` makes the database match schema.ts). Declare hand-written changes in "
        "schema.ts too, run `drizzle-kit generate` for schema.ts changes not yet generated, and never "
        "edit generated SQL or snapshots by hand.";
    // Where the object is: in the schema, else (only the other source has
    // it) in that source, e.g. the schema.ts line of an ungenerated column.
    const bool only_other = d.primary_side.empty() && d.other_location.known();
    finding.location = only_other || !d.primary_location.known() ? d.other_location : d.primary_location;
    if (!d.primary_side.empty()) {
      finding.evidence.push_back(
          {core::Evidence::Kind::schema, primary + ": " + d.primary_side, d.primary_location});
    }
    for (std::size_t i = 0; i < group.others.size(); ++i) {
      if (!d.other_side.empty()) {
        finding.evidence.push_back(
            {core::Evidence::Kind::schema, group.others[i] + ": " + d.other_side, group.other_locations[i]});
      } else if (group.other_locations[i].known()) {
        finding.evidence.push_back(
            {core::Evidence::Kind::schema, group.others[i] + ": absent", group.other_locations[i]});
      }
    }
    finding.compute_fingerprint(d.key + "|" + others);
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_snapshot_drift() {
  return std::make_unique<SnapshotDrift>();
}

} // namespace pgadvise::rules
