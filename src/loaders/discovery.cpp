#include "loaders/discovery.hpp"

namespace pgadvise::loaders {
core::Result<SchemaSources> discover(const std::vector<std::filesystem::path>&) { return SchemaSources{}; }
SchemaLoad load_schema(const SchemaSources&) { return {}; }
} // namespace pgadvise::loaders
