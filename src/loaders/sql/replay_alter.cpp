#include "loaders/sql/replay_alter.hpp"

#include "core/text.hpp"
#include "loaders/sql/replay_assumed.hpp"
#include "loaders/sql/replay_constraints.hpp"
#include "loaders/sql/replay_index.hpp"
#include "loaders/sql/replay_locks.hpp"
#include "loaders/sql/replay_partitions.hpp"
#include "loaders/sql/replay_policy.hpp"
#include "loaders/sql/replay_rows.hpp"
#include "loaders/sql/replay_slices.hpp"
#include "loaders/sql/replay_table.hpp"
#include "loaders/sql/type_casts.hpp"

#include <algorithm>

namespace pgadvise::loaders::replay {

namespace {

std::string label(const model::Table& table) {
  return core::qualified_name(table.schema, table.name);
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// Applies `change` to every partition below `table`.
template <typename Change>
void for_partitions(Replay& replay, const model::Table& table, const Change& change) {
  for (model::Table* partition : partitions_of(replay, table)) {
    change(*partition);
    if (partition->partitioned) {
      for_partitions(replay, *partition, change);
    }
  }
}

model::Column* find_column_or_warn(Replay& replay, model::Table& table, const std::string& column,
                                   bool missing_ok) {
  model::Column* found = find_or_assume_column(table, column);
  if (found == nullptr && !missing_ok) {
    replay.warn("column \"" + column + "\" of relation " + label(table) + " does not exist",
                replay.at_statement());
  }
  return found;
}

void drop_constraint(Replay& replay, model::Table& table, const std::string& name, bool missing_ok,
                     bool cascade) {
  replay.names_changed();
  auto& indexes = table.indexes;
  auto index = std::find_if(indexes.begin(), indexes.end(), [&](const model::Index& i) {
    return i.name == name && i.kind != model::IndexKind::index;
  });
  if (index != indexes.end()) {
    const model::Index dropped = *index;
    indexes.erase(index);
    const std::vector<std::string> columns = dropped.leading_columns();
    drop_foreign_keys_to(replay, table, cascade, true, "constraint " + name,
                         [&](const model::ForeignKey& fk) {
                           return std::is_permutation(fk.ref_columns.begin(), fk.ref_columns.end(),
                                                      columns.begin(), columns.end());
                         });
    for_partitions(replay, table, [&](model::Table& partition) {
      auto& own = partition.indexes;
      own.erase(std::remove_if(own.begin(), own.end(),
                               [&](const model::Index& i) {
                                 return i.kind == dropped.kind && equivalent_indexes(i, dropped);
                               }),
                own.end());
    });
    return;
  }
  const auto named = [&](const auto& item) { return item.name == name; };
  auto& fks = table.foreign_keys;
  if (auto fk = std::find_if(fks.begin(), fks.end(), named); fk != fks.end()) {
    fks.erase(fk);
    for_partitions(replay, table, [&](model::Table& partition) {
      auto& own = partition.foreign_keys;
      own.erase(std::remove_if(own.begin(), own.end(), named), own.end());
    });
    return;
  }
  auto& checks = table.checks;
  if (auto check = std::find_if(checks.begin(), checks.end(), named); check != checks.end()) {
    checks.erase(check);
    return;
  }
  if (!missing_ok && !table.assumed) {
    replay.warn("constraint \"" + name + "\" of relation " + label(table) + " does not exist",
                replay.at_statement());
  }
}

void validate_constraint(Replay& replay, model::Table& table, const std::string& name) {
  bool found = false;
  const auto validate = [&](model::Table& target) {
    for (model::ForeignKey& fk : target.foreign_keys) {
      if (fk.name == name) {
        fk.valid = true;
        found = true;
      }
    }
  };
  validate(table);
  for_partitions(replay, table, validate);
  bool is_check = false;
  for (model::CheckConstraint& check : table.checks) {
    if (check.name == name) {
      check.valid = true;
      is_check = true;
    }
  }
  if (found || is_check || table.assumed) { // an assumed table's constraints are not all known
    record_step(replay, table, model::MigrationStepKind::validate, name, false);
  }
  if (!found && !is_check && !table.assumed) {
    replay.warn("constraint \"" + name + "\" of relation " + label(table) + " does not exist",
                replay.at_statement());
  }
}

// The table whose qualified name is `name` ("schema.table"), as a
// partition names its parent.
const model::Table* table_named(Replay& replay, std::string_view name) {
  for (const model::Table& table : replay.catalog().tables) {
    if (name.size() == table.schema.size() + 1 + table.name.size() && name.starts_with(table.schema) &&
        name[table.schema.size()] == '.' && name.ends_with(table.name)) {
      return &table;
    }
  }
  return nullptr;
}

// Whether `table` is `ancestor` or a partition below it.
bool inherits_from(Replay& replay, const model::Table& table, const model::Table& ancestor) {
  const model::Table* at = &table;
  // A walk up as long as the catalog has tables stops whatever the chain.
  for (std::size_t step = 0; at != nullptr && step <= replay.catalog().tables.size(); ++step) {
    if (at == &ancestor) {
      return true;
    }
    at = at->partition_of.empty() ? nullptr : table_named(replay, at->partition_of.str());
  }
  return false;
}

void attach_or_detach(Replay& replay, model::Table& parent, const Json& cmd, bool attach) {
  const Json* def = child(cmd, "def");
  const Json* partition_cmd = def != nullptr ? as(*def, "PartitionCmd") : nullptr;
  const Json* name_node = partition_cmd != nullptr ? child(*partition_cmd, "name") : nullptr;
  if (name_node == nullptr) {
    return;
  }
  const QualifiedName name = range_var(*name_node);
  model::Table* partition = replay.find_table(name);
  if (partition == nullptr) {
    replay.warn("table " + core::qualified_name(name.schema, name.name) + " does not exist",
                replay.at_node(*name_node));
    return;
  }
  if (attach) {
    // PostgreSQL refuses both; the replay would otherwise hold a cycle of
    // partitions (ALTER TABLE t ATTACH PARTITION t), which every walk down
    // the partitions follows for ever.
    if (!partition->partition_of.empty()) {
      const model::Table* current = table_named(replay, partition->partition_of.str());
      replay.warn("table " + label(*partition) + " is already a partition of " +
                      (current != nullptr ? label(*current) : partition->partition_of.str()),
                  replay.at_node(*name_node));
      return;
    }
    if (inherits_from(replay, parent, *partition)) {
      replay.warn("cannot attach " + label(*partition) + " as a partition of " + label(parent) + ": " +
                      label(parent) + " is that table or one of its partitions (circular inheritance)",
                  replay.at_node(*name_node));
      return;
    }
    attach_partition(replay, parent, *partition);
    attach_partition_checks(replay, parent, *partition, child(*partition_cmd, "bound"));
    note_partition_bound(replay, *partition, child(*partition_cmd, "bound"));
  } else {
    forget_default_partition(replay, *partition);
    partition->partition_of.clear();
  }
}

void set_default(Replay& replay, model::Table& table, const Json& cmd, bool only) {
  const std::string name = string_field(cmd, "name");
  model::Column* column = find_column_or_warn(replay, table, name, false);
  if (column == nullptr) {
    return;
  }
  core::OptionalText value;
  if (const Json* def = child(cmd, "def")) {
    const auto start = min_location(*def);
    std::string text = start ? expression_at(replay.tokens(), *start) : std::string();
    value = text.empty() ? std::string("?") : text;
  }
  column->default_expr = value;
  if (!only) {
    for_partitions(replay, table, [&](model::Table& partition) {
      if (model::Column* own = partition.find_column(name)) {
        own->default_expr = value;
      }
    });
  }
}

// Changes one column here and, for commands PostgreSQL recurses with, on partitions.
template <typename Change>
void change_column(Replay& replay, model::Table& table, const Json& cmd, bool recurse, const Change& change) {
  const std::string name = string_field(cmd, "name");
  model::Column* column = find_column_or_warn(replay, table, name, false);
  if (column == nullptr) {
    return;
  }
  change(*column);
  if (recurse) {
    for_partitions(replay, table, [&](model::Table& partition) {
      if (model::Column* own = partition.find_column(name)) {
        change(*own);
      }
    });
  }
}

void add_column_command(Replay& replay, model::Table& table, const Json& cmd, bool only) {
  const Json* def = child(cmd, "def");
  const Json* column_def = def != nullptr ? as(*def, "ColumnDef") : nullptr;
  if (column_def == nullptr) {
    return;
  }
  const std::string name = string_field(*column_def, "colname");
  if (!add_column(replay, table, *column_def, nullptr, only)) {
    if (!bool_field(cmd, "missing_ok")) {
      replay.warn_duplicate("column \"" + name + "\" of relation " + label(table) + " already exists",
                            replay.at_node(*column_def));
    }
    return;
  }
  const model::Column* added = table.find_column(name);
  const AddedColumn facts =
      added_column(replay, *column_def, added != nullptr ? added->type : model::TypeRef{});
  model::MigrationStep& step = record_step(replay, table, model::MigrationStepKind::add_column, name, false);
  step.rewrites = facts.rewrites;
  step.fails_with_rows = facts.fails_with_rows;
  // A table this file created and filled (INSERT, COPY) has rows: an ADD
  // COLUMN that fails on rows fails here too, new table or not.
  step.table_is_new = step.table_is_new && !(facts.fails_with_rows && table.rows_added);
  step.detail = facts.why;
  step.value = facts.value;
}

// A subcommand with no step kind of its own (SET DEFAULT, DROP COLUMN, ...):
// recorded with its lock, for the rules that judge any lock on a busy table.
void record_other_command(Replay& replay, const model::Table& table, const Json& cmd) {
  model::MigrationStep& step =
      record_step(replay, table, model::MigrationStepKind::alter_table, string_field(cmd, "name"), false);
  step.lock = alter_command_lock(cmd);
  step.rewrites = alter_command_rewrites(cmd);
  step.detail = alter_command_words(cmd);
}

// ATTACH PARTITION (its lock on the parent) or DETACH PARTITION [CONCURRENTLY].
void record_partition_command(Replay& replay, const model::Table& parent, const Json& cmd) {
  if (string_field(cmd, "subtype") != "AT_DetachPartition") {
    record_other_command(replay, parent, cmd);
    return;
  }
  const Json* def = child(cmd, "def");
  const Json* partition_cmd = def != nullptr ? as(*def, "PartitionCmd") : nullptr;
  const Json* name_node = partition_cmd != nullptr ? child(*partition_cmd, "name") : nullptr;
  model::MigrationStep& step =
      record_step(replay, parent, model::MigrationStepKind::detach_partition,
                  name_node != nullptr ? range_var(*name_node).name : std::string(), false);
  step.concurrently = partition_cmd != nullptr && bool_field(*partition_cmd, "concurrent");
  predict(step);
}

// ALTER COLUMN ... SET GENERATED ALWAYS | BY DEFAULT: its options list holds
// a "generated" DefElem whose integer is the kind's letter ('a' or 'd').
void set_identity_kind(Replay& replay, model::Table& table, const Json& cmd, const Json* def) {
  const Json* items = list_items(def);
  if (items == nullptr) {
    return;
  }
  for (const Json& item : items_of(items)) {
    const Json* option = as(item, "DefElem");
    if (option == nullptr || string_field(*option, "defname") != "generated") {
      continue;
    }
    const Json* arg = child(*option, "arg");
    const Json* number = arg != nullptr ? as(*arg, "Integer") : nullptr;
    const bool always = number != nullptr && int_field(*number, "ival") == 'a';
    change_column(replay, table, cmd, false,
                  [&](model::Column& column) { column.identity_always = column.identity && always; });
  }
}

// ALTER COLUMN ... TYPE: the step (old and new type, rewrite, USING) and the
// column's new type here and on partitions.
void alter_column_type(Replay& replay, model::Table& table, const Json& cmd) {
  const std::string name = string_field(cmd, "name");
  const Json* def = child(cmd, "def");
  const Json* column_def = def != nullptr ? as(*def, "ColumnDef") : nullptr;
  const Json* type_name = column_def != nullptr ? child(*column_def, "typeName") : nullptr;
  if (type_name != nullptr) {
    const model::TypeRef type = replay.type_ref(*type_name);
    const model::Column* before = find_or_assume_column(table, name);
    if (before != nullptr || !name.empty()) {
      // A column the files never create (added by hand, by push, by
      // another tool) is still changed on the server: judged as a column
      // of unknown type, as an assumed table's are; the replay-warning
      // below says the files do not create it.
      const model::TypeRef from = before != nullptr ? before->type : model::TypeRef{};
      model::MigrationStep& step =
          record_step(replay, table, model::MigrationStepKind::alter_column_type, name, false);
      step.old_type = from.display();
      step.new_type = type.display();
      const Json* using_expr = child(*column_def, "raw_default");
      step.rewrites = type_change_rewrites(from, type, using_expr, name);
      if (!using_keeps_values(using_expr, name)) {
        // The expression that computes every row's new value, for the finding.
        const auto start = min_location(*using_expr);
        step.value = start ? expression_at(replay.tokens(), *start) : std::string("?");
      }
      if (child(*column_def, "raw_default") == nullptr && before != nullptr) {
        // Its detail: why PostgreSQL refuses the change without USING.
        step.detail = refused_type_change(from, type);
      }
    }
    change_column(replay, table, cmd, true, [&](model::Column& column) {
      column.type = type;
      // A type set here is judged here (timestamp-without-time-zone and the
      // like), not at the statement that first created the column.
      column.location = replay.at_node(*type_name);
    });
  }
}

void apply_command(Replay& replay, model::Table& table, const Json& cmd, bool only) {
  const std::string subtype = string_field(cmd, "subtype");
  const std::string name = string_field(cmd, "name");
  const bool missing_ok = bool_field(cmd, "missing_ok");
  const bool cascade = string_field(cmd, "behavior") == "DROP_CASCADE";
  const Json* def = child(cmd, "def");
  if (subtype == "AT_AddColumn") {
    add_column_command(replay, table, cmd, only);
  } else if (subtype == "AT_DropColumn") {
    if (find_column_or_warn(replay, table, name, missing_ok) != nullptr) {
      record_other_command(replay, table, cmd);
      drop_column(replay, table, name, cascade);
    }
  } else if (subtype == "AT_AlterColumnType") {
    alter_column_type(replay, table, cmd);
  } else if (subtype == "AT_ColumnDefault") {
    set_default(replay, table, cmd, only);
    record_other_command(replay, table, cmd);
  } else if (subtype == "AT_SetNotNull") {
    if (const auto* column = find_or_assume_column(table, name); column != nullptr && !column->not_null) {
      model::MigrationStep& step =
          record_step(replay, table, model::MigrationStepKind::set_not_null, name, false);
      step.scans = !not_null_proven(table, name);
    }
    change_column(replay, table, cmd, !only, [&](model::Column& column) { column.not_null = true; });
  } else if (subtype == "AT_DropNotNull") {
    record_other_command(replay, table, cmd);
    change_column(replay, table, cmd, !only, [&](model::Column& column) { column.not_null = false; });
  } else if (subtype == "AT_AddIdentity" || subtype == "AT_DropIdentity") {
    record_other_command(replay, table, cmd);
    const bool add = subtype == "AT_AddIdentity";
    const Json* constraint = def != nullptr ? as(*def, "Constraint") : nullptr;
    change_column(replay, table, cmd, false, [&](model::Column& column) {
      // ADD GENERATED ... AS IDENTITY (START WITH 1000 ...), drizzle-kit's
      // SQL for a column made an identity: its options are read as CREATE
      // TABLE's are.
      if (add && constraint != nullptr && apply_column_property(replay, table, column, *constraint)) {
        return;
      }
      column.identity = add;
      column.identity_always = false;
      column.not_null = column.not_null || add;
      if (!add) {
        column.clear_sequence(); // its sequence is dropped with it
      }
    });
  } else if (subtype == "AT_SetIdentity") {
    record_other_command(replay, table, cmd);
    set_identity_kind(replay, table, cmd, def);
  } else if (subtype == "AT_AddConstraint") {
    if (const Json* constraint = def != nullptr ? as(*def, "Constraint") : nullptr) {
      add_constraint(replay, table, *constraint, {"", false, only});
    }
  } else if (subtype == "AT_DropConstraint") {
    record_other_command(replay, table, cmd);
    drop_constraint(replay, table, name, missing_ok, cascade);
  } else if (subtype == "AT_ValidateConstraint") {
    validate_constraint(replay, table, name);
  } else if (subtype == "AT_AttachPartition" || subtype == "AT_DetachPartition") {
    attach_or_detach(replay, table, cmd, subtype == "AT_AttachPartition");
    record_partition_command(replay, table, cmd);
  } else if (subtype == "AT_EnableRowSecurity" || subtype == "AT_DisableRowSecurity") {
    record_other_command(replay, table, cmd);
    set_row_security(table, subtype == "AT_EnableRowSecurity");
  } else {
    // Owner, FORCE row level security, storage, statistics, triggers, replica
    // identity, ...: nothing pgadvise models, but each takes its lock.
    record_other_command(replay, table, cmd);
    replay.count_skipped("ALTER TABLE " + words_of(subtype.substr(subtype.rfind('_') + 1), ""));
  }
}

} // namespace

void drop_foreign_keys_to(Replay& replay, const model::Table& table, bool cascade, bool include_self,
                          const std::string& what,
                          const std::function<bool(const model::ForeignKey&)>& matches) {
  std::vector<std::string> dropped;
  replay.names_changed();
  for (model::Table& other : replay.catalog().tables) {
    if (&other == &table && !include_self) {
      continue;
    }
    auto& fks = other.foreign_keys;
    for (auto it = fks.begin(); it != fks.end();) {
      if (it->ref_table == table.name && it->ref_schema == table.schema && matches(*it)) {
        dropped.push_back(it->name + " on " + label(other));
        it = fks.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (!cascade && !dropped.empty()) {
    replay.warn("cannot drop " + what + " because other objects depend on it (foreign key " +
                    dropped.front() + "); PostgreSQL requires CASCADE",
                replay.at_statement());
  }
}

void drop_column(Replay& replay, model::Table& table, const std::string& column, bool cascade) {
  replay.names_changed();
  auto& columns = table.columns;
  columns.erase(std::remove_if(columns.begin(), columns.end(),
                               [&](const model::Column& c) { return c.name == column; }),
                columns.end());
  auto& indexes = table.indexes;
  indexes.erase(
      std::remove_if(indexes.begin(), indexes.end(),
                     [&](const model::Index& index) {
                       const bool in_keys =
                           std::any_of(index.keys.begin(), index.keys.end(), [&](const model::IndexKey& key) {
                             return key.column == column ||
                                    (!key.expression.empty() && mentions_identifier(key.expression, column));
                           });
                       return in_keys || contains(index.include, column) ||
                              (index.is_partial() && mentions_identifier(index.predicate, column));
                     }),
      indexes.end());
  auto& fks = table.foreign_keys;
  fks.erase(std::remove_if(fks.begin(), fks.end(),
                           [&](const model::ForeignKey& fk) { return contains(fk.columns, column); }),
            fks.end());
  auto& checks = table.checks;
  checks.erase(std::remove_if(checks.begin(), checks.end(),
                              [&](const model::CheckConstraint& check) {
                                return mentions_identifier(check.expression, column);
                              }),
               checks.end());
  drop_foreign_keys_to(replay, table, cascade, true, "column " + column + " of table " + label(table),
                       [&](const model::ForeignKey& fk) { return contains(fk.ref_columns, column); });
  for (model::Table* partition : partitions_of(replay, table)) {
    if (partition->find_column(column) != nullptr) {
      drop_column(replay, *partition, column, cascade);
    }
  }
}

void alter_table(Replay& replay, const Json& stmt) {
  const Json* relation = child(stmt, "relation");
  const Json* commands = list_items(child(stmt, "cmds"));
  if (relation == nullptr || commands == nullptr) {
    return;
  }
  const QualifiedName name = range_var(*relation);
  const bool missing_ok = bool_field(stmt, "missing_ok");
  const std::string objtype = string_field(stmt, "objtype");
  if (objtype == "OBJECT_INDEX") {
    for (const Json& item : items_of(commands)) {
      const Json* cmd = as(item, "AlterTableCmd");
      if (cmd != nullptr && string_field(*cmd, "subtype") == "AT_AttachPartition") {
        attach_index(replay, name, missing_ok);
      }
    }
    return;
  }
  if (objtype != "OBJECT_TABLE") {
    replay.count_skipped("ALTER " + object_kind(objtype)); // views, sequences, types, foreign tables
    return;
  }
  // A partition no file created is assumed first: assuming one adds a table,
  // which would move the parent's.
  for (const Json& item : items_of(commands)) {
    const Json* cmd = as(item, "AlterTableCmd");
    const Json* def = cmd != nullptr ? child(*cmd, "def") : nullptr;
    const Json* partition_cmd = def != nullptr ? as(*def, "PartitionCmd") : nullptr;
    if (const Json* partition = partition_cmd != nullptr ? child(*partition_cmd, "name") : nullptr) {
      find_or_assume_table(replay, range_var(*partition));
    }
  }
  model::Table* table = find_or_assume_table(replay, name);
  if (table == nullptr) {
    if (replay.is_untracked(name)) {
      replay.count_skipped("ALTER TABLE on a view or sequence");
    } else if (!missing_ok) {
      replay.warn("ALTER TABLE on " + core::qualified_name(name.schema, name.name) +
                      ", which does not exist" + dropped_clause(replay, name),
                  replay.at_node(*relation));
    }
    return;
  }
  const bool only = !bool_field(*relation, "inh");
  for (const Json& item : items_of(commands)) {
    if (const Json* cmd = as(item, "AlterTableCmd")) {
      apply_command(replay, *table, *cmd, only);
    }
  }
}

} // namespace pgadvise::loaders::replay
