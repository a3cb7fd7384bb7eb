#include "model/catalog.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace pgadvise::model {

std::vector<std::string> Index::leading_columns() const {
  std::vector<std::string> out;
  for (const IndexKey& key : keys) {
    if (key.column.empty()) {
      break;
    }
    out.push_back(key.column);
  }
  return out;
}

bool Index::has_expressions() const {
  return std::any_of(keys.begin(), keys.end(), [](const IndexKey& k) { return k.column.empty(); });
}

std::string_view to_string(FkAction action) {
  switch (action) {
  case FkAction::no_action: return "no action";
  case FkAction::restrict: return "restrict";
  case FkAction::cascade: return "cascade";
  case FkAction::set_null: return "set null";
  case FkAction::set_default: return "set default";
  }
  return "no action";
}

std::string_view to_string(SchemaSource source) {
  switch (source) {
  case SchemaSource::none: return "none";
  case SchemaSource::sql_replay: return "sql";
  case SchemaSource::drizzle_snapshot: return "drizzle-snapshot";
  case SchemaSource::drizzle_schema: return "drizzle-schema";
  case SchemaSource::live: return "live";
  }
  return "none";
}

const Column* Table::find_column(std::string_view column) const {
  auto it = std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return c.name == column; });
  return it == columns.end() ? nullptr : &*it;
}

Column* Table::find_column(std::string_view column) {
  return const_cast<Column*>(std::as_const(*this).find_column(column)); // NOLINT
}

const Index* Table::primary_key() const {
  auto it = std::find_if(indexes.begin(), indexes.end(),
                         [](const Index& i) { return i.kind == IndexKind::primary_key; });
  return it == indexes.end() ? nullptr : &*it;
}

const Index* Table::find_index(std::string_view index_name) const {
  auto it =
      std::find_if(indexes.begin(), indexes.end(), [&](const Index& i) { return i.name == index_name; });
  return it == indexes.end() ? nullptr : &*it;
}

namespace {

std::size_t table_key(std::string_view schema, std::string_view name) {
  const std::hash<std::string_view> hash;
  return hash(schema) * 31 ^ hash(name);
}

// find_table's index: (schema, name) hash -> positions in Catalog::tables,
// built on first use and extended as tables are appended, so a lookup costs
// a hash instead of a scan of every table (rules look a table up per
// foreign key: the scan made a 10,000-table schema quadratic).
struct TableIndex {
  std::unordered_multimap<std::size_t, std::size_t> positions;
  std::size_t indexed = 0; // tables[0, indexed) were added to positions
  // The first table indexed, and its name: another catalog built at the
  // same address (whose first tables the index never saw) starts afresh.
  const Table* first = nullptr;
  core::InternedText first_name;
};

// The indexes live here, by catalog address, rather than in Catalog:
// `tables` is a public vector that loaders fill, rename and reorder in
// place, so no index can trust itself. Instead a hit is checked against the
// table it names and a miss is confirmed by the scan the index replaces
// (misses are rare: a foreign key names an existing table), which rebuilds
// a stale index. A catalog destroyed and another built at its address only
// costs that rebuild. Few catalogs are alive at once; the oldest indexes
// are dropped past k_max_indexes. Rules run in parallel: one mutex.
constexpr std::size_t k_max_indexes = 8;

struct TableIndexes {
  std::mutex mutex;
  std::vector<std::pair<const Catalog*, TableIndex>> by_catalog; // oldest first
};

TableIndexes& table_indexes() {
  static TableIndexes indexes;
  return indexes;
}

const Table* scan_tables(const Tables& tables, std::string_view schema, std::string_view name) {
  auto it = std::find_if(tables.begin(), tables.end(),
                         [&](const Table& t) { return t.schema == schema && t.name == name; });
  return it == tables.end() ? nullptr : &*it;
}

void extend(TableIndex& index, const Tables& tables) {
  if (index.indexed > tables.size() ||
      (index.indexed > 0 && (index.first != &tables.front() || index.first_name != tables.front().name))) {
    index = TableIndex{}; // tables were removed (positions moved), or another catalog
  }
  if (index.indexed < tables.size()) {
    if (index.indexed == 0) {
      index.first = &tables.front();
      index.first_name = tables.front().name;
    }
    index.positions.reserve(tables.size());
    for (std::size_t i = index.indexed; i < tables.size(); ++i) {
      index.positions.emplace(table_key(tables[i].schema, tables[i].name), i);
    }
    index.indexed = tables.size();
  }
}

const Table* find_indexed(const TableIndex& index, const Tables& tables, std::string_view schema,
                          std::string_view name) {
  // The first match in table order, as the scan returns (by position: a
  // deque's blocks are not in address order).
  const Table* found = nullptr;
  std::size_t found_at = 0;
  const auto [first, last] = index.positions.equal_range(table_key(schema, name));
  for (auto it = first; it != last; ++it) {
    const Table& table = tables[it->second];
    if (table.name == name && table.schema == schema && (found == nullptr || it->second < found_at)) {
      found = &table;
      found_at = it->second;
    }
  }
  return found;
}

} // namespace

