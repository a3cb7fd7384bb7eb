#include "loaders/sql/script_text.hpp"

#include "core/file.hpp"

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <optional>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace pgadvise::loaders::replay {

namespace {

std::size_t page_size() {
  static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

// A descriptor closed on every path out.
class OpenFile {
public:
  explicit OpenFile(const std::filesystem::path& path) : m_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  OpenFile(OpenFile&&) = delete;
  OpenFile& operator=(OpenFile&&) = delete;
  ~OpenFile() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  [[nodiscard]] int fd() const { return m_fd; }

private:
  int m_fd;
};

} // namespace

void ScriptText::allocate(std::size_t size) {
  m_size = size;
  if (size == 0) {
    return;
  }
  const std::size_t page = page_size();
  m_mapped = (size + page - 1) / page * page;
  void* mapped = ::mmap(nullptr, m_mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) {
    m_size = 0;
    m_mapped = 0;
    throw std::bad_alloc();
  }
  m_data = static_cast<char*>(mapped);
}

ScriptText::ScriptText(std::string_view text) {
  allocate(text.size());
  if (!text.empty()) {
    std::memcpy(m_data, text.data(), text.size());
  }
}

core::Result<ScriptText> ScriptText::read(const std::filesystem::path& path, std::uintmax_t max_bytes) {
  // An editor's unsaved buffer (core::file_overlay) is the file's text.
  if (std::optional<std::string> overlaid = core::file_overlay(path)) {
    return ScriptText(*overlaid);
  }
  // A regular file is read straight into the pages; anything else, and
  // every error, as core::read_file reads it.
  {
    const OpenFile file(path);
    struct stat info {};
    if (file.fd() >= 0 && ::fstat(file.fd(), &info) == 0 && S_ISREG(info.st_mode) &&
        static_cast<std::uintmax_t>(info.st_size) <= max_bytes) {
      ScriptText out;
      out.allocate(static_cast<std::size_t>(info.st_size));
      if (core::read_at(file.fd(), out.m_data, out.m_size, 0) == out.m_size) {
        return out;
      }
    }
  }
  auto text = core::read_file(path, max_bytes);
  if (!text) {
    return text.error();
  }
  return ScriptText(*text);
}

ScriptText::ScriptText(ScriptText&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
      m_mapped(std::exchange(other.m_mapped, 0)), m_released(std::exchange(other.m_released, 0)) {}

ScriptText& ScriptText::operator=(ScriptText&& other) noexcept {
  if (this != &other) {
    unmap();
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_mapped = std::exchange(other.m_mapped, 0);
    m_released = std::exchange(other.m_released, 0);
  }
  return *this;
}

ScriptText::~ScriptText() {
  unmap();
}

void ScriptText::unmap() noexcept {
  if (m_data != nullptr && m_mapped > m_released) {
    ::munmap(m_data + m_released, m_mapped - m_released);
  }
  m_data = nullptr;
  m_size = 0;
  m_mapped = 0;
  m_released = 0;
}

void ScriptText::release_before(std::size_t offset) {
  if (m_data == nullptr || offset <= k_release_step) {
    return;
  }
  const std::size_t page = page_size();
  const std::size_t upto = std::min((offset - k_release_step) / page * page, m_mapped);
  if (upto < m_released + k_release_step) {
    return;
  }
  ::munmap(m_data + m_released, upto - m_released);
  m_released = upto;
}

} // namespace pgadvise::loaders::replay
