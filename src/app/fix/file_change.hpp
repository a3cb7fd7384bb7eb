#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <string>

namespace pgadvise::app {

// One file the fixes change (or create).
struct FileChange {
  std::filesystem::path path;
  std::string label; // as shown in the diff: relative to the working directory
  std::string before;
  std::string after;
  bool created = false;
  // Shown in the diff instead of the whole text, when set: a generated
  // file nobody reads line by line (a drizzle-kit snapshot copy).
  std::string summary{};
};

// A path as the diff and notes show it: relative to the working directory
// when under it.
std::string fix_label(const std::filesystem::path& path);

// Writes one changed (or new) file: to a temporary beside it, then renamed
// over it, so a failure leaves the old file whole.
core::Result<bool> write_file_change(const FileChange& change);

} // namespace pgadvise::app
