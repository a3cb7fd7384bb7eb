#pragma once

#include "loaders/sql/replay.hpp"
#include "model/catalog.hpp"

#include <string>

namespace pgadvise::loaders::replay {

// Row-level security: CREATE / ALTER / DROP POLICY, ALTER POLICY ... RENAME
// and ALTER TABLE ... ENABLE / DISABLE ROW LEVEL SECURITY. USING and WITH
// CHECK are kept as deparsed SQL text.

void create_policy(Replay& replay, const Json& stmt); // CreatePolicyStmt
void alter_policy(Replay& replay, const Json& stmt);  // AlterPolicyStmt
// One object of DROP POLICY [IF EXISTS] name ON table: [schema, table, name].
void drop_policy(Replay& replay, const Json& object, bool missing_ok);
void rename_policy(Replay& replay, const Json& stmt); // RenameStmt of OBJECT_POLICY
void set_row_security(model::Table& table, bool enabled);

} // namespace pgadvise::loaders::replay
