#pragma once

#include "model/catalog.hpp"

#include <optional>
#include <vector>

namespace pgadvise::loaders::drizzle_reader {

// The style a schema file's object-form index entries are keyed in
// (model::DrizzleKeyStyle), from the keys its tables' indexes have
// (Index::property): each keyed index votes for every style that spells its
// key from its columns (or is its name), and the style with the most votes
// wins, the plainer one on a tie (all columns before the first, the whole
// property before one without its Id, camelCase before snake_case, words
// before the index's name). nullopt when no key is spelled by any.
std::optional<model::DrizzleKeyStyle> learn_key_style(const std::vector<const model::Table*>& tables);

} // namespace pgadvise::loaders::drizzle_reader
