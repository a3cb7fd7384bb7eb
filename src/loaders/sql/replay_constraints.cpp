#include "loaders/sql/replay_constraints.hpp"

#include "core/text.hpp"
#include "loaders/fk_action.hpp"
#include "loaders/sql/replay_assumed.hpp"
#include "loaders/sql/replay_names.hpp"
#include "loaders/sql/replay_partitions.hpp"
#include "loaders/sql/replay_slices.hpp"
#include "model/platform_schemas.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

namespace pgadvise::loaders::replay {

namespace {

std::string table_label(const model::Table& table) {
  return core::qualified_name(table.schema, table.name);
}

// The columns a constraint names, or the column it is written on.
std::vector<std::string> constraint_columns(const Json& constraint, std::string_view key,
                                            const ConstraintTarget& target) {
  std::vector<std::string> columns = string_list(child(constraint, key));
  if (columns.empty() && !target.column.empty()) {
    columns.push_back(target.column);
  }
  return columns;
}

// Reports the first column `table` lacks; true when all exist.
bool columns_exist(Replay& replay, model::Table& table, const std::vector<std::string>& columns,
                   const Json& constraint) {
  for (const std::string& column : columns) {
    if (find_or_assume_column(table, column) == nullptr) {
      replay.warn("column \"" + column + "\" named in a constraint does not exist in table " +
                      table_label(table),
                  replay.at_node(constraint));
      return false;
    }
  }
  return true;
}

void add_check(Replay& replay, model::Table& table, const Json& constraint, const ConstraintTarget& target) {
  model::CheckConstraint check;
  check.name = string_field(constraint, "conname");
  const auto location = location_field(constraint);
  if (check.name.empty()) {
    std::string column = target.column;
    if (column.empty()) {
      const Json* expr = child(constraint, "raw_expr");
      column = expr != nullptr ? first_column_ref(*expr) : std::string();
    }
    const std::string schema = table.schema;
    check.name = choose_name(table.name, column, "check", [&](const std::string& candidate) {
      return replay.constraint_name_taken(schema, candidate);
    });
  }
  check.expression = location ? parenthesized_after(replay.tokens(), *location).value_or("") : "";
  check.location = replay.at_node(constraint);
  check.valid = target.in_create || !bool_field(constraint, "skip_validation");
  if (!target.in_create) {
    record_step(replay, table, model::MigrationStepKind::add_check, check.name, !check.valid);
  }
  replay.constraint_added(table.schema, check.name);
  table.checks.push_back(std::move(check));
}

// ADD CONSTRAINT ... PRIMARY KEY / UNIQUE USING INDEX: the index becomes the
// constraint (and takes its name).
void adopt_index(Replay& replay, model::Table& table, const Json& constraint, bool primary,
                 const ConstraintTarget& target) {
  const std::string index_name = string_field(constraint, "indexname");
  auto it = std::find_if(table.indexes.begin(), table.indexes.end(),
                         [&](const model::Index& index) { return index.name == index_name; });
  const std::string name = string_field(constraint, "conname");
  if (it == table.indexes.end() && table.assumed && !target.in_create) {
    // A table from before the files (a lone migration's, as pgfence's
    // safe-constraint-using-index): its indexes are unknown, this one among
    // them. The step is recorded (a brief ACCESS EXCLUSIVE, no build); the
    // index stays out of the model, whose keys nobody knows.
    record_step(replay, table, model::MigrationStepKind::add_key, name.empty() ? index_name : name, false)
        .detail = "USING INDEX " + index_name;
    return;
  }
  if (it == table.indexes.end()) {
    replay.warn("index \"" + index_name + "\" does not exist on table " + table_label(table),
                replay.at_node(constraint));
    return;
  }
  if (!target.in_create) {
    // The index is already built; a primary key still scans for nulls in
    // columns not yet NOT NULL (it sets them NOT NULL).
    const std::vector<std::string> columns = it->leading_columns();
    model::MigrationStep& step = record_step(replay, table, model::MigrationStepKind::add_key,
                                             name.empty() ? index_name : name, false);
    step.detail = "USING INDEX " + index_name;
    step.scans = primary && std::any_of(columns.begin(), columns.end(), [&](const std::string& column) {
                   const model::Column* found = table.find_column(column);
                   // An assumed table's column of unknown type: whether it is NOT NULL is unknown too.
                   return found != nullptr && !found->not_null && !found->type.name.empty();
                 });
  }
  if (!name.empty()) {
    it->name = name;
  }
  it->kind = primary ? model::IndexKind::primary_key : model::IndexKind::unique_constraint;
  replay.names_changed();
  it->unique = true;
  it->location = replay.at_node(constraint);
  if (primary) {
    for (const std::string& column : it->leading_columns()) {
      if (model::Column* found = table.find_column(column)) {
        found->not_null = true;
      }
    }
  }
}

void add_key(Replay& replay, model::Table& table, const Json& constraint, const ConstraintTarget& target,
             bool primary) {
  if (!string_field(constraint, "indexname").empty()) {
    adopt_index(replay, table, constraint, primary, target);
    return;
  }
  const std::vector<std::string> columns = constraint_columns(constraint, "keys", target);
  if (columns.empty() || !columns_exist(replay, table, columns, constraint)) {
    return;
  }
  if (primary && table.primary_key() != nullptr) {
    replay.warn_duplicate("table " + table_label(table) + " already has a primary key (" +
                              table.primary_key()->name + ")",
                          replay.at_node(constraint));
    return;
  }
  model::Index index;
  index.kind = primary ? model::IndexKind::primary_key : model::IndexKind::unique_constraint;
  index.unique = true;
  index.name = string_field(constraint, "conname");
  const std::string schema = table.schema;
  if (index.name.empty()) {
    index.name = choose_name(
        table.name, primary ? "" : join_column_names(columns), primary ? "pkey" : "key",
        [&](const std::string& candidate) { return replay.relation_name_taken(schema, candidate); });
  } else if (replay.relation_name_taken(schema, index.name)) {
    replay.warn_duplicate("relation \"" + index.name + "\" already exists", replay.at_node(constraint));
    return;
  }
  for (const std::string& column : columns) {
    index.keys.push_back({column, "", false, "", {}});
  }
  index.include = string_list(child(constraint, "including"));
  index.location = replay.at_node(constraint);
  if (!target.in_create) {
    record_step(replay, table, model::MigrationStepKind::add_key, index.name, false).scans = true;
  }
  const bool has_partitions = !partitions_of(replay, table).empty();
  index.valid = !(target.only && has_partitions);
  if (primary) {
    for (const std::string& column : columns) {
      table.find_column(column)->not_null = true;
    }
  }
  const model::Index& added = append_compact(table.indexes, std::move(index));
  replay.index_added(schema, added);
  if (has_partitions && !target.only) {
    clone_index_to_partitions(replay, table, added);
  }
}

void add_foreign_key(Replay& replay, model::Table& table, const Json& constraint,
                     const ConstraintTarget& target) {
  model::ForeignKey fk;
  fk.columns = constraint_columns(constraint, "fk_attrs", target);
  if (fk.columns.empty() || !columns_exist(replay, table, fk.columns, constraint)) {
    return;
  }
  const std::string schema = table.schema;
  fk.name = string_field(constraint, "conname");
  if (fk.name.empty()) {
    fk.name =
        choose_name(table.name, join_column_names(fk.columns), "fkey", [&](const std::string& candidate) {
          return replay.constraint_name_taken(schema, candidate);
        });
  } else if (std::any_of(table.foreign_keys.begin(), table.foreign_keys.end(),
                         [&](const model::ForeignKey& other) { return other.name == fk.name; })) {
    replay.warn_duplicate("constraint \"" + fk.name + "\" for relation " + table_label(table) +
                              " already exists",
                          replay.at_node(constraint));
    return;
  }
  const Json* pktable = child(constraint, "pktable");
  const QualifiedName ref = pktable != nullptr ? range_var(*pktable) : QualifiedName{};
  const bool self = ref.name == table.name && (ref.schema.empty() || ref.schema == table.schema);
  const model::Table* referenced = self ? &table : replay.find_table(ref);
  // The referenced table's own pooled names when it exists (a pointer copy).
  fk.ref_schema = referenced != nullptr ? referenced->schema : core::InternedText(replay.schema_for(ref));
  fk.ref_table = referenced != nullptr ? referenced->name : core::InternedText(ref.name);
  fk.ref_columns = string_list(child(constraint, "pk_attrs"));
  // auth.users and the like exist before the first migration on the platform.
  const bool platform =
      model::is_platform_schema(fk.ref_schema) && !replay.catalog().has_schema(fk.ref_schema);
  if (referenced == nullptr && !platform && replay.catalog().has_schema(fk.ref_schema)) {
    // A table these files never created: taken as one created before them
    // (a lone migration file's reference), as an ALTER TABLE's own table is.
    note_assumed_reference(replay, {fk.ref_schema, ref.name});
  } else if (referenced == nullptr && !platform) {
    replay.warn("foreign key " + fk.name + " references table " +
                    core::qualified_name(fk.ref_schema, ref.name) + ", which does not exist",
                replay.at_node(constraint));
  } else if (referenced == nullptr) {
    fk.ref_schema = ref.schema; // the platform's table, not one of the migrations'
  } else if (fk.ref_columns.empty()) {
    const model::Index* pk = referenced->primary_key();
    if (pk == nullptr && !referenced->assumed) {
      replay.warn("foreign key " + fk.name + " names no columns and table " + table_label(*referenced) +
                      " has no primary key",
                  replay.at_node(constraint));
    } else if (pk != nullptr) {
      fk.ref_columns = pk->leading_columns();
    }
  } else {
    for (const std::string& column : fk.ref_columns) {
      if (!referenced->assumed && referenced->find_column(column) == nullptr) {
        replay.warn("foreign key " + fk.name + " references column \"" + column + "\", which table " +
                        table_label(*referenced) + " does not have",
                    replay.at_node(constraint));
        break;
      }
    }
  }
  fk.on_delete = fk_action_from_code(string_field(constraint, "fk_del_action"));
  fk.on_update = fk_action_from_code(string_field(constraint, "fk_upd_action"));
  fk.valid = target.in_create || !bool_field(constraint, "skip_validation");
  fk.location = replay.at_node(constraint);
  if (!target.in_create) {
    record_step(replay, table, model::MigrationStepKind::add_foreign_key, fk.name, !fk.valid);
  }
  const model::ForeignKey& added = append_compact(table.foreign_keys, std::move(fk));
  replay.constraint_added(schema, added.name);
  if (table.partitioned) {
    clone_foreign_key_to_partitions(replay, table, added);
  }
}

// A sequence option's number: {"Integer": {"ival": 1000}}, or past int4
// {"Float": {"fval": "9223372036854775807"}}.
std::optional<std::int64_t> option_number(const Json* arg) {
  if (arg == nullptr) {
    return std::nullopt;
  }
  if (const Json* integer = as(*arg, "Integer")) {
    return int_field(*integer, "ival");
  }
  if (const Json* number = as(*arg, "Float")) {
    const std::string text = string_field(*number, "fval");
    std::int64_t out = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (!text.empty() && ec == std::errc() && ptr == text.data() + text.size()) {
      return out;
    }
  }
  return std::nullopt;
}

// GENERATED ... AS IDENTITY (SEQUENCE NAME x START WITH 1000 CACHE 20 ...):
// what the column's sequence is declared with.
void read_identity_options(const Json& constraint, const model::Table& table, model::Column& column) {
  const JsonItems options = items_of(list_items(child(constraint, "options")));
  if (options.empty()) {
    return;
  }
  model::ColumnSequence& sequence = column.sequence_facts();
  for (const Json& item : options) {
    const Json* option = as(item, "DefElem");
    if (option == nullptr) {
      continue;
    }
    const std::string name = string_field(*option, "defname");
    const Json* arg = child(*option, "arg");
    if (name == "sequence_name") {
      const std::vector<std::string> parts = string_list(arg);
      sequence.name = parts.empty() ? std::string() : parts.back();
    } else if (name == "start") {
      sequence.start = option_number(arg);
    } else if (name == "increment") {
      sequence.increment = option_number(arg);
    } else if (name == "minvalue") {
      sequence.min_value = option_number(arg);
    } else if (name == "maxvalue") {
      sequence.max_value = option_number(arg);
    } else if (name == "cache") {
      sequence.cache = option_number(arg);
    } else if (name == "cycle") {
      const Json* flag = arg != nullptr ? as(*arg, "Boolean") : nullptr;
      sequence.cycle = flag == nullptr || bool_field(*flag, "boolval");
    }
  }
  model::keep_declared_options(table, column);
}

} // namespace

bool apply_column_property(Replay& replay, const model::Table& table, model::Column& column,
                           const Json& constraint) {
  const std::string type = string_field(constraint, "contype");
  if (type == "CONSTR_NOTNULL") {
    column.not_null = true;
  } else if (type == "CONSTR_NULL") {
    column.not_null = false;
  } else if (type == "CONSTR_DEFAULT") {
    const auto location = location_field(constraint);
    std::string text = location ? default_after_keyword(replay.tokens(), *location) : std::string();
    column.default_expr = text.empty() ? std::string("?") : text;
  } else if (type == "CONSTR_IDENTITY") {
    column.identity = true;
    column.identity_always = string_field(constraint, "generated_when") == "a";
    column.not_null = true;
    read_identity_options(constraint, table, column);
  } else if (type == "CONSTR_GENERATED" || type.rfind("CONSTR_ATTR_", 0) == 0) {
    // Generated columns and DEFERRABLE flags do not change what pgadvise checks.
  } else {
    return false;
  }
  return true;
}

void add_constraint(Replay& replay, model::Table& table, const Json& constraint,
                    const ConstraintTarget& target) {
  const std::string type = string_field(constraint, "contype");
  if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
    add_key(replay, table, constraint, target, type == "CONSTR_PRIMARY");
  } else if (type == "CONSTR_FOREIGN") {
    add_foreign_key(replay, table, constraint, target);
  } else if (type == "CONSTR_CHECK") {
    add_check(replay, table, constraint, target);
  } else if (type == "CONSTR_EXCLUSION") {
    // Not modelled as an index; on an existing table its build under
    // ACCESS EXCLUSIVE is recorded (unique-constraint-added-without-index).
    replay.count_skipped("EXCLUDE constraint");
    if (!target.in_create) {
      const std::string name = string_field(constraint, "conname");
      model::MigrationStep& step = record_step(replay, table, model::MigrationStepKind::add_key,
                                               name.empty() ? table.name + "_excl" : name, false);
      step.detail = "EXCLUDE";
      step.scans = true;
    }
  } else if (!target.column.empty()) {
    if (model::Column* column = table.find_column(target.column)) {
      apply_column_property(replay, table, *column, constraint);
    }
  }
}

} // namespace pgadvise::loaders::replay
