#include "advisor/query_index_candidate.hpp"

#include "advisor/partitions.hpp"
#include "advisor/query_evidence.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace pgadvise::advisor {

namespace {

using model::ColumnUse;

void add_unique(std::vector<std::string>& list, const std::string& column) {
  if (std::find(list.begin(), list.end(), column) == list.end()) {
    list.push_back(column);
  }
}

bool plain_btree(const model::Index& index) {
  return index.valid && !index.is_partial() && index.method == "btree" && !index.keys.empty() &&
         !index.keys.front().column.empty();
}

// The usable index whose first key is one of `columns`, if any.
const model::Index* leading_index(const std::vector<const model::Index*>& indexes,
                                  const std::vector<std::string>& columns) {
  for (const model::Index* index : indexes) {
    if (plain_btree(*index) &&
        std::find(columns.begin(), columns.end(), index->keys.front().column) != columns.end()) {
      return index;
    }
  }
  return nullptr;
}

std::string regex_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// The column and the test of a partial index's predicate when it is one
// `col IS [NOT] NULL` (as pg_get_expr, drizzle-kit or pgadvise write it:
// wrapped in parentheses or not, the column quoted or not); nullopt for any
// other predicate.
std::optional<std::pair<std::string, bool>> null_predicate(std::string_view predicate) {
  std::string_view text = core::trim(predicate);
  while (text.size() >= 2 && text.front() == '(' && text.back() == ')') {
    text = core::trim(text.substr(1, text.size() - 2));
  }
  static const std::regex pattern(R"re(^("([^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s+IS\s+(NOT\s+)?NULL$)re",
                                  std::regex::icase);
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_match(text.begin(), text.end(), match, pattern)) {
    return std::nullopt;
  }
  std::string column = match[1].str();
  if (column.front() == '"') {
    std::string unquoted;
    for (std::size_t i = 1; i + 1 < column.size(); ++i) {
      unquoted += column[i];
      if (column[i] == '"') {
        ++i; // "" is one quote
      }
    }
    column = unquoted;
  } else {
    column = core::to_lower(column);
  }
  return std::make_pair(column, !match[3].matched);
}

// A valid partial btree index whose `col IS [NOT] NULL` predicate the
// statement's own test on that column implies, when it serves the
// statement's filters (see QueryIndexCandidate::covered).
const model::Index* matching_partial_index(const std::vector<const model::Index*>& indexes,
                                           const model::QueryStats& query,
                                           const std::vector<std::string>& filters) {
  for (const model::Index* index : indexes) {
    if (!index->valid || !index->is_partial() || index->method != "btree" || index->keys.empty()) {
      continue;
    }
    const auto predicate = null_predicate(index->predicate);
    if (!predicate || std::find(filters.begin(), filters.end(), predicate->first) == filters.end() ||
        null_test(query, predicate->first) != predicate->second) {
      continue;
    }
    const std::string& first = index->keys.front().column;
    if (filters.size() == 1 ||
        (first != predicate->first && std::find(filters.begin(), filters.end(), first) != filters.end())) {
      return index;
    }
  }
  return nullptr;
}

struct Uses {
  std::vector<std::string> correlation; // a sub-select's column = the outer row's
  std::vector<std::string> equality;    // WHERE =, IN / = ANY
  std::vector<std::string> join;        // JOIN ... ON keys
  std::vector<std::string> range;
  std::vector<std::string> order_by;
  std::vector<std::string> null_tests; // IS [NOT] NULL, boolean flags
};

// A boolean column (`archived = false`, `is_active = true`): a flag keeps
// about half the rows or most of them, never a key worth leading with.
bool flag_column(const model::Table& table, const std::string& column) {
  const model::Column* found = table.find_column(column);
  if (found == nullptr) {
    return false;
  }
  const std::string type = core::to_lower(found->type.display());
  return type == "boolean" || type == "bool";
}

void classify(const model::Table& table, const model::ColumnUsage& usage, Uses& uses) {
  switch (usage.use) {
  case ColumnUse::equality:
  case ColumnUse::in_list:
    add_unique(flag_column(table, usage.column) ? uses.null_tests : uses.equality, usage.column);
    break;
  case ColumnUse::is_null: add_unique(uses.null_tests, usage.column); break;
  case ColumnUse::correlation: add_unique(uses.correlation, usage.column); break;
  case ColumnUse::join: add_unique(uses.join, usage.column); break;
  case ColumnUse::range: add_unique(uses.range, usage.column); break;
  case ColumnUse::order_by: add_unique(uses.order_by, usage.column); break;
  case ColumnUse::like:
  case ColumnUse::json_cast:
  case ColumnUse::json_operator: break;
  }
}

// Join keys count only for a table the statement does not filter itself:
// a filtered table is read through its filter (the join key of, say, a
// composite primary key does not help `WHERE m.user_id = $1`), while an
// unfiltered one is the inner side of the join and needs its join key.
// A correlated sub-select's key always counts: it is how each outer row's
// rows are found.
Uses effective(Uses uses) {
  if (uses.correlation.empty() && uses.equality.empty() && uses.range.empty()) {
    uses.equality = uses.join;
  }
  uses.join.clear();
  return uses;
}

QueryIndexCandidate build(const model::Catalog& catalog, const model::Table& table, const Uses& all_uses,
                          const model::QueryStats& query) {
  const bool has_limit = query.shape.has_limit;
  const Uses uses = effective(all_uses);
  QueryIndexCandidate candidate;
  candidate.table = &table;
  candidate.correlation = uses.correlation;
  candidate.equality = uses.equality;
  candidate.null_tests = uses.null_tests;
  candidate.columns = uses.correlation;
  for (const std::string& column : uses.equality) {
    add_unique(candidate.columns, column);
  }
  for (const std::string& column : uses.range) {
    if (std::find(candidate.columns.begin(), candidate.columns.end(), column) == candidate.columns.end()) {
      candidate.range = column;
      candidate.columns.push_back(column);
      break;
    }
  }
  if (has_limit || !uses.correlation.empty()) {
    for (const std::string& column : uses.order_by) {
      if (std::find(candidate.columns.begin(), candidate.columns.end(), column) == candidate.columns.end()) {
        candidate.order_by.push_back(column);
        candidate.columns.push_back(column);
      }
    }
  }
  std::vector<std::string> filters = uses.correlation;
  filters.insert(filters.end(), uses.equality.begin(), uses.equality.end());
  filters.insert(filters.end(), uses.range.begin(), uses.range.end());
  if (filters.empty() && !uses.order_by.empty()) {
    filters.push_back(uses.order_by.front());
  }
  const std::vector<const model::Index*> indexes = usable_indexes(catalog, table);
  const model::Index* index = leading_index(indexes, filters);
  if (index == nullptr) {
    std::vector<std::string> tested = filters;
    tested.insert(tested.end(), uses.null_tests.begin(), uses.null_tests.end());
    index = matching_partial_index(indexes, query, tested);
  }
  if (index != nullptr) {
    candidate.covered = true;
    candidate.covered_by = index->name;
  }
  return candidate;
}

} // namespace

