#pragma once

#include <filesystem>
#include <optional>
#include <string>

// Whether an image whose container now runs `drizzle-kit migrate` (fix
// turned its entrypoint's push into migrate) holds the migrations folder
// migrate applies: a push needs only drizzle.config.ts and the schema, so
// runtime stages of such images often copy no migrations.
namespace pgadvise::app {

// A note when the final stage of `dockerfile` (relative to `root`) copies
// neither the migrations folder `drizzle_out` (relative to root) nor a
// folder holding it, and does not start from an earlier stage; nullopt when
// it does, or when the file cannot be read.
std::optional<std::string> migrations_copy_note(const std::filesystem::path& root,
                                                const std::string& dockerfile,
                                                const std::string& drizzle_out);

} // namespace pgadvise::app
