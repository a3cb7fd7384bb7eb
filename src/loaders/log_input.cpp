#include "loaders/log_input.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

namespace pgadvise::loaders {

namespace {

gzFile as_gz(void* file) { return static_cast<gzFile>(file); }

} // namespace

std::string input_display_name(const std::string& path) {
  if (path == "-") {
    return "<stdin>";
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  const fs::path given(path);
  if (ec || given.is_relative()) {
    return path;
  }
  const fs::path relative = given.lexically_normal().lexically_relative(cwd.lexically_normal());
  return relative.empty() || *relative.begin() == ".." ? path : relative.string();
}

core::Result<std::unique_ptr<LogInput>> LogInput::open(const std::string& path) {
  gzFile file = nullptr;
  if (path == "-") {
    const int fd = dup(STDIN_FILENO);
    file = fd < 0 ? nullptr : gzdopen(fd, "rb");
  } else {
    file = gzopen(path.c_str(), "rb");
  }
  if (file == nullptr) {
    return core::Error("cannot open " + path + ": " + std::strerror(errno), core::SourceLocation{path, 0, 0});
  }
  gzbuffer(file, 1U << 20U);
  return std::unique_ptr<LogInput>(new LogInput(file));
}

LogInput::~LogInput() { gzclose(as_gz(m_file)); }

bool LogInput::fill(std::size_t want) {
  while (!m_eof && m_pending.size() < want) {
    const std::size_t old = m_pending.size();
    const std::size_t chunk = std::max<std::size_t>(want - old, 1U << 20U);
    m_pending.resize(old + chunk);
    const int n = gzread(as_gz(m_file), m_pending.data() + old, static_cast<unsigned>(chunk));
    if (n <= 0) {
      m_pending.resize(old);
      m_eof = true;
      if (n < 0) {
        m_error = true;
      }
      break;
    }
    m_pending.resize(old + static_cast<std::size_t>(n));
    m_bytes += static_cast<std::uint64_t>(n);
  }
  return !m_pending.empty();
}

std::string_view LogInput::peek(std::size_t size) {
  fill(size);
  return std::string_view(m_pending).substr(0, size);
}

std::size_t LogInput::split_point() const {
  const std::string_view data(m_pending);
  if (m_format == LogFormat::csvlog) {
    // The last newline outside quotes.
    bool quoted = false;
    std::size_t last = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
      if (data[i] == '"') {
        quoted = !quoted;
      } else if (data[i] == '\n' && !quoted) {
        last = i + 1;
      }
    }
    return last;
  }
  // The last newline followed by a byte that does not continue the record.
  std::size_t end = data.size();
  while (end > 0) {
    const std::size_t nl = data.rfind('\n', end - 1);
    if (nl == std::string_view::npos) {
      return 0;
    }
    if (m_format == LogFormat::jsonlog) {
      return nl + 1;
    }
    if (nl + 1 < data.size() && data[nl + 1] != '\t') {
      return nl + 1;
    }
    end = nl;
  }
  return 0;
}

bool LogInput::next(std::string& block) {
  std::size_t want = m_block_bytes;
  while (true) {
    fill(want);
    if (m_pending.empty()) {
      return false;
    }
    if (m_eof) {
      m_no_final_newline = m_pending.back() != '\n';
      block.swap(m_pending);
      m_pending.clear();
      return true;
    }
    std::size_t split = split_point();
    if (split == 0 && m_pending.size() < k_max_record_bytes) {
      want = m_pending.size() * 2; // one record longer than a block: read on
      continue;
    }
    if (split == 0) {
      ++m_cut;
      split = m_pending.size();
    }
    block.assign(m_pending, 0, split);
    m_pending.erase(0, split);
    return true;
  }
}

} // namespace pgadvise::loaders
