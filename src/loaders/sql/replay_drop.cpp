#include "core/text.hpp"
#include "loaders/sql/replay_alter.hpp"
#include "loaders/sql/replay_assumed.hpp"
#include "loaders/sql/replay_index.hpp"
#include "loaders/sql/replay_objects.hpp"
#include "loaders/sql/replay_partitions.hpp"
#include "loaders/sql/replay_policy.hpp"
#include "loaders/sql/replay_views.hpp"

#include <algorithm>

namespace pgadvise::loaders::replay {

namespace {

std::string label(const QualifiedName& name) {
  return core::qualified_name(name.schema, name.name);
}

// The sequence a serial column's default draws from: dropped with the table.
void forget_owned_sequences(Replay& replay, const model::Table& table) {
  static constexpr std::string_view k_prefix = "nextval('";
  for (const model::Column& column : table.columns) {
    if (!column.type.serial || !column.default_expr || column.default_expr->rfind(k_prefix, 0) != 0) {
      continue;
    }
    const std::string& text = *column.default_expr;
    const std::size_t end = text.find('\'', k_prefix.size());
    if (end == std::string::npos) {
      continue;
    }
    const std::string sequence = text.substr(k_prefix.size(), end - k_prefix.size());
    const auto dot = sequence.find('.');
    replay.set_untracked(dot == std::string::npos
                             ? QualifiedName{table.schema, sequence}
                             : QualifiedName{sequence.substr(0, dot), sequence.substr(dot + 1)},
                         false);
  }
}

// Drops a table, its partitions, and foreign keys that reference it.
void remove_table(Replay& replay, const QualifiedName& name, bool cascade) {
  model::Table* table = replay.find_table(name);
  if (table == nullptr) {
    return;
  }
  std::vector<QualifiedName> partitions;
  for (const model::Table* partition : partitions_of(replay, *table)) {
    partitions.push_back({partition->schema, partition->name});
  }
  for (const QualifiedName& partition : partitions) {
    remove_table(replay, partition, cascade);
  }
  table = replay.find_table(name);
  if (table == nullptr) {
    return;
  }
  drop_foreign_keys_to(replay, *table, cascade, false, "table " + label({table->schema, table->name}),
                       [](const model::ForeignKey&) { return true; });
  forget_owned_sequences(replay, *table);
  replay.catalog().remove_table(table->schema, table->name);
  replay.names_changed();
}

// DROP TABLE takes ACCESS EXCLUSIVE on the table, and on each table its
// foreign keys reference (their triggers there are dropped with it): an
// alter_table step "DROP TABLE" on each, the referenced ones naming the
// dropped table as their object.
void record_table_drop(Replay& replay, const model::Table& table) {
  record_step(replay, table, model::MigrationStepKind::alter_table, "", false).detail = "DROP TABLE";
  std::vector<const model::Table*> referenced;
  for (const model::ForeignKey& fk : table.foreign_keys) {
    const model::Table* parent = replay.find_table({fk.ref_schema.str(), fk.ref_table.str()});
    if (parent != nullptr && parent != &table &&
        std::find(referenced.begin(), referenced.end(), parent) == referenced.end()) {
      referenced.push_back(parent);
    }
  }
  for (const model::Table* parent : referenced) {
    record_step(replay, *parent, model::MigrationStepKind::alter_table, table.name, false).detail =
        "DROP TABLE";
  }
}

void drop_table(Replay& replay, const QualifiedName& name, bool /*missing_ok*/, bool cascade) {
  const model::Table* table = replay.find_table(name);
  if (table == nullptr) {
    // A table no file created is taken as one created before them (a lone
    // migration file's DROP, replay_assumed): nothing to remove, a lock to take.
    if (!name.name.empty() && !replay.is_untracked(name)) {
      model::MigrationStep& step =
          record_statement_step(replay, model::MigrationStepKind::alter_table, std::string());
      step.schema = replay.schema_for(name);
      step.table = name.name;
      step.lock = model::LockMode::access_exclusive;
      step.detail = "DROP TABLE";
      record_dropped(replay, name);
    }
    replay.set_untracked(name, false);
    return;
  }
  record_table_drop(replay, *table);
  for (const model::Index& index : table->indexes) {
    record_dropped(replay, {table->schema, index.name}); // its indexes go with it
  }
  const QualifiedName dropped{table->schema, table->name};
  remove_table(replay, dropped, cascade);
  record_dropped(replay, dropped);
}

// DROP TRIGGER name ON table: ACCESS EXCLUSIVE on the table while the
// trigger goes (an alter_table step "DROP TRIGGER", for the rules that judge
// any lock on a busy table); a table no file creates is one from before them.
void drop_trigger(Replay& replay, const Json& object) {
  std::vector<std::string> names = string_list(&object);
  if (names.size() < 2) {
    return;
  }
  const std::string trigger = names.back();
  names.pop_back();
  replay.count_skipped("DROP TRIGGER");
  if (const model::Table* table = find_or_assume_table(replay, to_qualified(names))) {
    record_step(replay, *table, model::MigrationStepKind::alter_table, trigger, false).detail =
        "DROP TRIGGER";
  }
}

bool uses_type(const model::TypeRef& type, const std::string& schema, const std::string& name) {
  return type.name == name && (type.schema == schema || (type.schema.empty() && schema == "public"));
}

void drop_type(Replay& replay, const QualifiedName& name, bool missing_ok, bool cascade) {
  std::string schema;
  std::string type_name;
  auto& enums = replay.catalog().enums;
  auto& domains = replay.catalog().domains;
  if (const model::Enum* found = replay.find_enum(name)) {
    schema = found->schema;
    type_name = found->name;
    enums.erase(std::find_if(enums.begin(), enums.end(), [&](const model::Enum& e) { return &e == found; }));
  } else if (const model::Domain* domain = replay.find_domain(name)) {
    schema = domain->schema;
    type_name = domain->name;
    domains.erase(
        std::find_if(domains.begin(), domains.end(), [&](const model::Domain& d) { return &d == domain; }));
  } else {
    if (!missing_ok) {
      note_assumed_object(replay, "type", label(name));
    }
    return;
  }
  std::vector<std::pair<QualifiedName, std::string>> dependents;
  for (const model::Table& table : replay.catalog().tables) {
    for (const model::Column& column : table.columns) {
      if (uses_type(column.type, schema, type_name)) {
        dependents.push_back({{table.schema, table.name}, column.name});
      }
    }
  }
  if (dependents.empty()) {
    return;
  }
  if (!cascade) {
    replay.warn("cannot drop type " + label({schema, type_name}) + " because column " +
                    dependents.front().second + " of table " + label(dependents.front().first) +
                    " depends on it; PostgreSQL requires CASCADE",
                replay.at_statement());
    return;
  }
  for (const auto& [table_name, column] : dependents) {
    if (model::Table* table = replay.find_table(table_name)) {
      drop_column(replay, *table, column, true);
    }
  }
}

void drop_schema(Replay& replay, const std::string& schema, bool missing_ok, bool cascade) {
  auto& schemas = replay.catalog().schemas;
  auto it = std::find(schemas.begin(), schemas.end(), schema);
  if (it == schemas.end()) {
    if (!missing_ok) {
      note_assumed_object(replay, "schema", schema);
    }
    return;
  }
  schemas.erase(it);
  replay.names_changed();
  std::vector<QualifiedName> tables;
  for (const model::Table& table : replay.catalog().tables) {
    if (table.schema == schema) {
      tables.push_back({table.schema, table.name});
    }
  }
  auto& enums = replay.catalog().enums;
  auto& domains = replay.catalog().domains;
  const bool has_types =
      std::any_of(enums.begin(), enums.end(), [&](const model::Enum& e) { return e.schema == schema; }) ||
      std::any_of(domains.begin(), domains.end(), [&](const model::Domain& d) { return d.schema == schema; });
  if (!cascade && (!tables.empty() || has_types)) {
    replay.warn("cannot drop schema \"" + schema +
                    "\" because objects in it remain; PostgreSQL requires CASCADE",
                replay.at_statement());
  }
  for (const QualifiedName& table : tables) {
    remove_table(replay, table, true);
  }
  enums.erase(
      std::remove_if(enums.begin(), enums.end(), [&](const model::Enum& e) { return e.schema == schema; }),
      enums.end());
  domains.erase(std::remove_if(domains.begin(), domains.end(),
                               [&](const model::Domain& d) { return d.schema == schema; }),
                domains.end());
  const std::string prefix = schema + ".";
  replay.load().untracked_relations.erase_if([&](std::string_view name) { return name.starts_with(prefix); });
}

// `DROP TABLE a, b` may drop tables that reference each other without
// CASCADE: forget those foreign keys first, quietly.
void forget_fks_among(Replay& replay, const std::vector<QualifiedName>& names) {
  std::vector<std::pair<std::string, std::string>> dropping;
  for (const QualifiedName& name : names) {
    if (const model::Table* table = replay.find_table(name)) {
      dropping.emplace_back(table->schema, table->name);
    }
  }
  const auto in_set = [&](const std::string& schema, const std::string& table) {
    return std::find(dropping.begin(), dropping.end(), std::make_pair(schema, table)) != dropping.end();
  };
  for (model::Table& table : replay.catalog().tables) {
    if (!in_set(table.schema, table.name)) {
      continue;
    }
    auto& fks = table.foreign_keys;
    fks.erase(
        std::remove_if(fks.begin(), fks.end(),
                       [&](const model::ForeignKey& fk) { return in_set(fk.ref_schema, fk.ref_table); }),
        fks.end());
  }
  replay.names_changed();
}

} // namespace

void drop_objects(Replay& replay, const Json& stmt) {
  const std::string type = string_field(stmt, "removeType");
  const bool missing_ok = bool_field(stmt, "missing_ok");
  const bool cascade = string_field(stmt, "behavior") == "DROP_CASCADE";
  const Json* objects = list_items(child(stmt, "objects"));
  if (objects == nullptr) {
    return;
  }
  if (type == "OBJECT_TABLE" && items_of(objects).size() > 1) {
    std::vector<QualifiedName> names;
    for (const Json& object : items_of(objects)) {
      names.push_back(to_qualified(string_list(&object)));
    }
    forget_fks_among(replay, names);
  }
  for (const Json& object : items_of(objects)) {
    if (type == "OBJECT_SCHEMA") {
      if (const Json* name = as(object, "String")) {
        drop_schema(replay, string_field(*name, "sval"), missing_ok, cascade);
      }
      continue;
    }
    if (type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN") {
      const Json* type_name = as(object, "TypeName");
      if (type_name != nullptr) {
        drop_type(replay, to_qualified(string_list(child(*type_name, "names"))), missing_ok, cascade);
      }
      continue;
    }
    if (type == "OBJECT_POLICY") {
      drop_policy(replay, object, missing_ok);
      continue;
    }
    const QualifiedName name = to_qualified(string_list(&object));
    if (type == "OBJECT_TABLE") {
      drop_table(replay, name, missing_ok, cascade);
    } else if (type == "OBJECT_INDEX") {
      drop_index(replay, name, missing_ok, stmt);
    } else if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW") {
      drop_view(replay, name, type == "OBJECT_VIEW" ? "DROP VIEW" : "DROP MATERIALIZED VIEW");
    } else if (type == "OBJECT_SEQUENCE" || type == "OBJECT_FOREIGN_TABLE") {
      replay.set_untracked(name, false);
    } else if (type == "OBJECT_TRIGGER") {
      drop_trigger(replay, object);
    } else {
      replay.count_skipped("DROP " + object_kind(type));
    }
  }
}

} // namespace pgadvise::loaders::replay
