#include "core/text.hpp"
#include "loaders/sql/replay_assumed.hpp"
#include "loaders/sql/replay_index.hpp"
#include "loaders/sql/replay_objects.hpp"
#include "loaders/sql/replay_partitions.hpp"
#include "loaders/sql/replay_policy.hpp"
#include "loaders/sql/replay_views.hpp"

#include <algorithm>

namespace pgadvise::loaders::replay {

namespace {

std::string label(const model::Table& table) {
  return core::qualified_name(table.schema, table.name);
}
std::string label(const QualifiedName& name) {
  return core::qualified_name(name.schema, name.name);
}

void rename_in(core::RareVector<std::string>& names, const std::string& from, const std::string& to) {
  std::replace(names.begin(), names.end(), from, to);
}

void rename_in(core::NameList& names, const std::string& from, const std::string& to) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == from) {
      names.set(i, to);
    }
  }
}

void rename_column_in(Replay& replay, model::Table& table, const std::string& from, const std::string& to) {
  if (model::Column* column = table.find_column(from)) {
    column->name = to;
  }
  for (model::Index& index : table.indexes) {
    for (model::IndexKey& key : index.keys) {
      if (key.column == from) {
        key.column = to;
      }
    }
    rename_in(index.include, from, to);
  }
  for (model::ForeignKey& fk : table.foreign_keys) {
    rename_in(fk.columns, from, to);
  }
  for (model::Table& other : replay.catalog().tables) {
    for (model::ForeignKey& fk : other.foreign_keys) {
      if (fk.ref_table == table.name && fk.ref_schema == table.schema) {
        rename_in(fk.ref_columns, from, to);
      }
    }
  }
  for (model::Table* partition : partitions_of(replay, table)) {
    rename_column_in(replay, *partition, from, to);
  }
}

void rename_table(Replay& replay, const Json& stmt, const QualifiedName& name, const std::string& new_name) {
  model::Table* table = replay.find_table(name);
  if (table == nullptr) {
    if (rename_index(replay, name, new_name)) {
      return; // ALTER TABLE works on indexes too
    }
    if (replay.is_untracked(name)) {
      replay.set_untracked(name, false);
      replay.set_untracked({replay.schema_for(name), new_name}, true);
    } else if (!bool_field(stmt, "missing_ok")) {
      replay.warn("relation " + label(name) + " does not exist" + dropped_clause(replay, name),
                  replay.at_statement());
    }
    return;
  }
  if (replay.relation_name_taken(table->schema, new_name)) {
    replay.warn_duplicate("relation " + core::qualified_name(table->schema, new_name) + " already exists",
                          replay.at_statement());
    return;
  }
  const QualifiedName from{table->schema, table->name};
  table->name = new_name;
  replay.names_changed();
  retarget_table_references(replay, from, {from.schema, new_name});
}

void rename_column(Replay& replay, const Json& stmt, const QualifiedName& name) {
  model::Table* table = replay.find_table(name);
  const std::string from = string_field(stmt, "subname");
  const std::string to = string_field(stmt, "newname");
  if (table == nullptr) {
    if (!replay.is_untracked(name) && !bool_field(stmt, "missing_ok")) {
      replay.warn("relation " + label(name) + " does not exist" + dropped_clause(replay, name),
                  replay.at_statement());
    }
    return;
  }
  if (table->find_column(from) == nullptr) {
    replay.warn("column \"" + from + "\" of relation " + label(*table) + " does not exist",
                replay.at_statement());
    return;
  }
  if (table->find_column(to) != nullptr) {
    replay.warn_duplicate("column \"" + to + "\" of relation " + label(*table) + " already exists",
                          replay.at_statement());
    return;
  }
  rename_column_in(replay, *table, from, to);
}

void rename_constraint(Replay& replay, const Json& stmt, const QualifiedName& name) {
  model::Table* table = replay.find_table(name);
  const std::string from = string_field(stmt, "subname");
  const std::string to = string_field(stmt, "newname");
  if (table == nullptr) {
    if (!bool_field(stmt, "missing_ok")) {
      replay.warn("relation " + label(name) + " does not exist" + dropped_clause(replay, name),
                  replay.at_statement());
    }
    return;
  }
  bool found = false;
  const auto rename = [&](auto& items) {
    for (auto& item : items) {
      if (item.name == from) {
        item.name = to;
        found = true;
      }
    }
  };
  for (model::Index& index : table->indexes) {
    if (index.name == from && index.kind != model::IndexKind::index) {
      index.name = to; // the constraint's index carries its name
      found = true;
    }
  }
  rename(table->foreign_keys);
  rename(table->checks);
  replay.names_changed();
  if (!found && !table->assumed) {
    replay.warn("constraint \"" + from + "\" of relation " + label(*table) + " does not exist",
                replay.at_statement());
  }
}

