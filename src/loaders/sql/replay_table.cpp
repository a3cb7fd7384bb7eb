#include "loaders/sql/replay_table.hpp"

#include "core/text.hpp"
#include "loaders/sql/replay_constraints.hpp"
#include "loaders/sql/replay_names.hpp"
#include "loaders/sql/replay_objects.hpp"
#include "loaders/sql/replay_partitions.hpp"
#include "loaders/sql/replay_rows.hpp"

#include <algorithm>
#include <string_view>

namespace pgadvise::loaders::replay {

namespace {

// CREATE TABLE ... (LIKE source INCLUDING ...) option bits (CreateStmtLikeOption).
constexpr long long k_like_constraints = 1LL << 2;
constexpr long long k_like_defaults = 1LL << 3;
constexpr long long k_like_identity = 1LL << 5;
constexpr long long k_like_indexes = 1LL << 6;

std::string label_for(model::IndexKind kind) {
  return kind == model::IndexKind::primary_key         ? "pkey"
         : kind == model::IndexKind::unique_constraint ? "key"
                                                       : "idx";
}

// serial columns: NOT NULL and a default from a sequence named like PostgreSQL names it.
void apply_serial(Replay& replay, const model::Table& table, model::Column& column) {
  column.not_null = true;
  const std::string schema = table.schema;
  const std::string sequence = choose_name(table.name, column.name, "seq", [&](const std::string& candidate) {
    return replay.relation_name_taken(schema, candidate);
  });
  replay.set_untracked({schema, sequence}, true);
  const std::string qualified = schema == "public" ? sequence : schema + "." + sequence;
  // Built at its exact length: concatenated, the text kept twice the room
  // it needs (64-byte blocks for 35 characters, 100,000 bigserial keys).
  const std::string literal = core::quote_literal(qualified);
  constexpr std::string_view k_call = "nextval(";
  constexpr std::string_view k_cast = "::regclass)";
  std::string expr;
  expr.reserve(k_call.size() + literal.size() + k_cast.size());
  expr.append(k_call).append(literal).append(k_cast);
  column.default_expr = std::move(expr);
}

void apply_inline_constraints(Replay& replay, model::Table& table, const Json& column_def,
                              const std::string& column, std::vector<DeferredConstraint>* deferred) {
  const Json* constraints = list_items(child(column_def, "constraints"));
  if (constraints == nullptr) {
    return;
  }
  for (const Json& item : items_of(constraints)) {
    const Json* constraint = as(item, "Constraint");
    if (constraint == nullptr) {
      continue;
    }
    model::Column* target = table.find_column(column);
    if (target != nullptr && apply_column_property(replay, table, *target, *constraint)) {
      continue;
    }
    if (deferred != nullptr) {
      deferred->push_back({constraint, column});
    } else {
      add_constraint(replay, table, *constraint, {column, false, false});
    }
  }
}

void propagate_column(Replay& replay, const model::Table& parent, const model::Column& column) {
  for (model::Table* partition : partitions_of(replay, parent)) {
    if (partition->find_column(column.name) == nullptr) {
      partition->columns.push_back(column);
      partition->columns.back().identity = false;
      partition->columns.back().identity_always = false;
    }
    if (partition->partitioned) {
      propagate_column(replay, *partition, column);
    }
  }
}

void copy_like(Replay& replay, model::Table& table, const Json& like) {
  const Json* relation = child(like, "relation");
  const QualifiedName source_name = relation != nullptr ? range_var(*relation) : QualifiedName{};
  const model::Table* source = replay.find_table(source_name);
  if (source == nullptr) {
    replay.warn("LIKE names table " + core::qualified_name(source_name.schema, source_name.name) +
                    ", which does not exist",
                replay.at_node(like));
    return;
  }
  const long long options = int_field(like, "options", 0);
  for (model::Column column : source->columns) {
    if (table.find_column(column.name) != nullptr) {
      continue;
    }
    if ((options & k_like_defaults) == 0) {
      column.default_expr.reset();
    }
    column.identity = column.identity && (options & k_like_identity) != 0;
    column.identity_always = column.identity && column.identity_always;
    column.location = replay.at_node(like);
    table.columns.push_back(std::move(column));
  }
  if ((options & k_like_constraints) != 0) {
    table.checks.insert(table.checks.end(), source->checks.begin(), source->checks.end());
    replay.names_changed();
  }
  if ((options & k_like_indexes) != 0) {
    const std::string schema = table.schema;
    for (model::Index index : source->indexes) {
      std::vector<std::string> names;
      for (const model::IndexKey& key : index.keys) {
        names.push_back(key.column.empty() ? "expr" : key.column);
      }
      const bool primary = index.kind == model::IndexKind::primary_key;
      index.name = choose_name(
          table.name, primary ? "" : join_column_names(names), label_for(index.kind),
          [&](const std::string& candidate) { return replay.relation_name_taken(schema, candidate); });
      index.location = replay.at_node(like);
      replay.index_added(schema, index);
      append_compact(table.indexes, std::move(index));
    }
  }
}

// Columns a new partition or inheritance child gets from its parents; returns
// the parents found (as names: the table vector grows before they are used).
std::vector<QualifiedName> copy_parents(Replay& replay, model::Table& table, const Json& stmt) {
  std::vector<QualifiedName> parents;
  const Json* items = list_items(child(stmt, "inhRelations"));
  if (items == nullptr) {
    return parents;
  }
  for (const Json& item : items_of(items)) {
    const QualifiedName parent_name = range_var(item);
    model::Table* parent = replay.find_table(parent_name);
    if (parent == nullptr) {
      replay.warn("table " + core::qualified_name(parent_name.schema, parent_name.name) +
                      " does not exist (parent of " + core::qualified_name(table.schema, table.name) + ")",
                  replay.at_node(item));
      continue;
    }
    for (const model::Column& column : parent->columns) {
      if (table.find_column(column.name) == nullptr) {
        model::Column copy = column;
        copy.identity = false;
        copy.identity_always = false;
        copy.location = table.location;
        table.columns.push_back(std::move(copy));
      }
    }
    parents.push_back({parent->schema, parent->name});
  }
  return parents;
}

// Order in which CREATE TABLE builds its constraints: the primary key first
// (PostgreSQL names it first), foreign keys last (they may reference this
// very table's keys).
int constraint_pass(const std::string& type) {
  if (type == "CONSTR_PRIMARY") {
    return 0;
  }
  if (type == "CONSTR_FOREIGN") {
    return 2;
  }
  return 1;
}

// An index key constraint (PRIMARY KEY / UNIQUE) of this CREATE TABLE with
// the same columns and INCLUDE list as `constraint`, or null.
model::Index* same_key(model::Table& table, const Json& constraint, const std::string& column) {
  std::vector<std::string> columns = string_list(child(constraint, "keys"));
  if (columns.empty() && !column.empty()) {
    columns.push_back(column);
  }
  const std::vector<std::string> include = string_list(child(constraint, "including"));
  for (model::Index& index : table.indexes) {
    if (index.kind != model::IndexKind::index && !index.has_expressions() &&
        index.leading_columns() == columns && index.include == include) {
      return &index;
    }
  }
  return nullptr;
}

void apply_deferred(Replay& replay, model::Table& table, const std::vector<DeferredConstraint>& deferred) {
  std::vector<std::string> generated_names; // keys named by PostgreSQL, not by the statement
  for (int pass = 0; pass < 3; ++pass) {
    for (const DeferredConstraint& item : deferred) {
      const std::string type = string_field(*item.constraint, "contype");
      if (constraint_pass(type) != pass) {
        continue;
      }
      const std::string name = string_field(*item.constraint, "conname");
      // PostgreSQL keeps one index for identical keys of one CREATE TABLE
      // (a named duplicate lends its name to an unnamed first one).
      if (type == "CONSTR_UNIQUE" && string_field(*item.constraint, "indexname").empty()) {
        if (model::Index* prior = same_key(table, *item.constraint, item.column)) {
          const auto generated = std::find(generated_names.begin(), generated_names.end(), prior->name);
          if (!name.empty() && generated != generated_names.end()) {
            generated_names.erase(generated);
            prior->name = name;
            replay.names_changed();
          }
          continue;
        }
      }
      const std::size_t before = table.indexes.size();
      add_constraint(replay, table, *item.constraint, {item.column, true, false});
      if (name.empty() && table.indexes.size() > before) {
        generated_names.push_back(table.indexes.back().name);
      }
    }
  }
}

} // namespace

bool add_column(Replay& replay, model::Table& table, const Json& column_def,
                std::vector<DeferredConstraint>* deferred, bool only) {
  model::Column column;
  column.name = string_field(column_def, "colname");
  if (table.find_column(column.name) != nullptr) {
    return false;
  }
  if (const Json* type_name = child(column_def, "typeName")) {
    column.type = replay.type_ref(*type_name);
  }
  column.location = replay.at_node(column_def);
  if (column.type.serial) {
    apply_serial(replay, table, column);
  }
  table.columns.push_back(std::move(column));
  const std::string name = table.columns.back().name;
  apply_inline_constraints(replay, table, column_def, name, deferred);
  if (deferred == nullptr && !only && table.partitioned) {
    propagate_column(replay, table, *table.find_column(name));
  }
  return true;
}

void create_table(Replay& replay, const Json& stmt) {
  const Json* relation = child(stmt, "relation");
  if (relation == nullptr) {
    return;
  }
  const QualifiedName name = range_var(*relation);
  if (string_field(*relation, "relpersistence") == "t") {
    // Gone when the session ends, so not in the schema; but the migration may
    // still fill, alter and drop it, and that is no problem.
    create_untracked(replay, *relation, "CREATE TEMP TABLE");
    return;
  }
  const std::string schema = replay.schema_for(name);
  if (!replay.catalog().has_schema(schema)) {
    // A lone migration file's schema, created before it (as its tables are:
    // replay_assumed): a note, not a replay-warning.
    replay.note("schema \"" + schema + "\" (" + replay.file() + " line " +
                std::to_string(replay.at_statement().line) +
                ") is not created by these files: taken as one created before them");
    replay.catalog().schemas.push_back(schema);
  }
  if (replay.find_table({schema, name.name}) != nullptr) {
    if (!bool_field(stmt, "if_not_exists")) {
      replay.warn_duplicate("relation " + core::qualified_name(schema, name.name) + " already exists",
                            replay.at_statement());
    }
    return;
  }
  model::Table table;
  table.schema = schema;
  table.name = name.name;
  table.location = replay.at_statement();
  table.partitioned = child(stmt, "partspec") != nullptr;
  note_partition_key(replay, table, child(stmt, "partspec"));
  const std::vector<QualifiedName> parents = copy_parents(replay, table, stmt);
  replay.catalog().tables.push_back(std::move(table));
  replay.table_added();
  model::Table& created = replay.catalog().tables.back();

  std::vector<DeferredConstraint> deferred;
  if (const Json* elements = list_items(child(stmt, "tableElts"))) {
    // Room for every element at once (a constraint element takes a slot it
    // does not need): grown by doubling, six columns took room for eight,
    // 45 MB of a 100,000-table schema's 600,000 columns.
    created.columns.reserve(created.columns.size() + items_of(elements).size());
    for (const Json& element : items_of(elements)) {
      if (const Json* column_def = as(element, "ColumnDef")) {
        const std::string column = string_field(*column_def, "colname");
        if (add_column(replay, created, *column_def, &deferred, false)) {
          continue;
        }
        if (parents.empty()) {
          replay.warn_duplicate("column \"" + column + "\" specified more than once",
                                replay.at_node(*column_def));
        } else {
          apply_inline_constraints(replay, created, *column_def, column,
                                   &deferred); // merges with the parent's
        }
      } else if (const Json* constraint = as(element, "Constraint")) {
        deferred.push_back({constraint, ""});
      } else if (const Json* like = as(element, "TableLikeClause")) {
        copy_like(replay, created, *like);
      }
    }
  }
  apply_deferred(replay, created, deferred);
  if (child(stmt, "partbound") != nullptr && !parents.empty()) {
    if (model::Table* parent = replay.find_table(parents.front())) {
      attach_partition(replay, *parent, created);
      note_partition_bound(replay, created, child(stmt, "partbound"));
    }
  }
}

} // namespace pgadvise::loaders::replay
