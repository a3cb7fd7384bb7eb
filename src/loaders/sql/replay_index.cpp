#include "loaders/sql/replay_index.hpp"

#include "core/text.hpp"
#include "loaders/sql/replay_assumed.hpp"
#include "loaders/sql/replay_locks.hpp"
#include "loaders/sql/replay_names.hpp"
#include "loaders/sql/replay_partitions.hpp"
#include "pg/index_identity.hpp"

#include <algorithm>
#include <optional>

namespace pgadvise::loaders::replay {

namespace {

struct TokenRange {
  std::size_t first = 0;
  std::size_t last = 0; // inclusive
};

// The comma-separated elements of the parenthesized key list that follows
// the table name (and USING method).
std::vector<TokenRange> key_list_elements(const SqlTokens& tokens, std::size_t relation_location,
                                          std::optional<std::size_t>* close_out) {
  std::vector<TokenRange> elements;
  auto open = tokens.first_at_or_after(relation_location);
  while (open && *open < tokens.tokens().size() && !tokens.is_punct(*open, '(')) {
    ++*open;
  }
  if (!open || *open >= tokens.tokens().size()) {
    return elements;
  }
  const auto close = tokens.matching_paren(*open);
  *close_out = close;
  if (!close) {
    return elements;
  }
  int depth = 0;
  std::size_t start = *open + 1;
  for (std::size_t i = *open + 1; i < *close; ++i) {
    if (tokens.is_punct(i, '(') || tokens.is_punct(i, '[')) {
      ++depth;
    } else if (tokens.is_punct(i, ')') || tokens.is_punct(i, ']')) {
      --depth;
    } else if (depth == 0 && tokens.is_punct(i, ',')) {
      if (i > start) {
        elements.push_back({start, i - 1});
      }
      start = i + 1;
    }
  }
  if (*close > start) {
    elements.push_back({start, *close - 1});
  }
  return elements;
}

// An index element is `(expression)` or a function call, followed by
// COLLATE / opclass / ASC / DESC / NULLS: keep only the expression.
std::string element_expression(const SqlTokens& tokens, const TokenRange& range) {
  if (tokens.is_punct(range.first, '(')) {
    const auto close = tokens.matching_paren(range.first);
    if (close && *close <= range.last) {
      return squeeze_unwrapped(tokens, range.first, *close);
    }
  }
  for (std::size_t i = range.first; i <= range.last; ++i) {
    if (tokens.is_punct(i, '(')) {
      const auto close = tokens.matching_paren(i);
      if (close && *close <= range.last) {
        return tokens.squeeze(range.first, *close);
      }
      break;
    }
  }
  return tokens.squeeze(range.first, range.last);
}

std::string predicate_text(const SqlTokens& tokens, std::optional<std::size_t> keys_close) {
  const std::size_t count = tokens.tokens().size();
  int depth = 0;
  for (std::size_t i = keys_close ? *keys_close + 1 : 0; i < count; ++i) {
    if (tokens.is_punct(i, '(')) {
      ++depth;
    } else if (tokens.is_punct(i, ')')) {
      --depth;
    } else if (depth == 0 && tokens.is_word(i, "where") && i + 1 < count) {
      std::size_t last = count - 1;
      while (last > i && tokens.is_punct(last, ';')) {
        --last;
      }
      return last > i ? squeeze_unwrapped(tokens, i + 1, last) : std::string();
    }
  }
  return {};
}

model::IndexKey make_key(const SqlTokens& tokens, const Json& elem, const TokenRange* range,
                         std::string* column_name) {
  model::IndexKey key;
  key.column = string_field(elem, "name");
  if (const Json* expr = child(elem, "expr"); key.column.empty() && expr != nullptr) {
    const Json* ref = as(*expr, "ColumnRef");
    const std::vector<std::string> fields =
        ref != nullptr ? string_list(child(*ref, "fields")) : std::vector<std::string>{};
    if (fields.size() == 1) {
      key.column = fields.front(); // "(column)" is a plain column key to PostgreSQL
    } else {
      key.expression = range != nullptr ? element_expression(tokens, *range) : std::string("?");
    }
    *column_name = key.column.empty() ? expression_column_name(*expr) : key.column.str();
  } else {
    *column_name = key.column;
  }
  key.descending = string_field(elem, "ordering") == "SORTBY_DESC";
  const std::string nulls = string_field(elem, "nulls_ordering");
  if (nulls == "SORTBY_NULLS_FIRST" || nulls == "SORTBY_NULLS_LAST") {
    key.nulls_first = nulls == "SORTBY_NULLS_FIRST";
  }
  const std::vector<std::string> opclass = string_list(child(elem, "opclass"));
  if (!opclass.empty()) {
    key.opclass = opclass.back();
  }
  return key;
}

std::vector<std::string> element_names(const Json* list) {
  std::vector<std::string> names;
  if (const Json* items = list_items(list)) {
    for (const Json& item : items_of(items)) {
      if (const Json* elem = as(item, "IndexElem")) {
        names.push_back(string_field(*elem, "name"));
      }
    }
  }
  return names;
}

void remove_from_partitions(Replay& replay, const model::Table& parent, const model::Index& index) {
  for (model::Table* partition : partitions_of(replay, parent)) {
    auto& indexes = partition->indexes;
    indexes.erase(std::remove_if(indexes.begin(), indexes.end(),
                                 [&](const model::Index& other) {
                                   return other.kind == model::IndexKind::index &&
                                          equivalent_indexes(other, index);
                                 }),
                  indexes.end());
    if (partition->partitioned) {
      remove_from_partitions(replay, *partition, index);
    }
  }
}

// The table CREATE INDEX names, or null (a view's or sequence's index is
// counted as skipped, a missing table warned about).
model::Table* index_target(Replay& replay, const Json& relation, const std::string& given_name) {
  const QualifiedName table_name = range_var(relation);
  model::Table* table = find_or_assume_table(replay, table_name);
  if (table != nullptr) {
    return table;
  }
  if (replay.is_untracked(table_name)) {
    if (!given_name.empty()) {
      replay.set_untracked({replay.schema_for(table_name), given_name}, true);
    }
    replay.count_skipped("CREATE INDEX on a view or sequence");
    return nullptr;
  }
  replay.warn("CREATE INDEX on table " + core::qualified_name(table_name.schema, table_name.name) +
                  ", which does not exist" + dropped_clause(replay, table_name),
              replay.at_statement());
  return nullptr;
}

// The index the statement defines, without its name and location; its key
// columns' names (for the generated name) in `column_names`.
model::Index read_index(const Replay& replay, const Json& stmt, const Json& relation,
                        std::vector<std::string>& column_names) {
  const SqlTokens& tokens = replay.tokens();
  std::optional<std::size_t> keys_close;
  const std::vector<TokenRange> ranges =
      key_list_elements(tokens, location_field(relation).value_or(0), &keys_close);
  model::Index index;
  index.unique = bool_field(stmt, "unique");
  const std::string method = string_field(stmt, "accessMethod");
  index.method = method.empty() ? "btree" : core::to_lower(method);
  if (const JsonItems params = items_of(list_items(child(stmt, "indexParams"))); !params.empty()) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Json* elem = as(params[i], "IndexElem");
      if (elem == nullptr) {
        continue;
      }
      const bool ranges_match = ranges.size() == params.size();
      std::string column_name;
      index.keys.push_back(make_key(tokens, *elem, ranges_match ? &ranges[i] : nullptr, &column_name));
      column_names.push_back(column_name);
    }
  }
  index.include = element_names(child(stmt, "indexIncludingParams"));
  if (child(stmt, "whereClause") != nullptr) {
    index.predicate = predicate_text(tokens, keys_close);
    if (index.predicate.empty()) {
      index.predicate = "?";
    }
  }
  pg::identify_index(index);
  return index;
}

