#include "loaders/sql_migrations.hpp"

namespace pgadvise::loaders {
void replay_sql(std::string_view, const std::string&, SchemaLoad&) {}
void replay_sql_files(const std::vector<std::filesystem::path>&, SchemaLoad&) {}
core::Result<std::vector<std::filesystem::path>> migration_order(const std::filesystem::path&, std::vector<std::string>*) {
  return std::vector<std::filesystem::path>{};
}
std::string display_path(const std::filesystem::path& path) { return path.string(); }
} // namespace pgadvise::loaders