std::optional<bool> null_test(const model::QueryStats& query, const std::string& column) {
  const std::string_view sql = query.normalized.empty() ? query.example : query.normalized;
  const std::regex pattern("(^|[^A-Za-z0-9_])\"?" + regex_escape(column) + "\"?\\s+IS\\s+(NOT\\s+)?NULL",
                           std::regex::icase);
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_search(sql.begin(), sql.end(), match, pattern)) {
    return std::nullopt;
  }
  return !match[2].matched;
}

std::vector<const model::Index*> usable_indexes(const model::Catalog& catalog, const model::Table& table) {
  std::vector<const model::Index*> out;
  const model::Table* current = &table;
  for (int depth = 0; current != nullptr && depth < 32; ++depth) { // bounded: a bad catalog may loop
    for (const model::Index& index : current->indexes) {
      out.push_back(&index);
    }
    current = partition_parent(catalog, *current);
  }
  return out;
}

std::vector<QueryIndexCandidate> query_index_candidates(const model::QueryStats& query,
                                                        const model::Catalog& catalog) {
  std::vector<QueryIndexCandidate> out;
  if (!query.parsed) {
    return out;
  }
  const model::QueryShape& shape = query.shape;
  for (const model::TableUse& use : shape.tables) {
    const model::Table* table = find_table(&catalog, use.schema, use.name);
    if (table == nullptr) {
      continue;
    }
    Uses uses;
    for (const model::ColumnUsage& usage : shape.columns) {
      const bool same_table =
          usage.table == use.name && (usage.schema.empty() || usage.schema == table->schema);
      if (same_table && table->find_column(usage.column) != nullptr) {
        classify(*table, usage, uses);
      }
    }
    const bool sorted_limit = shape.has_limit && !uses.order_by.empty();
    // A soft-delete or flag test alone is no index's key.
    if (uses.correlation.empty() && uses.equality.empty() && uses.join.empty() && uses.range.empty() &&
        !sorted_limit) {
      continue;
    }
    out.push_back(build(catalog, *table, uses, query));
  }
  return out;
}

} // namespace pgadvise::advisor