// Warns and says false when a key names a column the table does not have.
bool key_columns_exist(Replay& replay, model::Table& table, const model::Index& index) {
  for (const model::IndexKey& key : index.keys) {
    if (!key.column.empty() && find_or_assume_column(table, key.column) == nullptr) {
      replay.warn("column \"" + key.column + "\" does not exist in table " +
                      core::qualified_name(table.schema, table.name),
                  replay.at_statement());
      return false;
    }
  }
  return true;
}

// CREATE INDEX of a name already taken: an error, or with IF NOT EXISTS a
// no-op (a CONCURRENTLY one still recorded: refused in a transaction block
// before PostgreSQL looks for the index).
void index_name_taken(Replay& replay, const Json& stmt, model::Table& table, const std::string& name) {
  if (!bool_field(stmt, "if_not_exists")) {
    replay.warn_duplicate("relation " + core::qualified_name(table.schema, name) + " already exists",
                          replay.at_statement());
  } else if (bool_field(stmt, "concurrent")) {
    model::MigrationStep& step =
        record_step(replay, table, model::MigrationStepKind::create_index, name, false);
    step.concurrently = true;
    predict(step);
  }
}

} // namespace

void create_index(Replay& replay, const Json& stmt) {
  const Json* relation = child(stmt, "relation");
  if (relation == nullptr) {
    return;
  }
  const std::string given_name = string_field(stmt, "idxname");
  model::Table* table = index_target(replay, *relation, given_name);
  if (table == nullptr) {
    return;
  }
  std::vector<std::string> column_names;
  model::Index index = read_index(replay, stmt, *relation, column_names);
  if (!key_columns_exist(replay, *table, index)) {
    return;
  }
  const std::string schema = table->schema;
  index.name = given_name;
  if (index.name.empty()) {
    index.name =
        choose_name(table->name, join_column_names(column_names), "idx", [&](const std::string& candidate) {
          return replay.relation_name_taken(schema, candidate);
        });
  } else if (replay.relation_name_taken(schema, index.name)) {
    index_name_taken(replay, stmt, *table, index.name);
    return;
  }
  index.location = replay.at_statement();
  model::MigrationStep& step =
      record_step(replay, *table, model::MigrationStepKind::create_index, index.name, false);
  step.concurrently = bool_field(stmt, "concurrent");
  predict(step);
  const bool only = !bool_field(*relation, "inh");
  const bool has_partitions = !partitions_of(replay, *table).empty();
  index.valid = !(only && has_partitions);
  const model::Index& added = append_compact(table->indexes, std::move(index));
  replay.index_added(schema, added);
  if (has_partitions && !only) {
    clone_index_to_partitions(replay, *table, added);
  }
}

