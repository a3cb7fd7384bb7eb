#include "core/tree_walk.hpp"

#include <deque>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace pgadvise::core {

namespace {

class TreeWalk {
public:
  TreeWalk(std::size_t max_entries, const TreeVisit& visit) : m_left(max_entries), m_visit(visit) {}

  // The entries of the open folder `fd` (taken over and closed), whose
  // path relative to the root is m_path. Listed with getdents64 into a
  // buffer per depth, kept while the walk goes into a child: opendir's
  // stream cost a check of the descriptor and a buffer of its own per
  // folder (a monorepo has thousands).
  void folder(int fd, int depth) {
    const auto level = static_cast<std::size_t>(depth);
    while (m_buffers.size() <= level) {
      m_buffers.emplace_back(); // a deque: the parents' buffers stay where they are
    }
    std::vector<char>& buffer = m_buffers[level];
    buffer.resize(k_buffer_bytes);
    const std::size_t prefix = m_path.size();
    while (!m_stopped) {
      const ssize_t got = getdents64(fd, buffer.data(), buffer.size());
      if (got <= 0) {
        break;
      }
      for (std::size_t at = 0; at < static_cast<std::size_t>(got) && !m_stopped;) {
        const auto* entry = reinterpret_cast<const dirent64*>(buffer.data() + at); // NOLINT
        at += entry->d_reclen;
        visit_entry(fd, *entry, depth, prefix);
      }
    }
    close(fd);
  }

  void visit_entry(int fd, const dirent64& entry, int depth, std::size_t prefix) {
    const std::string_view name(entry.d_name); // NOLINT(cppcoreguidelines-pro-bounds-array-to-pointer-decay)
    if (name == "." || name == "..") {
      return;
    }
    if (m_left == 0) {
      m_stopped = true;
      return;
    }
    --m_left;
    const std::optional<TreeEntryKind> kind = kind_of(fd, entry.d_type, entry.d_name);
    if (!kind) {
      return;
    }
    if (prefix > 0) {
      m_path += '/';
    }
    m_path += name;
    const TreeEntry seen{m_path, std::string_view(m_path).substr(m_path.size() - name.size()), *kind, depth};
    if (m_visit(seen) && *kind == TreeEntryKind::directory) {
      const int child = openat(fd, entry.d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child >= 0) {
        folder(child, depth + 1);
      }
    }
    m_path.resize(prefix);
  }

  [[nodiscard]] bool whole() const { return !m_stopped; }

private:
  static constexpr std::size_t k_buffer_bytes = 32768;
  std::string m_path;
  std::deque<std::vector<char>> m_buffers; // folder()'s, by depth
  std::size_t m_left;
  bool m_stopped = false;
  const TreeVisit& m_visit;

  // What an entry is, from its listing where the file system says, else
  // from the file itself; links followed. Nothing for anything else.
  static std::optional<TreeEntryKind> kind_of(int dir, unsigned char type, const char* name) {
    if (type == DT_REG) {
      return TreeEntryKind::file;
    }
    if (type == DT_DIR) {
      return TreeEntryKind::directory;
    }
    if (type != DT_LNK && type != DT_UNKNOWN) {
      return std::nullopt;
    }
    struct stat info {};
    if (fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
      return std::nullopt;
    }
    const bool link = S_ISLNK(info.st_mode);
    if (link && fstatat(dir, name, &info, 0) != 0) {
      return std::nullopt; // a broken link
    }
    if (S_ISREG(info.st_mode)) {
      return TreeEntryKind::file;
    }
    if (S_ISDIR(info.st_mode)) {
      return link ? TreeEntryKind::linked_directory : TreeEntryKind::directory;
    }
    return std::nullopt;
  }
};

} // namespace

bool walk_tree(const std::filesystem::path& root, std::size_t max_entries, const TreeVisit& visit) {
  const int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return true;
  }
  TreeWalk walk(max_entries, visit);
  walk.folder(fd, 0);
  return walk.whole();
}

FolderListing::FolderListing(const std::filesystem::path& root) : m_root(root.native()) {
  if (m_root.empty() || m_root.back() != '/') {
    m_root += '/';
  }
}

void FolderListing::add_folder(std::string_view relative) {
  m_folders.emplace(relative);
}

void FolderListing::add_entry(std::string_view relative) {
  m_entries.emplace(relative);
}

std::optional<bool> FolderListing::holds(std::string_view folder, std::string_view name) const {
  std::string relative;
  if (folder.size() + 1 == m_root.size() && m_root.starts_with(folder)) {
    relative.clear(); // the root itself
  } else if (folder.starts_with(m_root)) {
    relative = folder.substr(m_root.size());
  } else {
    return std::nullopt;
  }
  if (!m_folders.contains(relative)) {
    return std::nullopt;
  }
  if (!relative.empty()) {
    relative += '/';
  }
  relative += name;
  return m_entries.contains(relative);
}

} // namespace pgadvise::core
