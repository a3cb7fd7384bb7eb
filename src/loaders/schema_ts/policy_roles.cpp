#include "loaders/schema_ts/policy_roles.hpp"

#include <array>
#include <utility>

namespace pgadvise::loaders::drizzle_reader {

std::optional<std::string> known_role_export(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> k_roles = {{
      {"anonRole", "anon"},
      {"authenticatedRole", "authenticated"},
      {"serviceRole", "service_role"},
      {"postgresRole", "postgres"},
      {"supabaseAuthAdminRole", "supabase_auth_admin"},
      {"supabaseStorageAdminRole", "supabase_storage_admin"},
  }};
  for (const auto& [export_name, role] : k_roles) {
    if (name == export_name) {
      return std::string(role);
    }
  }
  return std::nullopt;
}

} // namespace pgadvise::loaders::drizzle_reader
