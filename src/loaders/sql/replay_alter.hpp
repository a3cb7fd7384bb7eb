#pragma once

#include "loaders/sql/replay.hpp"
#include "model/catalog.hpp"

#include <functional>
#include <string>

namespace pgadvise::loaders::replay {

// ALTER TABLE [IF EXISTS] [ONLY] t <command>, ... (and ALTER INDEX ...
// ATTACH PARTITION, which the parser also reports as AlterTableStmt).
void alter_table(Replay& replay, const Json& stmt);

// Removes a column and what depends on it (indexes, foreign keys, checks);
// foreign keys of other tables that reference it are dropped too (with a
// warning unless CASCADE, since PostgreSQL would refuse).
void drop_column(Replay& replay, model::Table& table, const std::string& column, bool cascade);

// Removes the foreign keys (of other tables, and of `table` itself when
// `include_self`) that reference `table` and satisfy `matches`. Without
// CASCADE PostgreSQL would refuse, so that also gets a replay-warning
// naming `what` was dropped.
void drop_foreign_keys_to(Replay& replay, const model::Table& table, bool cascade, bool include_self,
                          const std::string& what,
                          const std::function<bool(const model::ForeignKey&)>& matches);

} // namespace pgadvise::loaders::replay
