#include "core/file.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

namespace pgadvise::core {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path, std::uintmax_t max_bytes) {
  const auto failure = [&](std::string reason) { return Error(std::move(reason), {path.string(), 0, 0}); };
  std::error_code ec;
  // An ifstream opens a directory without complaint and reads nothing.
  if (fs::is_directory(path, ec)) {
    return failure("is a directory");
  }
  if (max_bytes != std::numeric_limits<std::uintmax_t>::max()) {
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > max_bytes) {
      return failure("is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return failure(fs::exists(path, ec) ? "cannot be read" : "does not exist");
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return failure("cannot be read");
  }
  return content.str();
}

bool is_file(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

bool is_dir(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

} // namespace pgadvise::core
