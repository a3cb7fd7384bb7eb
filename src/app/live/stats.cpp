#include "app/live/stats.hpp"

#include "app/report/exit_codes.hpp"
#include "core/file.hpp"
#include "core/stage_timings.hpp"
#include "loaders/live/catalog.hpp"
#include "pg/connection.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

namespace pgadvise::app {

namespace {

using nlohmann::json;

constexpr std::string_view k_format = "pgadvise-stats";
constexpr int k_version = 1;

json table_json(const model::Table& table) {
  json out = {{"schema", table.schema}, {"name", table.name}};
  if (table.stats) {
    const model::TableStats& s = *table.stats;
    out["rows"] = s.reltuples;
    out["pages"] = s.relpages;
    out["table_bytes"] = s.table_bytes;
    if (s.has_counters) {
      out["counters"] = {
          {"seq_scan", s.seq_scan},           {"idx_scan", s.idx_scan},     {"seq_tup_read", s.seq_tup_read},
          {"idx_tup_fetch", s.idx_tup_fetch}, {"n_tup_ins", s.n_tup_ins},   {"n_tup_upd", s.n_tup_upd},
          {"n_tup_del", s.n_tup_del},         {"n_live_tup", s.n_live_tup}, {"n_dead_tup", s.n_dead_tup}};
    }
  }
  json indexes = json::array();
  for (const model::Index& index : table.indexes) {
    if (index.stats) {
      indexes.push_back({{"name", index.name},
                         {"idx_scan", index.stats->idx_scan},
                         {"idx_tup_read", index.stats->idx_tup_read},
                         {"size_bytes", index.stats->size_bytes}});
    }
  }
  out["indexes"] = std::move(indexes);
  json columns = json::array();
  for (const model::Column& column : table.columns) {
    // Only shape numbers: most_common_vals and friends hold the data itself.
    if (column.stats() != nullptr) {
      json entry = {{"name", column.name},
                    {"n_distinct", column.stats()->n_distinct},
                    {"null_frac", column.stats()->null_frac}};
      if (column.stats()->correlation) {
        entry["correlation"] = *column.stats()->correlation;
      }
      columns.push_back(std::move(entry));
    }
  }
  out["columns"] = std::move(columns);
  return out;
}

template <typename T> T number_or(const json& object, const char* key, T fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<T>() : fallback;
}

std::string string_or(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void apply_table(const json& entry, model::Table& table) {
  model::TableStats stats;
  stats.reltuples = number_or<double>(entry, "rows", -1);
  stats.relpages = number_or<std::int64_t>(entry, "pages", 0);
  stats.table_bytes = number_or<std::int64_t>(entry, "table_bytes", 0);
  if (const auto counters = entry.find("counters"); counters != entry.end() && counters->is_object()) {
    stats.has_counters = true;
    stats.seq_scan = number_or<std::int64_t>(*counters, "seq_scan", 0);
    stats.idx_scan = number_or<std::int64_t>(*counters, "idx_scan", 0);
    stats.seq_tup_read = number_or<std::int64_t>(*counters, "seq_tup_read", 0);
    stats.idx_tup_fetch = number_or<std::int64_t>(*counters, "idx_tup_fetch", 0);
    stats.n_tup_ins = number_or<std::int64_t>(*counters, "n_tup_ins", 0);
    stats.n_tup_upd = number_or<std::int64_t>(*counters, "n_tup_upd", 0);
    stats.n_tup_del = number_or<std::int64_t>(*counters, "n_tup_del", 0);
    stats.n_live_tup = number_or<std::int64_t>(*counters, "n_live_tup", 0);
    stats.n_dead_tup = number_or<std::int64_t>(*counters, "n_dead_tup", 0);
  }
  table.stats = stats;
  if (const auto indexes = entry.find("indexes"); indexes != entry.end() && indexes->is_array()) {
    for (const json& index_entry : *indexes) {
      if (!index_entry.is_object()) {
        continue;
      }
      for (model::Index& index : table.indexes) {
        if (index.name == string_or(index_entry, "name")) {
          index.stats = model::IndexStats{number_or<std::int64_t>(index_entry, "idx_scan", 0),
                                          number_or<std::int64_t>(index_entry, "idx_tup_read", 0),
                                          number_or<std::int64_t>(index_entry, "size_bytes", 0),
                                          {}};
        }
      }
    }
  }
  if (const auto columns = entry.find("columns"); columns != entry.end() && columns->is_array()) {
    for (const json& column_entry : *columns) {
      if (!column_entry.is_object()) {
        continue;
      }
      if (model::Column* column = table.find_column(string_or(column_entry, "name"))) {
        model::ColumnStats stats_of_column;
        stats_of_column.n_distinct = number_or<double>(column_entry, "n_distinct", 0);
        stats_of_column.null_frac = number_or<double>(column_entry, "null_frac", 0);
        if (column_entry.contains("correlation")) {
          stats_of_column.correlation = number_or<double>(column_entry, "correlation", 0);
        }
        column->set_stats(stats_of_column);
      }
    }
  }
}

} // namespace

std::string stats_json(const model::Catalog& catalog) {
  json out = {{"format", k_format}, {"version", k_version}};
  if (catalog.server_version_num) {
    out["server_version_num"] = *catalog.server_version_num;
  }
  if (catalog.stats_window) {
    out["stats_window"] = {{"reset_at", catalog.stats_window->reset_at},
                           {"age_seconds", catalog.stats_window->age_seconds},
                           {"since_server_start", catalog.stats_window->since_server_start}};
  }
  json tables = json::array();
  for (const model::Table& table : catalog.tables) {
    tables.push_back(table_json(table));
  }
  out["tables"] = std::move(tables);
  return out.dump(2) + "\n";
}

core::Result<bool> apply_stats_file(const std::string& path, model::Catalog& catalog,
                                    std::vector<std::string>& notes) {
  const core::StageTimer timer(core::Stage::schema_replay);
  auto text = core::read_file(path);
  if (!text) {
    return core::Error("cannot read statistics file " + path + ": " + text.error().message);
  }
  const json document = json::parse(*text, nullptr, false);
  if (document.is_discarded() || !document.is_object() || string_or(document, "format") != k_format) {
    return core::Error(path + " is not a pgadvise statistics file (made by `pgadvise stats`)");
  }
  if (number_or<int>(document, "version", 0) != k_version) {
    return core::Error(path + ": statistics file version " +
                       std::to_string(number_or<int>(document, "version", 0)) +
                       " is not supported (expected " + std::to_string(k_version) + ")");
  }
  if (const auto server = document.find("server_version_num");
      server != document.end() && server->is_number()) {
    catalog.server_version_num = server->get<int>();
  }
  if (const auto window = document.find("stats_window"); window != document.end() && window->is_object()) {
    catalog.stats_window =
        model::StatsWindow{string_or(*window, "reset_at"), number_or<double>(*window, "age_seconds", 0),
                           window->value("since_server_start", false)};
  }
  int applied = 0;
  std::vector<std::string> missing;
  if (const auto tables = document.find("tables"); tables != document.end() && tables->is_array()) {
    for (const json& entry : *tables) {
      if (!entry.is_object()) {
        continue;
      }
      const std::string schema = string_or(entry, "schema").empty() ? "public" : string_or(entry, "schema");
      if (model::Table* table = catalog.find_table(schema, string_or(entry, "name"))) {
        apply_table(entry, *table);
        ++applied;
      } else {
        missing.push_back(schema + "." + string_or(entry, "name"));
      }
    }
  }
  notes.push_back("statistics: " + path + " (" + std::to_string(applied) + " tables)");
  if (!missing.empty()) {
    notes.push_back("statistics: " + std::to_string(missing.size()) +
                    " tables in the statistics file are not in the schema (first: " + missing.front() + ")");
  }
  return true;
}

int run_stats(const StatsOptions& options, std::ostream& out, std::ostream& err) {
  auto connect = connect_options(options.live);
  if (!connect) {
    err << "pgadvise: " << connect.error().to_string() << "\n";
    return k_exit_usage;
  }
  auto connection = pg::Connection::open(*connect);
  if (!connection) {
    err << "pgadvise: " << connection.error().to_error().to_string() << "\n";
    return k_exit_usage;
  }
  auto live = loaders::load_live_catalog(*connection);
  if (!live) {
    err << "pgadvise: reading the catalog of " << connection->target() << ": " << live.error().message
        << "\n";
    return k_exit_usage;
  }
  const std::string text = stats_json(live->catalog);
  if (options.output.empty()) {
    out << text;
    return k_exit_ok;
  }
  std::ofstream file(options.output);
  if (!file || !(file << text)) {
    err << "pgadvise: cannot write " << options.output << "\n";
    return k_exit_usage;
  }
  return k_exit_ok;
}

} // namespace pgadvise::app
