#include "advisor/index_set_candidates.hpp"

#include "advisor/expression_index.hpp"
#include "advisor/index_match.hpp"
#include "advisor/query_evidence.hpp"
#include "advisor/query_index_candidate.hpp"
#include "core/text.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::advisor {

namespace {

using model::ColumnUse;

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (!contains(list, item)) {
    list.push_back(item);
  }
}

SetKey column_key(const std::string& column) {
  SetKey key;
  key.column = column;
  key.name_parts = {column};
  key.reads = {column};
  return key;
}

SetKey set_key_of(const ExpressionIndexCandidate& expression) {
  SetKey key;
  key.element = expression.element;
  key.drizzle_key = expression.drizzle_key;
  key.name_parts = expression.name_parts;
  key.reads = expression.columns;
  return key;
}

bool too_small(const model::Table& table, const CandidateOptions& options) {
  return table.stats && table.stats->reltuples >= 0 && table.stats->reltuples < options.min_table_rows;
}

// An existing valid index answers everything the candidate would: the same
// definition, or the candidate is a left prefix of it.
bool answered_by_existing(const model::Catalog& catalog, const SetCandidate& candidate) {
  const model::Index wanted = candidate.as_index();
  for (const model::Index* existing : usable_indexes(catalog, *candidate.table)) {
    if (!existing->valid) {
      continue;
    }
    if (same_definition(wanted, *existing) || is_left_prefix_of(wanted, *existing)) {
      return true;
    }
  }
  return false;
}

// The candidate's keys start with every key of an existing unique index (a
// primary key too): a lookup through it finds at most one row, so the
// candidate could only save that row's heap fetch with an index-only scan.
// The planner prices that fetch as a random read; on a hot row it is a
// cached page, and a copy of the key's index is not worth its size and
// writes.
bool extends_unique_key(const model::Catalog& catalog, const SetCandidate& candidate) {
  const std::vector<std::string> keys = candidate.key_columns();
  for (const model::Index* existing : usable_indexes(catalog, *candidate.table)) {
    if (!existing->valid || !existing->unique || existing->is_partial() || existing->has_expressions() ||
        existing->keys.empty() || existing->keys.size() > keys.size()) {
      continue;
    }
    const std::vector<std::string> unique = existing->leading_columns();
    if (unique.size() == existing->keys.size() &&
        std::is_permutation(unique.begin(), unique.end(), keys.begin(),
                            keys.begin() + static_cast<std::ptrdiff_t>(unique.size()))) {
      return true;
    }
  }
  return false;
}

// How one query uses one table: the columns by role. A correlated
// sub-select's column compared with the outer query's (ColumnUse::
// correlation) leads its keys: the sub-select runs once per outer row with
// it bound. IS [NOT] NULL tests and boolean flags are never keys: they keep
// most rows (soft deletes, flags) and belong in a partial predicate, which
// the per-query composite makes when pg_stats says the test is selective.
struct TableUses {
  std::vector<std::string> correlation;
  std::vector<std::string> equality; // =, IN
  std::vector<std::string> range;
  std::vector<std::string> join;
  std::vector<std::string> order_by;  // only under a LIMIT
  std::vector<std::string> reads;     // every column the statement reads from the table
  std::vector<std::string> documents; // read as JSON (casts, JSON operators): never covered
  bool star = false;
};

bool is_flag(const model::Table& table, const std::string& column) {
  const model::Column* found = table.find_column(column);
  if (found == nullptr) {
    return false;
  }
  const std::string type = core::to_lower(found->type.name);
  return type == "boolean" || type == "bool";
}

// A column whose values have no useful bound: JSON, XML, bytes, full-text
// vectors, arrays.
bool is_document(const model::Table& table, const std::string& column) {
  const model::Column* found = table.find_column(column);
  if (found == nullptr) {
    return false;
  }
  const std::string type = core::to_lower(found->type.name);
  return found->type.is_array() || type == "json" || type == "jsonb" || type == "xml" || type == "bytea" ||
         type == "tsvector";
}

