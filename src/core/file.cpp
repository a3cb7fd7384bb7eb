#include "core/file.hpp"

#include <cerrno>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace pgadvise::core {

namespace fs = std::filesystem;

namespace {

struct Overlay {
  std::mutex mutex;
  std::map<std::string, std::string> texts; // by overlay_key
};

Overlay& overlay() {
  static Overlay instance;
  return instance;
}

std::string overlay_key(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal().string();
}

} // namespace

void set_file_overlay(const fs::path& path, std::string text) {
  Overlay& o = overlay();
  const std::lock_guard lock(o.mutex);
  o.texts[overlay_key(path)] = std::move(text);
}

void clear_file_overlay(const fs::path& path) {
  Overlay& o = overlay();
  const std::lock_guard lock(o.mutex);
  o.texts.erase(overlay_key(path));
}

std::optional<std::string> file_overlay(const fs::path& path) {
  Overlay& o = overlay();
  const std::lock_guard lock(o.mutex);
  if (o.texts.empty()) {
    return std::nullopt;
  }
  const auto found = o.texts.find(overlay_key(path));
  if (found == o.texts.end()) {
    return std::nullopt;
  }
  return found->second;
}

Result<std::string> read_file(const fs::path& path, std::uintmax_t max_bytes) {
  if (std::optional<std::string> overlaid = file_overlay(path)) {
    return std::move(*overlaid);
  }
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

namespace {

// Runs `transfer` (pread or pwrite's remaining count at an offset) until
// `size` bytes are done, EINTR retried; stops at 0 (end of file) or an error.
template <class Transfer> std::size_t transfer_all(std::size_t size, Transfer transfer) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = transfer(done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  return done;
}

} // namespace

std::size_t read_at(int fd, char* into, std::size_t size, std::uint64_t offset) {
  return transfer_all(size, [&](std::size_t done) {
    return ::pread(fd, into + done, size - done, static_cast<off_t>(offset + done));
  });
}

std::size_t write_at(int fd, const char* from, std::size_t size, std::uint64_t offset) {
  return transfer_all(size, [&](std::size_t done) {
    return ::pwrite(fd, from + done, size - done, static_cast<off_t>(offset + done));
  });
}

} // namespace pgadvise::core
