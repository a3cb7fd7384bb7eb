#include "loaders/live/catalog_sql.hpp"
#include "loaders/live/state.hpp"

namespace pgadvise::loaders::live {

namespace {

// Statistics are extras: a failure leaves the catalog without them and says
// so in the notes, rather than losing the schema.
bool fetched(LoadState& state, const pg::DbResult<pg::QueryResult>& result, std::string_view without) {
  if (result.ok()) {
    return true;
  }
  state.load.notes.push_back("live catalog: " + result.error().to_string() + "; continuing without " +
                             std::string(without));
  return false;
}

void load_table_counters(LoadState& state) {
  auto result = run(state, live_sql::table_counters(), "table statistics");
  if (!fetched(state, result, "table usage counters")) {
    return;
  }
  for (std::size_t row = 0; row < result->rows.size(); ++row) {
    model::Table* table = state.table(result->get(row, "oid"));
    if (table == nullptr || !table->stats) {
      continue;
    }
    model::TableStats& stats = *table->stats;
    stats.has_counters = true;
    stats.seq_scan = integer(*result, row, "seq_scan");
    stats.seq_tup_read = integer(*result, row, "seq_tup_read");
    stats.idx_scan = integer(*result, row, "idx_scan");
    stats.idx_tup_fetch = integer(*result, row, "idx_tup_fetch");
    stats.n_tup_ins = integer(*result, row, "n_tup_ins");
    stats.n_tup_upd = integer(*result, row, "n_tup_upd");
    stats.n_tup_del = integer(*result, row, "n_tup_del");
    stats.n_live_tup = integer(*result, row, "n_live_tup");
    stats.n_dead_tup = integer(*result, row, "n_dead_tup");
  }
}

void load_index_counters(LoadState& state) {
  auto result = run(state, live_sql::index_counters(state.version), "index statistics");
  if (!fetched(state, result, "index usage counters")) {
    return;
  }
  for (std::size_t row = 0; row < result->rows.size(); ++row) {
    const std::string oid = text(*result, row, "oid");
    model::Index* index = state.index(result->get(row, "oid"));
    if (index == nullptr) {
      continue;
    }
    index->stats = model::IndexStats{};
    index->stats->size_bytes = state.index_pages_bytes[oid]; // until exact sizes are read
    index->stats->idx_scan = integer(*result, row, "idx_scan");
    index->stats->idx_tup_read = integer(*result, row, "idx_tup_read");
    index->stats->last_idx_scan = text(*result, row, "last_idx_scan");
  }
}

void load_sizes(LoadState& state) {
  auto result = run(state, live_sql::relation_sizes(), "sizes");
  if (!fetched(state, result, "exact sizes (estimated from relpages instead)")) {
    return;
  }
  for (std::size_t row = 0; row < result->rows.size(); ++row) {
    const pg::Value& oid = result->get(row, "oid");
    const std::int64_t bytes = integer(*result, row, "bytes");
    if (model::Table* table = state.table(oid); table != nullptr && table->stats) {
      table->stats->table_bytes = bytes;
    } else if (model::Index* index = state.index(oid); index != nullptr && index->stats) {
      index->stats->size_bytes = bytes;
    }
  }
}

void load_column_stats(LoadState& state) {
  auto result = run(state, live_sql::column_stats(), "column statistics");
  if (!fetched(state, result, "column statistics (pg_stats)")) {
    return;
  }
  for (std::size_t row = 0; row < result->rows.size(); ++row) {
    model::Table* table = state.table(result->get(row, "table_oid"));
    model::Column* column = table == nullptr ? nullptr : table->find_column(text(*result, row, "name"));
    if (column == nullptr) {
      continue;
    }
    model::ColumnStats stats;
    stats.null_frac = number(*result, row, "null_frac");
    stats.n_distinct = number(*result, row, "n_distinct");
    stats.most_common_vals = text(*result, row, "most_common_vals");
    stats.most_common_freqs = text(*result, row, "most_common_freqs");
    if (!is_null(*result, row, "correlation")) {
      stats.correlation = number(*result, row, "correlation");
    }
    column->stats = std::move(stats);
  }
}

} // namespace

void load_statistics(LoadState& state) {
  // Counters are read first and together, so they describe one moment.
  load_table_counters(state);
  load_index_counters(state);
  load_sizes(state);
  load_column_stats(state);
}

} // namespace pgadvise::loaders::live