TableUses uses_of(const model::QueryStats& query, const pg::ColumnReads& reads, const model::Table& table,
                  const model::TableUse& use) {
  TableUses uses;
  const auto same_table = [&](const model::ColumnUsage& usage) {
    return usage.table == use.name && (usage.schema.empty() || usage.schema == table.schema) &&
           table.find_column(usage.column) != nullptr;
  };
  for (const model::ColumnUsage& usage : query.shape.columns) {
    if (!same_table(usage)) {
      continue;
    }
    add_unique(uses.reads, usage.column);
    // Not a switch: LIKE and JSON uses, null tests and flags only read the column.
    const ColumnUse kind = usage.use;
    if (kind == ColumnUse::json_cast || kind == ColumnUse::json_operator) {
      add_unique(uses.documents, usage.column);
    }
    if (kind == ColumnUse::is_null || is_flag(table, usage.column)) {
      continue;
    }
    if (kind == ColumnUse::correlation) {
      add_unique(uses.correlation, usage.column);
    } else if (kind == ColumnUse::equality || kind == ColumnUse::in_list) {
      add_unique(uses.equality, usage.column);
    } else if (kind == ColumnUse::range) {
      add_unique(uses.range, usage.column);
    } else if (kind == ColumnUse::join) {
      add_unique(uses.join, usage.column);
    } else if (kind == ColumnUse::order_by && query.shape.has_limit) {
      add_unique(uses.order_by, usage.column);
    }
  }
  for (const model::ColumnUsage& usage : reads.reads) {
    if (same_table(usage)) {
      add_unique(uses.reads, usage.column);
    }
  }
  // SELECT * reads every column: no index holds them all.
  uses.star = reads.star && query.shape.tables.size() == 1;
  return uses;
}

class Generator {
public:
  Generator(const model::Catalog& catalog, const CandidateOptions& options, CandidatePool& pool)
      : m_catalog(catalog), m_options(options), m_pool(pool) {}

  void query(const model::QueryStats& query, std::size_t position) {
    m_pool.relevant.resize(std::max(m_pool.relevant.size(), position + 1));
    if (!query.parsed) {
      return;
    }
    const pg::ColumnReads reads =
        pg::column_reads_text(query.example.empty() ? query.normalized : query.example);
    std::vector<const model::Table*> tables;
    std::vector<const model::Table*> read; // small ones too
    for (const model::TableUse& use : query.shape.tables) {
      const model::Table* table = find_table(&m_catalog, use.schema, use.name);
      if (table == nullptr || std::find(read.begin(), read.end(), table) != read.end()) {
        continue;
      }
      read.push_back(table);
      if (too_small(*table, m_options)) {
        continue;
      }
      tables.push_back(table);
      const TableUses uses = uses_of(query, reads, *table, use);
      table_candidates(query, position, *table, uses);
    }
    foreign_key_candidates(position, read);
    for (ExpressionIndexCandidate& expression : expression_index_candidates(query, m_catalog)) {
      if (std::find(tables.begin(), tables.end(), expression.table) == tables.end()) {
        continue; // a table too small, or not read by name
      }
      m_expressions[expression.table].emplace_back(std::move(expression), &query);
    }
    for (auto& [table, found] : m_expressions) {
      expression_candidates(query, position, *table, found);
    }
    m_expressions.clear();
  }

private:
  const model::Catalog& m_catalog;
  const CandidateOptions& m_options;
  CandidatePool& m_pool;
  std::map<const model::Table*, std::vector<std::pair<ExpressionIndexCandidate, const model::QueryStats*>>>
      m_expressions;

  void offer(SetCandidate candidate, std::size_t position) {
    // PostgreSQL's INDEX_MAX_KEYS is 32 (keys and INCLUDE together).
    if (candidate.keys.empty() || candidate.keys.size() + candidate.include.size() > 32 ||
        redundant_with_existing(m_catalog, candidate)) {
      return;
    }
    const std::size_t id = m_pool.add(std::move(candidate));
    std::vector<std::size_t>& relevant = m_pool.relevant[position];
    if (std::find(relevant.begin(), relevant.end(), id) == relevant.end()) {
      relevant.push_back(id);
    }
  }

  // A query that reads a table and the table its foreign key references
  // joins them on that key, whether or not its columns were named with
  // their tables (TPC-H's `FROM supplier, nation WHERE s_nationkey =
  // n_nationkey`): the foreign key's columns are a join candidate, the
  // index unindexed-foreign-key proposes. Tables under min_table_rows
  // too (TPC-H's 25-row nation, and supplier's key to it): the per-finding
  // advice proposes those keys whatever the size, and the set is to do at
  // least what it does; the what-if costs judge them.
  void foreign_key_candidates(std::size_t position, const std::vector<const model::Table*>& tables) {
    for (const model::Table* table : tables) {
      for (const model::ForeignKey& fk : table->foreign_keys) {
        const bool joined = std::any_of(tables.begin(), tables.end(), [&](const model::Table* other) {
          return other != table && other->name == fk.ref_table &&
                 (fk.ref_schema.empty() || other->schema == fk.ref_schema);
        });
        if (!joined || fk.columns.empty() || fk.columns.size() > m_options.max_width) {
          continue;
        }
        SetCandidate candidate;
        candidate.table = table;
        for (const std::string& column : fk.columns) {
          candidate.keys.push_back(column_key(column));
        }
        offer(std::move(candidate), position);
      }
    }
  }

