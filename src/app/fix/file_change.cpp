#include "app/fix/file_change.hpp"

#include "core/result.hpp"

#include <fstream>

namespace pgadvise::app {

namespace fs = std::filesystem;

std::string fix_label(const fs::path& path) {
  std::error_code ec;
  const fs::path relative =
      fs::absolute(path, ec).lexically_normal().lexically_relative(fs::current_path(ec));
  if (!relative.empty() && *relative.begin() != "..") {
    return relative.generic_string();
  }
  return path.generic_string();
}

core::Result<bool> write_file_change(const FileChange& change) {
  std::error_code ec;
  if (change.created && change.path.has_parent_path()) {
    fs::create_directories(change.path.parent_path(), ec);
  }
  const fs::path temp = change.path.string() + ".pgadvise-fix";
  {
    std::ofstream file(temp, std::ios::binary);
    file << change.after;
    file.flush();
    if (!file) {
      fs::remove(temp, ec);
      return core::Error("cannot write " + change.label);
    }
  }
  if (!change.created) {
    fs::permissions(temp, fs::status(change.path, ec).permissions(), ec);
  }
  fs::rename(temp, change.path, ec);
  if (ec) {
    fs::remove(temp, ec);
    return core::Error("cannot replace " + change.label + ": " + ec.message());
  }
  return true;
}

} // namespace pgadvise::app