void drop_index(Replay& replay, const QualifiedName& name, bool missing_ok, const Json& at) {
  model::Table* table = replay.find_index_owner(name);
  if (table == nullptr) {
    if (replay.is_untracked(name)) {
      replay.set_untracked(name, false);
    } else if (std::string dropped = dropped_clause(replay, name); !dropped.empty()) {
      if (!missing_ok) { // the files dropped it already: PostgreSQL stops here
        replay.warn("index " + core::qualified_name(name.schema, name.name) + " does not exist" + dropped,
                    replay.at_node(at));
      }
    } else {
      drop_assumed_index(replay, name, bool_field(at, "concurrent"), missing_ok);
    }
    return;
  }
  auto it = std::find_if(table->indexes.begin(), table->indexes.end(),
                         [&](const model::Index& index) { return index.name == name.name; });
  if (it->kind != model::IndexKind::index) {
    replay.warn("cannot drop index " + name.name + " because constraint " + name.name + " on table " +
                    core::qualified_name(table->schema, table->name) +
                    " requires it (use ALTER TABLE ... DROP CONSTRAINT)",
                replay.at_node(at));
    return;
  }
  model::MigrationStep& step =
      record_step(replay, *table, model::MigrationStepKind::drop_index, name.name, false);
  step.concurrently = bool_field(at, "concurrent");
  predict(step);
  record_dropped(replay, {table->schema, name.name});
  const model::Index dropped = *it;
  table->indexes.erase(it);
  replay.names_changed();
  if (table->partitioned) {
    remove_from_partitions(replay, *table, dropped);
  }
}

bool rename_index(Replay& replay, const QualifiedName& name, const std::string& new_name) {
  model::Table* table = replay.find_index_owner(name);
  if (table == nullptr) {
    return false;
  }
  if (replay.relation_name_taken(table->schema, new_name)) {
    replay.warn_duplicate("relation " + core::qualified_name(table->schema, new_name) + " already exists",
                          replay.at_statement());
    return true;
  }
  for (model::Index& index : table->indexes) {
    if (index.name == name.name) {
      index.name = new_name;
    }
  }
  // The steps that name the index (its CREATE INDEX) follow it: the rules
  // look it up under the name the history leaves.
  for (model::MigrationStep& step : replay.catalog().migration_steps) {
    if (step.object == name.name && step.schema == table->schema && step.table == table->name &&
        (step.kind == model::MigrationStepKind::create_index ||
         step.kind == model::MigrationStepKind::reindex)) {
      step.object = new_name;
    }
  }
  replay.names_changed();
  return true;
}

void attach_index(Replay& replay, const QualifiedName& parent, bool missing_ok) {
  model::Table* table = replay.find_index_owner(parent);
  if (table != nullptr) {
    refresh_index_validity(replay, *table);
  } else if (!missing_ok && !replay.is_untracked(parent)) {
    replay.warn("index " + core::qualified_name(parent.schema, parent.name) + " does not exist",
                replay.at_statement());
  }
}

} // namespace pgadvise::loaders::replay
