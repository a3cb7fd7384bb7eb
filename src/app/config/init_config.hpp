#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <string>

namespace pgadvise::app {

// `pgadvise init`: the commented .pgadvise.toml for the project in `dir`,
// naming what discovery finds there (schema folders, logs).
std::string init_config_text(const std::filesystem::path& dir);

// Writes it to dir/.pgadvise.toml; an existing file is kept unless `force`.
// Returns the path written.
core::Result<std::filesystem::path> write_init_config(const std::filesystem::path& dir, bool force);

} // namespace pgadvise::app
