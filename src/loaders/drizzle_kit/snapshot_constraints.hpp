#pragma once

#include "loaders/drizzle_kit/snapshot_fields.hpp"
#include "model/catalog.hpp"

#include <string>
#include <vector>

// A snapshot table's keys and constraints (loaders/drizzle_kit/snapshot_reader):
// its primary key, unique constraints, indexes, foreign keys and CHECKs, each
// in every shape drizzle-kit wrote: objects, or older releases' squashed
// "name;columns;..." strings. An entry that cannot be read is a located
// problem; the rest of the table is still read.
namespace pgadvise::loaders::snapshot {

// Each reads the entry `key` = `value` at `path` into `table`.
void read_primary_key(Sink& sink, const std::string& key, const Json& value, const Path& path,
                      model::Table& table);
void read_unique_constraint(Sink& sink, const std::string& key, const Json& value, const Path& path,
                            model::Table& table);
void read_index(Sink& sink, const std::string& key, const Json& value, const Path& path, model::Table& table);
void read_foreign_key(Sink& sink, const std::string& key, const Json& value, const Path& path,
                      model::Table& table);
void read_check(Sink& sink, const std::string& key, const Json& value, const Path& path, model::Table& table);

// A primary key (first among the indexes; a second one is a problem) or a
// unique constraint over plain columns, as a column's own flags declare them.
void add_primary_key(Sink& sink, std::string name, const std::vector<std::string>& columns,
                     core::SourceLocation location, model::Table& table, const Path& path);
void add_unique(std::string name, const std::vector<std::string>& columns, core::SourceLocation location,
                model::Table& table);

} // namespace pgadvise::loaders::snapshot
