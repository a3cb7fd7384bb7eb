#include "loaders/sql/replay_rows.hpp"

#include "core/text.hpp"
#include "loaders/sql/replay_assumed.hpp"
#include "loaders/sql/replay_locks.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pgadvise::loaders::replay {

namespace {

std::string key_of(const QualifiedName& name) {
  return (name.schema.empty() ? std::string("public") : name.schema) + "." + name.name;
}

// A column reference's last name ("x" for t.x), or empty.
std::string column_named(const Json& node) {
  const Json* ref = as(node, "ColumnRef");
  const std::vector<std::string> fields =
      ref != nullptr ? string_list(child(*ref, "fields")) : std::vector<std::string>{};
  return fields.empty() ? std::string() : fields.back();
}

// Columns of `table` that an ADD COLUMN earlier in this file created: every
// existing row holds NULL (or the default) in them.
bool added_in_this_file(const Replay& replay, const model::Table& table, const std::string& column) {
  const auto& steps = replay.catalog().migration_steps;
  return std::any_of(steps.begin(), steps.end(), [&](const model::MigrationStep& step) {
    return step.kind == model::MigrationStepKind::add_column && step.location.file == replay.file_path() &&
           step.schema == table.schema && step.table == table.name && step.object == column;
  });
}

bool constant_true(const Json& node) {
  if (const Json* constant = as(node, "A_Const")) {
    const Json* boolval = child(*constant, "boolval");
    return boolval != nullptr && bool_field(*boolval, "boolval");
  }
  return false;
}

// A literal's value as text ("1", "x", "false", "NULL"), or nullopt when
// `node` is no literal (proto3 leaves a zero or false out: {"ival": {}}).
std::optional<std::string> constant_text(const Json& node) {
  const Json* constant = as(node, "A_Const");
  if (constant == nullptr) {
    return std::nullopt;
  }
  if (bool_field(*constant, "isnull")) {
    return "NULL";
  }
  if (const Json* value = child(*constant, "ival")) {
    return std::to_string(int_field(*value, "ival", 0));
  }
  if (const Json* value = child(*constant, "boolval")) {
    return bool_field(*value, "boolval") ? "true" : "false";
  }
  for (const char* kind : {"sval", "fval", "bsval"}) {
    if (const Json* value = child(*constant, kind)) {
      return "'" + string_field(*value, kind) + "'";
    }
  }
  return std::nullopt;
}

// A condition of literals alone that holds for every row: 1 = 1, NOT
// false, NULL IS NULL (a tautology written to get past a linter, or to
// keep a generated WHERE); empty otherwise.
std::string always_true(const Json& where) {
  if (const Json* expr = as(where, "A_Expr")) {
    const std::vector<std::string> op = string_list(child(*expr, "name"));
    const auto left = constant_text(or_null(child(*expr, "lexpr")));
    const auto right = constant_text(or_null(child(*expr, "rexpr")));
    return string_field(*expr, "kind") == "AEXPR_OP" && op.size() == 1 && op.front() == "=" && left &&
                   left != "NULL" && left == right
               ? "WHERE " + *left + " = " + *right + ", always true"
               : std::string();
  }
  if (const Json* bool_expr = as(where, "BoolExpr");
      bool_expr != nullptr && string_field(*bool_expr, "boolop") == "NOT_EXPR") {
    const Json* args = list_items(child(*bool_expr, "args"));
    const bool negated_false = args != nullptr && items_of(args).size() == 1 &&
                               constant_text(items_of(args).front()) == std::optional<std::string>("false");
    return negated_false ? "WHERE NOT false, always true" : std::string();
  }
  if (const Json* test = as(where, "NullTest")) {
    return string_field(*test, "nulltesttype") == "IS_NULL" &&
                   constant_text(or_null(child(*test, "arg"))) == std::optional<std::string>("NULL")
               ? "WHERE NULL IS NULL, always true"
               : std::string();
  }
  return {};
}

// Why `where` matches every row of `table`, or empty when it may be
// selective: only IS NULL tests of columns this file added (every row is
// NULL there), a join condition of the UPDATE ... FROM (column = column:
// a backfill from another table), or a constant true, combined by OR, or by
// AND when each part matches all.
std::string matches_every_row(const Replay& replay, const model::Table& table, const Json& where) {
  if (constant_true(where)) {
    return "WHERE true";
  }
  if (std::string why = always_true(where); !why.empty()) {
    return why;
  }
  if (const Json* test = as(where, "NullTest")) {
    const std::string column = column_named(or_null(child(*test, "arg")));
    if (string_field(*test, "nulltesttype") == "IS_NULL" && !column.empty() &&
        added_in_this_file(replay, table, column)) {
      return "WHERE " + column + " IS NULL, a column this migration added: every row matches";
    }
    return {};
  }
  if (const Json* expr = as(where, "A_Expr")) {
    const std::vector<std::string> op = string_list(child(*expr, "name"));
    const std::string left = column_named(or_null(child(*expr, "lexpr")));
    const std::string right = column_named(or_null(child(*expr, "rexpr")));
    if (string_field(*expr, "kind") == "AEXPR_OP" && op.size() == 1 && op.front() == "=" && !left.empty() &&
        !right.empty()) {
      return "WHERE " + left + " = " + right + " joins every row to the FROM list";
    }
    return {};
  }
  if (const Json* bool_expr = as(where, "BoolExpr")) {
    const std::string op = string_field(*bool_expr, "boolop");
    std::string first;
    bool all = true;
    for (const Json& arg : items_of(list_items(child(*bool_expr, "args")))) {
      std::string why = matches_every_row(replay, table, arg);
      all = all && !why.empty();
      if (first.empty()) {
        first = why;
      }
      if (op == "OR_EXPR" && !why.empty()) {
        return why;
      }
    }
    return op == "AND_EXPR" && all ? first : std::string();
  }
  return {};
}

void collect_literals(const Json& node, std::vector<std::string>& out) {
  if (is_array(&node)) {
    for (const Json& item : items_of(&node)) {
      collect_literals(item, out);
    }
    return;
  }
  if (!is_object(&node)) {
    return;
  }
  if (const Json* constant = as(node, "A_Const")) {
    if (const Json* sval = child(*constant, "sval")) {
      out.push_back(string_field(*sval, "sval"));
    } else if (const Json* ival = child(*constant, "ival")) {
      out.push_back(std::to_string(int_field(*ival, "ival", 0)));
    }
    return;
  }
  for (const auto& [key, value] : members(node)) {
    collect_literals(*value, out);
  }
}

// A valid CHECK of `partition` that names every value of the bound: the
// constraint PostgreSQL proves the partition constraint from (so ATTACH
// skips the scan). A textual test: the proof itself is PostgreSQL's.
bool bound_implied(const model::Table& partition, const std::vector<std::string>& values) {
  if (values.empty()) {
    return false;
  }
  return std::any_of(
      partition.checks.begin(), partition.checks.end(), [&](const model::CheckConstraint& check) {
        return check.valid && std::all_of(values.begin(), values.end(), [&](const std::string& value) {
                 return check.expression.find(value) != std::string::npos;
               });
      });
}

std::string literal_text(const Json& node) {
  const Json* constant = as(node, "A_Const");
  if (constant == nullptr) {
    return {};
  }
  if (const Json* sval = child(*constant, "sval")) {
    std::string text = "'";
    for (const char c : string_field(*sval, "sval")) {
      text += c == '\'' ? std::string("''") : std::string(1, c);
    }
    return text + "'";
  }
  if (const Json* ival = child(*constant, "ival")) {
    return std::to_string(int_field(*ival, "ival", 0));
  }
  return {};
}

// The partition constraint of a bound as a CHECK condition on `key`: a range
// of one column between two values, or a list of values. Empty otherwise.
std::string bound_condition(const Json& spec, const std::string& key) {
  if (key.empty()) {
    return {};
  }
  const std::string column = core::quote_ident(key);
  const JsonItems lower = items_of(list_items(child(spec, "lowerdatums")));
  const JsonItems upper = items_of(list_items(child(spec, "upperdatums")));
  if (lower.size() == 1 && upper.size() == 1) {
    const std::string from = literal_text(lower.front());
    const std::string to = literal_text(upper.front());
    if (!from.empty() && !to.empty()) {
      return column + " IS NOT NULL AND " + column + " >= " + from + " AND " + column + " < " + to;
    }
    return {};
  }
  std::vector<std::string> values;
  for (const Json& item : items_of(list_items(child(spec, "listdatums")))) {
    const std::string value = literal_text(item);
    if (value.empty()) {
      return {};
    }
    values.push_back(value);
  }
  return values.empty() ? std::string()
                        : column + " IS NOT NULL AND " + column + " IN (" + core::join(values, ", ") + ")";
}

const model::Table* default_partition_of(Replay& replay, const model::Table& parent,
                                         const model::Table& attached) {
  const std::string qualified = parent.qualified();
  for (const model::Table& table : replay.catalog().tables) {
    if (table.partition_of == qualified && &table != &attached &&
        replay.load().default_partitions.count(table.qualified()) != 0) {
      return &table;
    }
  }
  return nullptr;
}

// The statement's SET list (with its FROM list) and its WHERE condition as
// written, cut at the top-level key words: "a = 1, b = c.x FROM c" and
// "c.id = t.c_id". Either is empty when absent.
std::pair<std::string, std::string> update_clauses(const SqlTokens& tokens) {
  const std::size_t count = tokens.tokens().size();
  std::size_t last = count;
  while (last > 0 && tokens.is_punct(last - 1, ';')) {
    --last;
  }
  std::size_t set = count;
  std::size_t where = count;
  std::size_t end = last;
  int depth = 0;
  for (std::size_t i = 0; i < last; ++i) {
    depth += tokens.is_punct(i, '(') ? 1 : tokens.is_punct(i, ')') ? -1 : 0;
    if (depth != 0) {
      continue;
    }
    if (set == count && tokens.is_word(i, "set")) {
      set = i;
    } else if (set != count && where == count && tokens.is_word(i, "where")) {
      where = i;
    } else if (set != count && tokens.is_word(i, "returning")) {
      end = i;
      break;
    }
  }
  if (set == count || set + 1 >= std::min(where, end)) {
    return {};
  }
  std::string assignments = tokens.squeeze(set + 1, std::min(where, end) - 1);
  std::string condition = where + 1 < end ? tokens.squeeze(where + 1, end - 1) : std::string();
  return {std::move(assignments), std::move(condition)};
}

// The PartitionBoundSpec of a partbound / bound field: written unwrapped
// (a typed field), or wrapped.
const Json* bound_spec(const Json* bound) {
  if (bound == nullptr) {
    return nullptr;
  }
  const Json* wrapped = as(*bound, "PartitionBoundSpec");
  return wrapped != nullptr ? wrapped : bound;
}

} // namespace

