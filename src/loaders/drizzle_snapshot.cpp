#include "loaders/drizzle_snapshot.hpp"

namespace pgadvise::loaders {
core::Result<SchemaLoad> load_drizzle_snapshot(const std::filesystem::path& snapshot) {
  return core::Error("not implemented", {snapshot.string(), 0, 0});
}
std::optional<std::filesystem::path> newest_snapshot(const std::filesystem::path&) { return std::nullopt; }
} // namespace pgadvise::loaders
