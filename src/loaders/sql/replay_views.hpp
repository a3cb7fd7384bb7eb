#pragma once

#include "loaders/sql/replay.hpp"

#include <string_view>

// Views and materialized views: the catalog does not model them, yet
// replacing or dropping one takes ACCESS EXCLUSIVE on it (PostgreSQL 15:
// every query reading the view waits behind the request), so those
// statements are recorded as alter_table steps named after the view, for
// lock-timeout-missing and wide-lock-window (rules/support/migration_locks).
namespace pgadvise::loaders::replay {

// CREATE [OR REPLACE] VIEW (a ViewStmt): the view is known from then on
// (untracked); OR REPLACE of a view an earlier file created is a step
// ("CREATE OR REPLACE VIEW").
void create_view(Replay& replay, const Json& stmt);

// DROP VIEW / DROP MATERIALIZED VIEW of `name` (`words`): a step on it, new
// when the same file created it; a view no file creates is one in use
// before the files, as a lone file's DROP TABLE is.
void drop_view(Replay& replay, const QualifiedName& name, std::string_view words);

// ALTER [MATERIALIZED] VIEW name RENAME TO new_name (`words`): a step on the
// view under its new name, which it keeps from then on.
void rename_view(Replay& replay, const QualifiedName& name, const std::string& new_name,
                 std::string_view words);

} // namespace pgadvise::loaders::replay