void add_rows(Replay& replay, const Json& stmt, std::string_view type) {
  replay.count_skipped(words_of(type, "Stmt"));
  const Json* relation = child(stmt, "relation");
  if (relation == nullptr || (type == "CopyStmt" && !bool_field(stmt, "is_from"))) {
    return;
  }
  if (model::Table* table = replay.find_table(range_var(*relation));
      table != nullptr && table->location.file == replay.file()) {
    table->rows_added = true;
  }
}

void update_rows(Replay& replay, const Json& stmt) {
  replay.count_skipped(words_of("UpdateStmt", "Stmt"));
  const Json* relation = child(stmt, "relation");
  const model::Table* table =
      relation != nullptr ? find_or_assume_table(replay, range_var(*relation)) : nullptr;
  if (table == nullptr) {
    return;
  }
  std::vector<std::string> columns;
  for (const Json& item : items_of(list_items(child(stmt, "targetList")))) {
    if (const Json* target = as(item, "ResTarget")) {
      columns.push_back(string_field(*target, "name"));
    }
  }
  const Json* where = child(stmt, "whereClause");
  const std::string why =
      where == nullptr ? std::string("no WHERE") : matches_every_row(replay, *table, *where);
  model::MigrationStep& step =
      record_step(replay, *table, model::MigrationStepKind::update_rows, core::join(columns, ","), false);
  step.scans = !why.empty();
  step.detail = why;
  const auto [assignments, condition] = update_clauses(replay.tokens());
  step.value = assignments + "\n" + condition;
}