  void growth(const model::Table& table, const SetKey& key, const std::vector<SetKey>& with) {
    std::vector<CandidatePool::Growth>& list = m_pool.growth[table_key(table)];
    auto found = std::find_if(list.begin(), list.end(), [&](const auto& g) { return g.key == key; });
    if (found == list.end()) {
      list.push_back({key, {}});
      found = std::prev(list.end());
    }
    for (const SetKey& other : with) {
      if (!(other == key)) {
        add_unique(found->with, other.sql());
      }
    }
  }

  void table_candidates(const model::QueryStats& query, std::size_t position, const model::Table& table,
                        const TableUses& uses) {
    std::vector<std::string> filters = uses.correlation;
    for (const std::string& column : uses.equality) {
      add_unique(filters, column);
    }
    for (const std::string& column : uses.range) {
      add_unique(filters, column);
    }
    // A join key counts where the table is not filtered (the inner side of
    // a join), and beside a filter too: (tag_id, post_id) answers `WHERE
    // tag_id = $1` joined on post_id from the index alone.
    std::vector<std::string> keys = filters;
    for (const std::string& column : uses.join) {
      add_unique(keys, column);
    }
    for (const std::string& column : uses.order_by) {
      add_unique(keys, column);
    }
    std::vector<SetKey> used;
    for (const std::string& column : keys) {
      used.push_back(column_key(column));
    }
    std::vector<SetKey> growth_keys = used;
    if (!uses.star) {
      for (const std::string& column : uses.reads) {
        if (!contains(keys, column)) {
          growth_keys.push_back(column_key(column));
        }
      }
    }
    for (const SetKey& key : growth_keys) {
      growth(table, key, used);
    }
    // Alone.
    for (const SetKey& key : used) {
      SetCandidate single;
      single.table = &table;
      single.keys = {key};
      offer(std::move(single), position);
    }
    // The per-finding advisor's composite for this query and table, with its
    // partial predicate, and the same made covering.
    for (const IndexCandidate& composite : candidates_for_query(query, m_catalog, m_options.advisor)) {
      if (composite.table != table.name || composite.schema != table.schema) {
        continue;
      }
      SetCandidate candidate;
      candidate.table = &table;
      for (const std::string& column : composite.columns) {
        candidate.keys.push_back(column_key(column));
      }
      candidate.predicate = composite.predicate;
      covering(candidate, uses, position);
      offer(std::move(candidate), position);
    }
    // Filter columns then join keys: the join table's (tag_id, post_id).
    if (!filters.empty() && !uses.join.empty()) {
      SetCandidate candidate;
      candidate.table = &table;
      for (const std::string& column : keys) {
        candidate.keys.push_back(column_key(column));
        if (candidate.keys.size() >= m_options.max_width) {
          break;
        }
      }
      offer(std::move(candidate), position);
    }
  }

  // The composite with the other columns the query reads from the table,
  // when few are missing: the query is then answered from the index alone.
  // Not when one of them is a document (JSON, XML, bytes, an array, or text
  // the query reads as JSON): its values have no bound, and a btree entry
  // over about 2.7 kB makes that row's INSERT or UPDATE fail ("index row size
  // exceeds btree maximum"), for an index-only scan the plain composite
  // nearly matches.
  void covering(const SetCandidate& composite, const TableUses& uses, std::size_t position) {
    if (uses.star) {
      return;
    }
    std::vector<std::string> missing;
    for (const std::string& column : uses.reads) {
      const bool held = std::any_of(composite.keys.begin(), composite.keys.end(),
                                    [&](const SetKey& key) { return key.column == column; });
      if (!held) {
        missing.push_back(column);
      }
    }
    const bool document = std::any_of(missing.begin(), missing.end(), [&](const std::string& column) {
      return contains(uses.documents, column) || is_document(*composite.table, column);
    });
    if (document || missing.empty() || missing.size() > m_options.max_covering ||
        composite.keys.size() + missing.size() > m_options.max_width) {
      return;
    }
    SetCandidate candidate = composite;
    for (const std::string& column : missing) {
      if (m_options.drizzle) {
        candidate.keys.push_back(column_key(column));
      } else {
        candidate.include.push_back(column);
      }
    }
    offer(std::move(candidate), position);
  }

