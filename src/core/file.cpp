#include "core/file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace pgadvise::core {

namespace fs = std::filesystem;

namespace {

struct Overlay {
  std::mutex mutex;
  std::map<std::string, std::string> texts; // by overlay_key
  std::uint64_t changes = 0;
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
  ++o.changes;
}

void clear_file_overlay(const fs::path& path) {
  Overlay& o = overlay();
  const std::lock_guard lock(o.mutex);
  o.texts.erase(overlay_key(path));
  ++o.changes;
}

std::uint64_t file_overlay_changes() {
  Overlay& o = overlay();
  const std::lock_guard lock(o.mutex);
  return o.changes;
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

namespace {

// Closes a file descriptor when the reader leaves, however it leaves.
class FileCloser {
public:
  explicit FileCloser(int descriptor) : m_fd(descriptor) {}
  FileCloser(const FileCloser&) = delete;
  FileCloser& operator=(const FileCloser&) = delete;
  FileCloser(FileCloser&&) = delete;
  FileCloser& operator=(FileCloser&&) = delete;
  ~FileCloser() { ::close(m_fd); }

private:
  int m_fd;
};

} // namespace

// One open, one fstat and reads straight into the string (the JS/TS scan
// reads 15,000 files of a real monorepo, some twice: two stats and a copy
// through a stream each had been a tenth of its time).
Result<std::string> read_file(const fs::path& path, std::uintmax_t max_bytes) {
  if (std::optional<std::string> overlaid = file_overlay(path)) {
    return std::move(*overlaid);
  }
  const auto failure = [&](std::string reason) { return Error(std::move(reason), {path.string(), 0, 0}); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); // NOLINT(cppcoreguidelines-pro-type-vararg)
  if (fd < 0) {
    return failure(errno == ENOENT || errno == ENOTDIR ? "does not exist" : "cannot be read");
  }
  const FileCloser closer(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return failure("cannot be read");
  }
  if (S_ISDIR(info.st_mode)) { // NOLINT(hicpp-signed-bitwise)
    return failure("is a directory");
  }
  const auto size = static_cast<std::uintmax_t>(info.st_size);
  if (S_ISREG(info.st_mode) && size > max_bytes) { // NOLINT(hicpp-signed-bitwise)
    return failure("is larger than " + std::to_string(max_bytes) + " bytes");
  }
  // A regular file is read to the size it had when opened (one that shrank
  // meanwhile, to its end), with no probe for an end past it: a project
  // scan reads tens of thousands of files, and each probe was a system
  // call. A file with no size (a pipe, a device, /proc) is read to its end.
  const bool regular = S_ISREG(info.st_mode) && size > 0; // NOLINT(hicpp-signed-bitwise)
  std::string content(regular ? static_cast<std::size_t>(size) : 0, '\0');
  std::size_t filled = 0;
  static thread_local std::array<char, 16384> more{}; // zeroed once, not per file
  for (;;) {
    if (regular && filled == content.size()) {
      break;
    }
    const bool sized = filled < content.size();
    const ssize_t got = sized ? ::read(fd, content.data() + filled, content.size() - filled)
                              : ::read(fd, more.data(), more.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return failure("cannot be read");
    }
    if (got == 0) {
      break;
    }
    if (!sized) {
      content.append(more.data(), static_cast<std::size_t>(got));
    }
    filled += static_cast<std::size_t>(got);
    if (filled > max_bytes) {
      return failure("is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  content.resize(filled);
  return content;
}

Result<std::string_view> read_file_into(const fs::path& path, std::string& buffer, std::uintmax_t max_bytes) {
  if (std::optional<std::string> overlaid = file_overlay(path)) {
    buffer = std::move(*overlaid);
    return std::string_view(buffer);
  }
  const auto failure = [&](std::string reason) { return Error(std::move(reason), {path.string(), 0, 0}); };
  const auto too_large = [&] { return failure("is larger than " + std::to_string(max_bytes) + " bytes"); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); // NOLINT(cppcoreguidelines-pro-type-vararg)
  if (fd < 0) {
    return failure(errno == ENOENT || errno == ENOTDIR ? "does not exist" : "cannot be read");
  }
  const FileCloser closer(fd);
  constexpr std::size_t k_least_room = std::size_t{64} * 1024;
  if (buffer.size() < k_least_room) {
    buffer.resize(k_least_room);
  }
  std::size_t filled = 0;
  for (;;) {
    if (filled == buffer.size()) {
      buffer.resize(buffer.size() * 2);
    }
    const std::size_t asked = buffer.size() - filled;
    const ssize_t got = ::read(fd, buffer.data() + filled, asked);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return failure(errno == EISDIR ? "is a directory" : "cannot be read");
    }
    filled += static_cast<std::size_t>(got);
    if (filled > max_bytes) {
      return too_large();
    }
    if (static_cast<std::size_t>(got) < asked) {
      return std::string_view(buffer.data(), filled); // the end (a read of 0 included)
    }
  }
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

// The steps of [fs.path.generic]'s normal form on '/'-separated names:
// separators merged, `.` names dropped, a name and the `..` after it
// dropped, a `..` right after the root dropped, no separator after a last
// `..`, `.` for nothing. A separator stays at the end where the text ends
// in one or in a name that was dropped. Separators alone are kept as
// they are, as libstdc++ keeps them.
// One pass from separator to separator: no empty name (`//`), no `.` or
// `..` name.
bool is_lexically_normal(std::string_view text) {
  const auto dot_name = [text](std::size_t at) {
    if (at >= text.size() || text[at] != '.') {
      return false;
    }
    const std::size_t end = at + 1 < text.size() && text[at + 1] == '.' ? at + 2 : at + 1;
    return end == text.size() || text[end] == '/';
  };
  if (text.empty() || dot_name(0)) {
    return false;
  }
  for (std::size_t slash = text.find('/'); slash != std::string_view::npos;
       slash = text.find('/', slash + 1)) {
    if ((slash + 1 < text.size() && text[slash + 1] == '/') || dot_name(slash + 1)) {
      return false;
    }
  }
  return true;
}

std::string lexically_normal(std::string_view text) {
  if (is_lexically_normal(text)) {
    return std::string(text);
  }
  if (text.find_first_not_of('/') == std::string_view::npos) {
    return std::string(text);
  }
  const bool absolute = text.front() == '/';
  std::vector<std::string_view> names;
  std::size_t kept_dots = 0; // leading `..` names of a relative path
  bool trailing = false;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && text[at] == '/') {
      ++at;
    }
    if (at == text.size()) {
      trailing = !names.empty();
      break;
    }
    const std::size_t end = std::min(text.find('/', at), text.size());
    const std::string_view name = text.substr(at, end - at);
    at = end;
    if (name == ".") {
      trailing = !names.empty();
    } else if (name == "..") {
      if (names.size() > kept_dots) {
        names.pop_back();
        trailing = !names.empty();
      } else if (!absolute) {
        names.push_back(name);
        ++kept_dots;
        trailing = false;
      }
    } else {
      names.push_back(name);
      trailing = false;
    }
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += names[i];
    if (i + 1 < names.size()) {
      out += '/';
    }
  }
  if (trailing && !names.empty() && names.back() != "..") {
    out += '/';
  }
  return out.empty() ? "." : out;
}

} // namespace pgadvise::core
