#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace pgadvise::model {

// Schemas a hosted platform creates before the project's first migration
// (Supabase: auth.users, storage.objects, ...). Migrations reference their
// tables without creating them, and a drizzle-kit snapshot may declare them
// (drizzle-orm/supabase's authUsers): neither is a problem nor drift.
inline bool is_platform_schema(std::string_view schema) {
  static constexpr std::array<std::string_view, 9> k_schemas = {
      "auth",       "storage",  "realtime", "vault", "graphql", "supabase_functions",
      "extensions", "pgsodium", "net"};
  return std::find(k_schemas.begin(), k_schemas.end(), schema) != k_schemas.end();
}

} // namespace pgadvise::model
