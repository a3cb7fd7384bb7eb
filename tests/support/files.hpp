#pragma once

// The one file reader and writer of the tests, and a throwaway directory.

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace pgadvise::test {

// The whole file, byte for byte; "" when it cannot be read (the test's own
// assertions then say what was missing).
inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Writes `text` to `file`, creating its folders first.
inline void write_text(const std::filesystem::path& file, std::string_view text) {
  if (file.has_parent_path()) {
    std::filesystem::create_directories(file.parent_path());
  }
  std::ofstream(file, std::ios::binary) << text;
}

// A file:// URL for an absolute path, its bytes percent-encoded where a URL
// needs it (a checkout in "/tmp/my dir" is file:///tmp/my%20dir).
inline std::string file_url(const std::filesystem::path& path) {
  constexpr std::string_view k_hex = "0123456789ABCDEF";
  std::string out = "file://";
  for (const char c : path.string()) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || std::string_view("/-._~").find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += k_hex[byte >> 4U];
      out += k_hex[byte & 0xFU];
    }
  }
  return out;
}

// This test process's scratch folder: made once with mkdtemp
// ($TMPDIR/pgadvise-tests-XXXXXX) and removed when the process exits. ctest
// runs each test in a process of its own, so a test's files go when it does,
// and two runs of the suite at once (the quick tier beside the asan tree)
// never write the same path. A test that wants a folder of its own, gone at
// the end of a scope, takes a TempTree.
inline const std::filesystem::path& scratch_dir() {
  struct Scratch {
    std::filesystem::path path;
    pid_t owner = ::getpid(); // a forked child that exits must not remove it
    Scratch() {
      std::string pattern = (std::filesystem::temp_directory_path() / "pgadvise-tests-XXXXXX").string();
      if (::mkdtemp(pattern.data()) != nullptr) {
        path = pattern;
      }
    }
    ~Scratch() {
      if (!path.empty() && ::getpid() == owner) {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
      }
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    Scratch(Scratch&&) = delete;
    Scratch& operator=(Scratch&&) = delete;
  };
  static const Scratch scratch;
  return scratch.path;
}

// A directory tree removed when the test ends.
class TempTree {
public:
  TempTree() {
    std::random_device device;
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    m_root = std::filesystem::temp_directory_path() /
             ("pgadvise-test-" + std::to_string(stamp) + "-" + std::to_string(device()));
    std::filesystem::create_directories(m_root);
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(m_root, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  TempTree(TempTree&&) = delete;
  TempTree& operator=(TempTree&&) = delete;

  [[nodiscard]] const std::filesystem::path& root() const { return m_root; }

  std::filesystem::path write(std::string_view relative, std::string_view content) const {
    const std::filesystem::path file = m_root / relative;
    write_text(file, content);
    return file;
  }

  std::filesystem::path copy(const std::filesystem::path& from, std::string_view relative) const {
    const std::filesystem::path to = m_root / relative;
    std::filesystem::create_directories(to.parent_path());
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
    return to;
  }

private:
  std::filesystem::path m_root;
};

} // namespace pgadvise::test
