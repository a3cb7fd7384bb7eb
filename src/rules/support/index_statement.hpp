#pragma once

#include "model/catalog.hpp"

#include <string>
#include <string_view>

namespace pgadvise::rules {

// An index of the catalog as its full CREATE INDEX statement: method
// (btree left implicit), keys (expression, opclass, DESC, a NULLS order
// other than the direction's default), INCLUDE, WHERE. What a change rule
// proposes to run instead and what `pgadvise fix` writes into a custom
// migration.
std::string render_index_statement(std::string_view schema, std::string_view table, const model::Index& index,
                                   bool concurrently, bool if_not_exists);

} // namespace pgadvise::rules
