#pragma once

#include "model/catalog.hpp"
#include "pg/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::advisor {

// What the planner reads of a table that VACUUM and ANALYZE change under a
// run: its pages, how many are all-visible (the visibility map: index-only
// scans skip the table only on those), its row estimate, and how often it
// was vacuumed and analyzed. The same data gives a different set when
// these differ: right after a bulk load, before autovacuum has set the
// visibility map, an index-only scan is priced as reading the table too, so
// a covering index ranks below the plain one it beats a minute later (the
// dispatch-pool run: (courier_id) first, (courier_id, id, reference,
// status) once autovacuum had run).
struct TableState {
  std::string name; // schema.table
  std::int64_t pages = 0;
  std::int64_t all_visible = 0;
  double tuples = 0;
  std::int64_t vacuums = 0; // vacuum_count + autovacuum_count
  std::int64_t analyzes = 0;

  bool operator==(const TableState&) const = default;
};

// The state of `tables` now (pg_class, pg_stat_all_tables), by name; empty
// when it cannot be read.
std::vector<TableState> read_table_state(pg::Connection& connection,
                                         const std::vector<const model::Table*>& tables);

// A note for tables whose visibility map is mostly unset (a fresh load, not
// yet vacuumed): the set differs from the one a vacuumed table gets.
std::optional<std::string> visibility_note(const std::vector<TableState>& state);

// A note when VACUUM or ANALYZE changed a table during the search: its
// costings mix both states.
std::optional<std::string> change_note(const std::vector<TableState>& before,
                                       const std::vector<TableState>& after);

} // namespace pgadvise::advisor
