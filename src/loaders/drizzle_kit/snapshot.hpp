#pragma once

#include "core/result.hpp"
#include "loaders/schema_load.hpp"

#include <filesystem>
#include <optional>

namespace pgadvise::loaders {

// Loads a drizzle-kit snapshot (meta/NNNN_snapshot.json), versions 5
// ("dialect": "pg", tables keyed by bare name), 6 and 7 (keyed
// "schema.table"). Locations point into the snapshot file.
core::Result<SchemaLoad> load_drizzle_snapshot(const std::filesystem::path& snapshot);

// The newest snapshot in a meta/ folder: the one for the journal's last entry
// when meta/_journal.json names it, else the highest-numbered file.
std::optional<std::filesystem::path> newest_snapshot(const std::filesystem::path& meta_dir);

} // namespace pgadvise::loaders