void rename_type(Replay& replay, const Json& stmt) {
  const QualifiedName name = to_qualified(string_list(child(stmt, "object")));
  const std::string to = string_field(stmt, "newname");
  if (model::Enum* found = replay.find_enum(name)) {
    const QualifiedName from{found->schema, found->name};
    found->name = to;
    retarget_type_references(replay, from, {from.schema, to});
  } else if (model::Domain* domain = replay.find_domain(name)) {
    const QualifiedName from{domain->schema, domain->name};
    domain->name = to;
    retarget_type_references(replay, from, {from.schema, to});
  } else if (!bool_field(stmt, "missing_ok")) {
    note_assumed_object(replay, "type", label(name));
  }
}

void rename_schema(Replay& replay, const Json& stmt) {
  const std::string from = string_field(stmt, "subname");
  const std::string to = string_field(stmt, "newname");
  auto& schemas = replay.catalog().schemas;
  auto it = std::find(schemas.begin(), schemas.end(), from);
  if (it == schemas.end()) {
    note_assumed_object(replay, "schema", from);
    return;
  }
  *it = to;
  replay.names_changed();
  for (model::Table& table : replay.catalog().tables) {
    if (table.schema == from) {
      const QualifiedName old_name{from, table.name};
      table.schema = to;
      retarget_table_references(replay, old_name, {to, table.name});
    }
  }
  for (model::Enum& item : replay.catalog().enums) {
    if (item.schema == from) {
      item.schema = to;
      retarget_type_references(replay, {from, item.name}, {to, item.name});
    }
  }
  for (model::Domain& item : replay.catalog().domains) {
    if (item.schema == from) {
      item.schema = to;
      retarget_type_references(replay, {from, item.name}, {to, item.name});
    }
  }
}

} // namespace

void retarget_table_references(Replay& replay, const QualifiedName& from, const QualifiedName& to) {
  const std::string old_key = from.schema + "." + from.name;
  const std::string new_key = to.schema + "." + to.name;
  for (model::Table& table : replay.catalog().tables) {
    for (model::ForeignKey& fk : table.foreign_keys) {
      if (fk.ref_schema == from.schema && fk.ref_table == from.name) {
        fk.ref_schema = to.schema;
        fk.ref_table = to.name;
      }
    }
    if (table.partition_of == old_key) {
      table.partition_of = new_key;
    }
  }
  // The steps recorded so far on the table are on it under its new name:
  // the lock rules look a step's table up in the catalog the whole history
  // leaves, where a step before ALTER TABLE x RENAME TO y found no x and was
  // lost. A DROP TABLE's own step is of an earlier table of that name.
  for (model::MigrationStep& step : replay.catalog().migration_steps) {
    if (step.schema == from.schema && step.table == from.name &&
        !(step.detail == "DROP TABLE" && step.object.empty())) {
      step.schema = to.schema;
      step.table = to.name;
    }
  }
}

void retarget_type_references(Replay& replay, const QualifiedName& from, const QualifiedName& to) {
  for (model::Table& table : replay.catalog().tables) {
    for (model::Column& column : table.columns) {
      model::TypeRef& type = column.type;
      const bool same_schema = type.schema == from.schema || (type.schema.empty() && from.schema == "public");
      if (type.name == from.name && same_schema) {
        type.name = to.name;
        type.schema = to.schema;
      }
    }
  }
}

namespace {

// A table (and column) a rename names that no file created: taken as one
// created before them (replay_assumed), unless an index has the name.
void assume_renamed_table(Replay& replay, const Json& stmt, const std::string& type,
                          const QualifiedName& name) {
  const bool column = type == "OBJECT_COLUMN" && string_field(stmt, "relationType") == "OBJECT_TABLE";
  if ((type != "OBJECT_TABLE" && !column && type != "OBJECT_TABCONSTRAINT") ||
      replay.find_index_owner(name) != nullptr) {
    return;
  }
  model::Table* table = find_or_assume_table(replay, name);
  if (table != nullptr && column) {
    find_or_assume_column(*table, string_field(stmt, "subname"));
  }
}

// A rename of a table, column or constraint takes ACCESS EXCLUSIVE on the table.
void record_rename(Replay& replay, const QualifiedName& table_name, const std::string& words,
                   const std::string& new_name) {
  if (const model::Table* table = replay.find_table(table_name)) {
    record_step(replay, *table, model::MigrationStepKind::alter_table, new_name, false).detail = words;
  }
}

} // namespace

