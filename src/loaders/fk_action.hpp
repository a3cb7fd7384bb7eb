#pragma once

#include "model/catalog.hpp"

#include <optional>
#include <string_view>

// A foreign key's ON DELETE / ON UPDATE action as the inputs spell it; shared
// by the SQL replay, the drizzle-kit snapshot, the schema.ts reader and the
// live catalog.
namespace pgadvise::loaders {

// pg_constraint.confdeltype / confupdtype, which libpg_query's
// fk_del_action / fk_upd_action repeat: 'r', 'c', 'n', 'd', anything else
// (normally 'a') is NO ACTION.
model::FkAction fk_action_from_code(std::string_view code);

// The SQL words ("cascade", "SET NULL", "no action"), in any case and with
// surrounding blanks; nullopt for anything else.
std::optional<model::FkAction> fk_action_from_words(std::string_view words);

} // namespace pgadvise::loaders
