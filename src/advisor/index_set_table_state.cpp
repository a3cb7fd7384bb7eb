#include "advisor/index_set_table_state.hpp"

#include "core/format.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cstdlib>

namespace pgadvise::advisor {

namespace {

// Tables this small are read in a few pages whatever the map says.
constexpr std::int64_t k_min_pages = 64;

std::int64_t integer(const pg::Value& value) {
  return value ? std::strtoll(value->c_str(), nullptr, 10) : 0;
}

std::string short_name(const std::string& qualified) {
  return qualified.rfind("public.", 0) == 0 ? qualified.substr(7) : qualified;
}

} // namespace

std::vector<TableState> read_table_state(pg::Connection& connection,
                                         const std::vector<const model::Table*>& tables) {
  std::vector<std::string> names;
  for (const model::Table* table : tables) {
    if (table != nullptr) {
      names.push_back(table->qualified());
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (names.empty()) {
    return {};
  }
  auto rows = connection.query(
      "SELECT n.nspname || '.' || c.relname AS name, c.relpages::text AS pages, c.relallvisible::text AS "
      "all_visible, c.reltuples::text AS tuples, (coalesce(s.vacuum_count, 0) + coalesce(s.autovacuum_count, "
      "0))::text AS vacuums, (coalesce(s.analyze_count, 0) + coalesce(s.autoanalyze_count, 0))::text AS "
      "analyzes FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace LEFT "
      "JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid WHERE n.nspname || '.' || c.relname = ANY "
      "(string_to_array($1, E'\\n')) ORDER BY 1",
      {pg::Value(core::join(names, "\n"))}, "index set: table state");
  std::vector<TableState> out;
  if (!rows.ok()) {
    return out;
  }
  for (std::size_t r = 0; r < rows->rows.size(); ++r) {
    TableState state;
    state.name = rows->get(r, "name").value_or("");
    state.pages = integer(rows->get(r, "pages"));
    state.all_visible = integer(rows->get(r, "all_visible"));
    const pg::Value& tuples = rows->get(r, "tuples");
    state.tuples = tuples ? std::strtod(tuples->c_str(), nullptr) : 0;
    state.vacuums = integer(rows->get(r, "vacuums"));
    state.analyzes = integer(rows->get(r, "analyzes"));
    out.push_back(std::move(state));
  }
  return out;
}

std::optional<std::string> visibility_note(const std::vector<TableState>& state) {
  std::vector<std::string> tables;
  bool never_vacuumed = true;
  for (const TableState& table : state) {
    if (table.pages >= k_min_pages && table.all_visible * 2 < table.pages) {
      tables.push_back(
          short_name(table.name) + " (" +
          core::percent(static_cast<double>(table.all_visible) / static_cast<double>(table.pages)) + " of " +
          core::group_digits(table.pages) + " pages" + (table.vacuums == 0 ? ", never vacuumed" : "") + ")");
      never_vacuumed = never_vacuumed && table.vacuums == 0;
    }
  }
  if (tables.empty()) {
    return std::nullopt;
  }
  return "index set: few pages are all-visible in " + core::join(tables, ", ") +
         (never_vacuumed ? " (a fresh load that autovacuum has not reached yet)" : "") +
         ", so PostgreSQL prices an index-only scan there as reading the table too and an index that "
         "covers a query's columns ranks lower than once VACUUM has run; for the set a vacuumed table "
         "gets, run VACUUM (ANALYZE) on them first (on a copy) or wait for autovacuum";
}

std::optional<std::string> change_note(const std::vector<TableState>& before,
                                       const std::vector<TableState>& after) {
  std::vector<std::string> changed;
  for (const TableState& now : after) {
    const auto was = std::find_if(before.begin(), before.end(),
                                  [&](const TableState& table) { return table.name == now.name; });
    if (was == before.end() || *was == now) {
      continue;
    }
    std::string what = short_name(now.name);
    if (was->all_visible != now.all_visible) {
      what += " (all-visible pages " + core::group_digits(was->all_visible) + " -> " +
              core::group_digits(now.all_visible) + ")";
    }
    changed.push_back(std::move(what));
  }
  if (changed.empty()) {
    return std::nullopt;
  }
  return "index set: VACUUM or ANALYZE changed " + core::join(changed, ", ") +
         " during the search, so its costings mix the statistics before and after: run again for a set "
         "costed on one state";
}

} // namespace pgadvise::advisor
