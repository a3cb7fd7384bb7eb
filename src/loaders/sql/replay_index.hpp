#pragma once

#include "loaders/sql/replay.hpp"

namespace pgadvise::loaders::replay {

// CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] t
// [USING method] (keys) [INCLUDE (...)] [WHERE predicate].
void create_index(Replay& replay, const Json& stmt);

// DROP INDEX [CONCURRENTLY] [IF EXISTS] name [, ...]
void drop_index(Replay& replay, const QualifiedName& name, bool missing_ok, const Json& at);

// ALTER INDEX [IF EXISTS] name RENAME TO new_name (also ALTER TABLE on an index).
// Returns false when no such index exists.
bool rename_index(Replay& replay, const QualifiedName& name, const std::string& new_name);

// ALTER INDEX parent ATTACH PARTITION child: the parent may become valid.
void attach_index(Replay& replay, const QualifiedName& parent, bool missing_ok);

} // namespace pgadvise::loaders::replay
