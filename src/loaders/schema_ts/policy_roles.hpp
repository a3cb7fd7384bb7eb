#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgadvise::loaders::drizzle_reader {

// The role a Drizzle role export names in pgPolicy's `to`: the Supabase
// roles drizzle-orm/supabase exports (`authenticatedRole` -> "authenticated",
// `anonRole` -> "anon", ...). None for other names.
std::optional<std::string> known_role_export(std::string_view name);

} // namespace pgadvise::loaders::drizzle_reader
