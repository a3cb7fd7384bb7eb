#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

namespace pgadvise::loaders {

// Whether a parsed snapshot is drizzle-kit 1.0's (version 8 or later: a
// `ddl` list or `deltas`, not a `tables` object).
bool is_kit1_snapshot(const nlohmann::ordered_json& snapshot);

// drizzle-kit 1.0 keeps one snapshot.json per migration folder
// (<timestamp>_<name>/snapshot.json): the first a "base" holding the whole
// `ddl`, each later one a "diff" holding the `deltas` (create, drop, alter)
// from its parent, named by `prevIds`. Rebuilds the state `snapshot` stands
// for -- its base with every diff on the way applied in order -- and writes
// it in the version 7 shape the snapshot reader reads. An Error names the
// snapshot when its chain is broken (a parent folder missing, a cycle).
core::Result<nlohmann::ordered_json> reconstruct_kit1_snapshot(const nlohmann::ordered_json& snapshot,
                                                               const std::filesystem::path& file);

} // namespace pgadvise::loaders
