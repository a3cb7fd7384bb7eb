#pragma once

#include "core/result.hpp"
#include "model/live_analysis.hpp"
#include "model/workload.hpp"

#include <filesystem>
#include <string>

namespace pgadvise::advisor {

// `--emit-migration FILE`: every proposal worth applying as one migration.
// Verified proposals, and unverified ones only when no verification was
// attempted (they say so); proposals a verification rejected are left out.
// Each index gets a comment naming the queries it serves (normalized text,
// calls, total time) and what verification measured, then its
// CREATE INDEX CONCURRENTLY IF NOT EXISTS; with `drizzle`, the Drizzle line
// as a comment and drizzle-kit's `--> statement-breakpoint` between
// statements.
struct MigrationOptions {
  bool drizzle = false;
  std::string database; // named in the header when known
};

std::string render_migration(const model::LiveAnalysis& live, const model::Workload* workload,
                             const MigrationOptions& options = {});

// How many proposals render_migration writes.
std::size_t migration_index_count(const model::LiveAnalysis& live);

// Writes the text to `path` (replacing it); the error names the file.
core::Result<std::size_t> write_migration(const std::filesystem::path& path, const std::string& text);

} // namespace pgadvise::advisor