void rename_object(Replay& replay, const Json& stmt) {
  const std::string type = string_field(stmt, "renameType");
  const Json* relation = child(stmt, "relation");
  const QualifiedName name = relation != nullptr ? range_var(*relation) : QualifiedName{};
  const std::string new_name = string_field(stmt, "newname");
  assume_renamed_table(replay, stmt, type, name);
  if (type == "OBJECT_TABLE") {
    rename_table(replay, stmt, name, new_name);
    record_rename(replay, {name.schema, new_name}, "RENAME TO", new_name);
  } else if (type == "OBJECT_INDEX") {
    if (!rename_index(replay, name, new_name)) {
      if (replay.is_untracked(name)) {
        replay.set_untracked(name, false);
        replay.set_untracked({replay.schema_for(name), new_name}, true);
      } else if (!bool_field(stmt, "missing_ok")) {
        // An index the files dropped fails in PostgreSQL; one they never
        // named is taken as one from before them.
        if (std::string dropped = dropped_clause(replay, name); !dropped.empty()) {
          replay.warn("relation " + label(name) + " does not exist" + dropped, replay.at_statement());
        } else {
          note_assumed_object(replay, "index", label(name));
        }
      }
    }
  } else if (type == "OBJECT_COLUMN" && string_field(stmt, "relationType") == "OBJECT_TABLE") {
    rename_column(replay, stmt, name);
    record_rename(replay, name, "RENAME COLUMN", new_name);
  } else if (type == "OBJECT_TABCONSTRAINT") {
    rename_constraint(replay, stmt, name);
    record_rename(replay, name, "RENAME CONSTRAINT", new_name);
  } else if (type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN") {
    rename_type(replay, stmt);
  } else if (type == "OBJECT_SCHEMA") {
    rename_schema(replay, stmt);
  } else if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW" || type == "OBJECT_SEQUENCE" ||
             type == "OBJECT_FOREIGN_TABLE") {
    if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW") {
      rename_view(replay, name, new_name,
                  type == "OBJECT_VIEW" ? "ALTER VIEW ... RENAME" : "ALTER MATERIALIZED VIEW ... RENAME");
    }
    if (replay.is_untracked(name)) {
      replay.set_untracked(name, false);
      replay.set_untracked({replay.schema_for(name), new_name}, true);
    }
  } else if (type == "OBJECT_POLICY") {
    rename_policy(replay, stmt);
  } else {
    replay.count_skipped("ALTER ... RENAME");
  }
}

void set_object_schema(Replay& replay, const Json& stmt) {
  const std::string type = string_field(stmt, "objectType");
  const std::string new_schema = string_field(stmt, "newschema");
  const Json* relation = child(stmt, "relation");
  const bool missing_ok = bool_field(stmt, "missing_ok");
  if (!new_schema.empty() && !replay.catalog().has_schema(new_schema)) {
    note_assumed_object(replay, "schema", new_schema);
    replay.catalog().schemas.push_back(new_schema);
  }
  if (type == "OBJECT_TABLE" && relation != nullptr) {
    const QualifiedName name = range_var(*relation);
    model::Table* table = find_or_assume_table(replay, name);
    if (table == nullptr) {
      if (replay.is_untracked(name)) {
        replay.set_untracked(name, false);
        replay.set_untracked({new_schema, name.name}, true);
      } else if (!missing_ok) {
        replay.warn("relation " + label(name) + " does not exist" + dropped_clause(replay, name),
                    replay.at_statement());
      }
      return;
    }
    const QualifiedName from{table->schema, table->name};
    table->schema = new_schema;
    replay.names_changed();
    retarget_table_references(replay, from, {new_schema, from.name});
  } else if (type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN") {
    const QualifiedName name = to_qualified(string_list(child(stmt, "object")));
    if (model::Enum* found = replay.find_enum(name)) {
      const QualifiedName from{found->schema, found->name};
      found->schema = new_schema;
      retarget_type_references(replay, from, {new_schema, from.name});
    } else if (model::Domain* domain = replay.find_domain(name)) {
      const QualifiedName from{domain->schema, domain->name};
      domain->schema = new_schema;
      retarget_type_references(replay, from, {new_schema, from.name});
    } else if (!missing_ok) {
      // As ALTER TYPE ... RENAME and ADD VALUE take it: one from before the files.
      note_assumed_object(replay, "type", label(name));
    }
  } else if (relation != nullptr) {
    const QualifiedName name = range_var(*relation);
    if (replay.is_untracked(name)) {
      replay.set_untracked(name, false);
      replay.set_untracked({new_schema, name.name}, true);
    }
  } else {
    replay.count_skipped("ALTER ... SET SCHEMA");
  }
}

} // namespace pgadvise::loaders::replay