  void
  expression_candidates(const model::QueryStats& query, std::size_t position, const model::Table& table,
                        std::vector<std::pair<ExpressionIndexCandidate, const model::QueryStats*>>& found) {
    std::vector<SetKey> btree;
    for (const auto& [expression, from] : found) {
      if (expression.method != "btree") {
        uncosted(expression, query.fingerprint);
        continue;
      }
      if (expression.covered) {
        continue;
      }
      btree.push_back(set_key_of(expression));
    }
    for (const SetKey& key : btree) {
      growth(table, key, btree);
      SetCandidate single;
      single.table = &table;
      single.keys = {key};
      offer(std::move(single), position);
    }
    if (btree.size() >= 2) {
      SetCandidate together;
      together.table = &table;
      together.keys.assign(btree.begin(), btree.begin() + static_cast<std::ptrdiff_t>(
                                                              std::min(btree.size(), m_options.max_width)));
      offer(std::move(together), position);
    }
  }

  void uncosted(const ExpressionIndexCandidate& expression, std::uint64_t fingerprint) {
    if (expression.covered) {
      return;
    }
    SetCandidate candidate;
    candidate.table = expression.table;
    candidate.keys = {set_key_of(expression)};
    candidate.method = expression.method;
    auto host = std::find_if(m_pool.not_costed.begin(), m_pool.not_costed.end(), [&](const auto& held) {
      return held.candidate.table == candidate.table &&
             held.candidate.keys.front().reads == expression.columns &&
             held.candidate.method == candidate.method;
    });
    if (host == m_pool.not_costed.end()) {
      m_pool.not_costed.push_back({std::move(candidate), {}});
      host = std::prev(m_pool.not_costed.end());
    } else if (host->candidate.keys.front().element.find(" jsonb_path_ops") != std::string::npos &&
               expression.element.find(" jsonb_path_ops") == std::string::npos) {
      host->candidate.keys.front() = set_key_of(expression); // jsonb_ops serves both
    }
    if (std::find(host->serves.begin(), host->serves.end(), fingerprint) == host->serves.end()) {
      host->serves.push_back(fingerprint);
    }
  }
};

} // namespace

bool redundant_with_existing(const model::Catalog& catalog, const SetCandidate& candidate) {
  return answered_by_existing(catalog, candidate) || extends_unique_key(catalog, candidate);
}

std::string SetKey::sql() const {
  return column.empty() ? element : core::quote_ident(column);
}

std::string SetCandidate::identity() const {
  std::string out = table == nullptr ? std::string() : table_key(*table);
  out += '\x1f' + method + '\x1f';
  for (const SetKey& key : keys) {
    out += key.sql() + '\x1e';
  }
  out += '\x1f';
  for (const std::string& column : include) {
    out += column + '\x1e';
  }
  return out + '\x1f' + normalize_sql(predicate);
}

std::vector<std::string> SetCandidate::columns() const {
  std::vector<std::string> out;
  for (const SetKey& key : keys) {
    for (const std::string& column : key.reads) {
      add_unique(out, column);
    }
  }
  for (const std::string& column : include) {
    add_unique(out, column);
  }
  if (!predicate.empty() && table != nullptr) {
    for (const model::Column& column : table->columns) {
      if (predicate.find(column.name) != std::string::npos) {
        add_unique(out, column.name);
      }
    }
  }
  return out;
}

std::vector<std::string> SetCandidate::key_columns() const {
  std::vector<std::string> out;
  for (const SetKey& key : keys) {
    if (key.column.empty()) {
      break;
    }
    out.push_back(key.column);
  }
  return out;
}

bool SetCandidate::plain() const {
  return std::all_of(keys.begin(), keys.end(), [](const SetKey& key) { return !key.column.empty(); });
}

model::Index SetCandidate::as_index(std::string name) const {
  model::Index index;
  index.name = std::move(name);
  index.method = method;
  index.predicate = predicate;
  index.include = include;
  for (const SetKey& key : keys) {
    model::IndexKey part;
    part.column = key.column;
    part.expression = key.column.empty() ? key.element : std::string();
    index.keys.push_back(std::move(part));
  }
  return index;
}