void delete_rows(Replay& replay, const Json& stmt) {
  replay.count_skipped(words_of("DeleteStmt", "Stmt"));
  const Json* relation = child(stmt, "relation");
  const model::Table* table =
      relation != nullptr ? find_or_assume_table(replay, range_var(*relation)) : nullptr;
  if (table == nullptr) {
    return;
  }
  // DELETE ... USING deletes the rows that join: a join condition selects.
  const Json* where = child(stmt, "whereClause");
  const std::string why = where == nullptr                        ? std::string("no WHERE")
                          : child(stmt, "usingClause") != nullptr ? std::string()
                                                                  : matches_every_row(replay, *table, *where);
  model::MigrationStep& step = record_step(replay, *table, model::MigrationStepKind::delete_rows, "", false);
  step.scans = !why.empty();
  step.detail = why;
}

void create_materialized_view(Replay& replay, const Json& stmt) {
  const Json* into = child(stmt, "into");
  const Json* rel = into != nullptr ? child(*into, "rel") : nullptr;
  if (rel != nullptr && string_field(stmt, "objtype") == "OBJECT_MATVIEW") {
    replay.load().view_files[key_of(range_var(*rel))] = replay.file();
  }
}

void refresh_view(Replay& replay, const Json& stmt) {
  replay.count_skipped(words_of("RefreshMatViewStmt", "Stmt"));
  const Json* relation = child(stmt, "relation");
  if (relation == nullptr || bool_field(stmt, "skipData")) {
    return;
  }
  const QualifiedName name = range_var(*relation);
  const auto& created = replay.load().view_files;
  const auto found = created.find(key_of(name));
  model::MigrationStep& step = record_statement_step(replay, model::MigrationStepKind::refresh_view, "");
  step.schema = name.schema.empty() ? std::string("public") : name.schema;
  step.table = name.name;
  step.table_is_new = found != created.end() && found->second == replay.file();
  step.concurrently = bool_field(stmt, "concurrent");
  predict(step);
}

