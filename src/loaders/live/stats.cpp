#include "loaders/live/catalog_sql.hpp"
#include "loaders/live/state.hpp"

namespace pgadvise::loaders::live {

namespace {

void load_table_counters(LoadState& state) {
  const auto read = [](model::Table& table, const pg::QueryResult& result, std::size_t row) {
    if (!table.stats) {
      return;
    }
    model::TableStats& stats = *table.stats;
    stats.has_counters = true;
    stats.seq_scan = integer(result, row, "seq_scan");
    stats.seq_tup_read = integer(result, row, "seq_tup_read");
    stats.idx_scan = integer(result, row, "idx_scan");
    stats.idx_tup_fetch = integer(result, row, "idx_tup_fetch");
    stats.n_tup_ins = integer(result, row, "n_tup_ins");
    stats.n_tup_upd = integer(result, row, "n_tup_upd");
    stats.n_tup_del = integer(result, row, "n_tup_del");
    stats.n_live_tup = integer(result, row, "n_live_tup");
    stats.n_dead_tup = integer(result, row, "n_dead_tup");
  };
  each_row_or_note(state, live_sql::table_counters(), "table statistics", "table usage counters",
                   on_table(state, "oid", read));
}

void load_index_counters(LoadState& state) {
  const auto read = [&state](model::Index& index, const pg::QueryResult& result, std::size_t row) {
    model::IndexStats stats;
    stats.size_bytes = state.index_pages_bytes[text(result, row, "oid")]; // until exact sizes are read
    stats.idx_scan = integer(result, row, "idx_scan");
    stats.idx_tup_read = integer(result, row, "idx_tup_read");
    stats.last_idx_scan = text(result, row, "last_idx_scan");
    index.stats = std::move(stats);
  };
  each_row_or_note(state, live_sql::index_counters(state.version), "index statistics", "index usage counters",
                   on_index(state, "oid", read));
}

void load_sizes(LoadState& state) {
  const auto read = [&state](const pg::QueryResult& result, std::size_t row) {
    const pg::Value& oid = result.get(row, "oid");
    const std::int64_t bytes = integer(result, row, "bytes");
    if (model::Table* table = state.table(oid); table != nullptr && table->stats) {
      table->stats->table_bytes = bytes;
    } else if (model::Index* index = state.index(oid); index != nullptr && index->stats) {
      index->stats->size_bytes = bytes;
    }
  };
  each_row_or_note(state, live_sql::relation_sizes(), "sizes",
                   "exact sizes (estimated from relpages instead)", read);
}

void load_column_stats(LoadState& state) {
  const auto read = [](model::Table& table, const pg::QueryResult& result, std::size_t row) {
    model::Column* column = table.find_column(text(result, row, "name"));
    if (column == nullptr) {
      return;
    }
    model::ColumnStats stats;
    stats.null_frac = number(result, row, "null_frac");
    stats.n_distinct = number(result, row, "n_distinct");
    stats.most_common_vals = text(result, row, "most_common_vals");
    stats.most_common_freqs = text(result, row, "most_common_freqs");
    if (!is_null(result, row, "correlation")) {
      stats.correlation = number(result, row, "correlation");
    }
    column->set_stats(std::move(stats));
  };
  each_row_or_note(state, live_sql::column_stats(), "column statistics", "column statistics (pg_stats)",
                   on_table(state, "table_oid", read));
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