std::string SetCandidate::create_sql(std::string_view name) const {
  std::vector<std::string> elements;
  for (const SetKey& key : keys) {
    elements.push_back(key.sql());
  }
  std::string sql =
      "CREATE INDEX " + core::quote_ident(name) + " ON " + core::qualified_name(table->schema, table->name) +
      (method == "btree" ? std::string() : " USING " + method) + " (" + core::join(elements, ", ") + ")";
  if (!include.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& column : include) {
      quoted.push_back(core::quote_ident(column));
    }
    sql += " INCLUDE (" + core::join(quoted, ", ") + ")";
  }
  if (!predicate.empty()) {
    sql += " WHERE " + predicate;
  }
  return sql;
}

std::size_t CandidatePool::add(SetCandidate candidate) {
  const std::string key = candidate.identity();
  const auto [it, added] = m_ids.emplace(key, m_list.size());
  if (added) {
    m_list.push_back(std::move(candidate));
  }
  return it->second;
}

std::optional<std::size_t> CandidatePool::find(const SetCandidate& candidate) const {
  const auto it = m_ids.find(candidate.identity());
  return it == m_ids.end() ? std::nullopt : std::optional<std::size_t>(it->second);
}

std::string table_key(const model::Table& table) {
  return table.schema + "." + table.name;
}

std::optional<SetCandidate> grow(const SetCandidate& candidate, const SetKey& key, std::size_t max_width) {
  if (candidate.method != "btree" || candidate.keys.size() + candidate.include.size() >= max_width ||
      std::find(candidate.keys.begin(), candidate.keys.end(), key) != candidate.keys.end()) {
    return std::nullopt;
  }
  SetCandidate grown = candidate;
  grown.keys.push_back(key);
  if (!key.column.empty()) {
    grown.include.erase(std::remove(grown.include.begin(), grown.include.end(), key.column),
                        grown.include.end());
  }
  return grown;
}

bool overlapping(const SetCandidate& a, const SetCandidate& b) {
  if (a.table != b.table || a.method != "btree" || b.method != "btree" ||
      normalize_sql(a.predicate) != normalize_sql(b.predicate)) {
    return false;
  }
  const SetCandidate& shorter = a.keys.size() <= b.keys.size() ? a : b;
  const SetCandidate& longer = a.keys.size() <= b.keys.size() ? b : a;
  if (shorter.keys.empty() ||
      !std::equal(shorter.keys.begin(), shorter.keys.end(), longer.keys.begin(),
                  [](const SetKey& x, const SetKey& y) { return x.sql() == y.sql(); })) {
    return false;
  }
  const std::vector<std::string> in_a = a.columns();
  const std::vector<std::string> in_b = b.columns();
  const auto within = [](const std::vector<std::string>& part, const std::vector<std::string>& whole) {
    return std::all_of(part.begin(), part.end(), [&](const std::string& column) {
      return std::find(whole.begin(), whole.end(), column) != whole.end();
    });
  };
  return within(in_a, in_b) || within(in_b, in_a);
}

std::optional<SetCandidate> merged(const SetCandidate& a, const SetCandidate& b, std::size_t max_width) {
  if (!overlapping(a, b)) {
    return std::nullopt;
  }
  SetCandidate out = a.keys.size() >= b.keys.size() ? a : b;
  const SetCandidate& other = a.keys.size() >= b.keys.size() ? b : a;
  for (const std::string& column : other.include) {
    const bool keyed = std::any_of(out.keys.begin(), out.keys.end(),
                                   [&](const SetKey& key) { return key.column == column; });
    if (!keyed) {
      add_unique(out.include, column);
    }
  }
  if (out.keys.size() + out.include.size() > max_width) {
    return std::nullopt;
  }
  return out;
}

CandidatePool generate_candidates(const std::vector<const model::QueryStats*>& queries,
                                  const model::Catalog& catalog, const CandidateOptions& options) {
  CandidatePool pool;
  CandidateOptions same = options; // each query's composite judged on the same tables
  same.advisor.min_table_rows = options.min_table_rows;
  Generator generator(catalog, same, pool);
  for (std::size_t i = 0; i < queries.size(); ++i) {
    generator.query(*queries[i], i);
  }
  pool.relevant.resize(queries.size());
  return pool;
}

} // namespace pgadvise::advisor