const Table* Catalog::find_table(std::string_view schema, std::string_view name) const {
  TableIndexes& indexes = table_indexes();
  const std::lock_guard<std::mutex> lock(indexes.mutex);
  auto entry = std::find_if(indexes.by_catalog.begin(), indexes.by_catalog.end(),
                            [this](const auto& item) { return item.first == this; });
  if (entry == indexes.by_catalog.end()) {
    if (indexes.by_catalog.size() >= k_max_indexes) {
      indexes.by_catalog.erase(indexes.by_catalog.begin());
    }
    indexes.by_catalog.emplace_back(this, TableIndex{});
    entry = std::prev(indexes.by_catalog.end());
  }
  TableIndex& index = entry->second;
  extend(index, tables);
  if (const Table* hit = find_indexed(index, tables, schema, name); hit != nullptr) {
    return hit;
  }
  const Table* scanned = scan_tables(tables, schema, name);
  if (scanned != nullptr) { // renamed or replaced in place: index again
    index = TableIndex{};
    extend(index, tables);
  }
  return scanned;
}

Table* Catalog::find_table(std::string_view schema, std::string_view name) {
  return const_cast<Table*>(std::as_const(*this).find_table(schema, name)); // NOLINT
}

const Enum* Catalog::find_enum(std::string_view schema, std::string_view name) const {
  auto it = std::find_if(enums.begin(), enums.end(),
                         [&](const Enum& e) { return e.schema == schema && e.name == name; });
  return it == enums.end() ? nullptr : &*it;
}

const Domain* Catalog::find_domain(std::string_view schema, std::string_view name) const {
  auto it = std::find_if(domains.begin(), domains.end(),
                         [&](const Domain& d) { return d.schema == schema && d.name == name; });
  return it == domains.end() ? nullptr : &*it;
}

Table* Catalog::find_index_owner(std::string_view schema, std::string_view index_name) {
  for (Table& table : tables) {
    if (table.schema == schema && table.find_index(index_name) != nullptr) {
      return &table;
    }
  }
  return nullptr;
}

bool Catalog::has_schema(std::string_view schema) const {
  return std::find(schemas.begin(), schemas.end(), schema) != schemas.end();
}

bool Catalog::remove_table(std::string_view schema, std::string_view name) {
  auto it = std::find_if(tables.begin(), tables.end(),
                         [&](const Table& t) { return t.schema == schema && t.name == name; });
  if (it == tables.end()) {
    return false;
  }
  tables.erase(it);
  return true;
}

TypeRef Catalog::resolve_type(const TypeRef& type) const {
  const Domain* domain = find_domain(type.schema.empty() ? "public" : type.schema, type.name);
  if (domain == nullptr) {
    return type;
  }
  TypeRef base = domain->base;
  base.array_dims += type.array_dims;
  return base;
}

void ColumnSequence::drop_defaults(std::string_view table, std::string_view column) {
  if (name == std::string(table) + "_" + std::string(column) + "_seq") {
    name.clear();
  }
  const std::int64_t step = increment.value_or(1);
  if (start && step > 0 && *start == min_value.value_or(1)) {
    start.reset();
  }
  if (increment == 1) {
    increment.reset();
  }
  if (min_value == 1) {
    min_value.reset();
  }
  if (max_value == std::numeric_limits<std::int16_t>::max() ||
      max_value == std::numeric_limits<std::int32_t>::max() ||
      max_value == std::numeric_limits<std::int64_t>::max()) {
    max_value.reset();
  }
  if (cache == 1) {
    cache.reset();
  }
}

void keep_declared_options(const Table& table, Column& column) {
  if (column.sequence() == nullptr) {
    return;
  }
  ColumnSequence& sequence = column.sequence_facts();
  sequence.drop_defaults(table.name.str(), column.name.str());
  if (!sequence.has_options() && !sequence.last_value) {
    column.clear_sequence();
  }
}
const std::string& Column::property() const {
  static const std::string none;
  return m_extras ? m_extras->property.str() : none;
}

void Column::set_property(std::string property) {
  if (property.empty() && !m_extras) {
    return;
  }
  extras().property = std::move(property);
  drop_empty_extras();
}

std::string MigrationStep::transaction_text() const {
  switch (transaction) {
  case MigrationTransaction::none: return {};
  case MigrationTransaction::block:
    return "the transaction block BEGIN opens at line " + std::to_string(transaction_line);
  case MigrationTransaction::drizzle_kit:
    return "the transaction drizzle-kit migrate wraps around all pending migrations";
  case MigrationTransaction::goose:
    return "the transaction goose wraps around each migration (the file has no -- +goose NO TRANSACTION)";
  case MigrationTransaction::dbmate:
    return "the transaction dbmate wraps around each migration (its -- migrate:up line has no "
           "transaction:false)";
  case MigrationTransaction::prisma:
    return "the one transaction PostgreSQL runs this Prisma migration in (Prisma Migrate sends a file's "
           "statements as one query; a file of one statement runs without one)";
  }
  return {};
}

} // namespace pgadvise::model