void note_partition_bound(Replay& replay, const model::Table& partition, const Json* bound) {
  const Json* spec = bound_spec(bound);
  if (spec != nullptr && bool_field(*spec, "is_default")) {
    replay.load().default_partitions.insert(partition.qualified());
  }
}

void note_partition_key(Replay& replay, const model::Table& table, const Json* spec) {
  const JsonItems params = items_of(list_items(spec != nullptr ? child(*spec, "partParams") : nullptr));
  const Json* element = params.size() == 1 ? as(params.front(), "PartitionElem") : nullptr;
  const std::string key = element != nullptr ? string_field(*element, "name") : std::string();
  if (!key.empty()) {
    replay.load().partition_keys[table.qualified()] = key;
  }
}

void attach_partition_checks(Replay& replay, const model::Table& parent, const model::Table& partition,
                             const Json* bound) {
  const Json* spec = bound_spec(bound);
  const bool is_default = spec != nullptr && bool_field(*spec, "is_default");
  std::vector<std::string> values;
  if (spec != nullptr) {
    collect_literals(*spec, values);
  }
  const auto key = replay.load().partition_keys.find(parent.qualified());
  const std::string condition =
      spec != nullptr && key != replay.load().partition_keys.end() ? bound_condition(*spec, key->second) : "";
  const std::string parent_name = core::qualified_name(parent.schema, parent.name);
  model::MigrationStep& attached =
      record_step(replay, partition, model::MigrationStepKind::attach_partition, parent_name, false);
  attached.scans = is_default || !bound_implied(partition, values);
  attached.detail = "the partition";
  attached.value = condition;
  if (is_default) {
    return; // a second default partition is an error, not a scan
  }
  if (const model::Table* fallback = default_partition_of(replay, parent, partition)) {
    model::MigrationStep& scanned =
        record_step(replay, *fallback, model::MigrationStepKind::attach_partition, parent_name, false);
    scanned.scans = true;
    scanned.detail = "the default partition";
    scanned.value = condition.empty() ? std::string() : "NOT (" + condition + ")";
  }
}

void forget_default_partition(Replay& replay, const model::Table& partition) {
  replay.load().default_partitions.erase(partition.qualified());
}

} // namespace pgadvise::loaders::replay
