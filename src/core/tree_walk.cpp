#include "core/tree_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace pgadvise::core {

namespace {

class TreeWalk {
public:
  TreeWalk(std::size_t max_entries, const TreeVisit& visit) : m_left(max_entries), m_visit(visit) {}

  // The entries of the open folder `fd` (taken over and closed), whose
  // path relative to the root is m_path.
  void folder(int fd, int depth) {
    DIR* dir = fdopendir(fd);
    if (dir == nullptr) {
      close(fd);
      return;
    }
    const std::size_t prefix = m_path.size();
    while (!m_stopped) {
      const dirent* entry = readdir(dir);
      if (entry == nullptr) {
        break;
      }
      const std::string_view name(entry->d_name);
      if (name == "." || name == "..") {
        continue;
      }
      if (m_left == 0) {
        m_stopped = true;
        break;
      }
      --m_left;
      const std::optional<TreeEntryKind> kind = kind_of(dirfd(dir), *entry);
      if (!kind) {
        continue;
      }
      if (prefix > 0) {
        m_path += '/';
      }
      m_path += name;
      const TreeEntry seen{m_path, std::string_view(m_path).substr(m_path.size() - name.size()), *kind,
                           depth};
      if (m_visit(seen) && *kind == TreeEntryKind::directory) {
        const int child = openat(dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child >= 0) {
          folder(child, depth + 1);
        }
      }
      m_path.resize(prefix);
    }
    closedir(dir);
  }

  [[nodiscard]] bool whole() const { return !m_stopped; }

private:
  std::string m_path;
  std::size_t m_left;
  bool m_stopped = false;
  const TreeVisit& m_visit;

  // What an entry is, from its listing where the file system says, else
  // from the file itself; links followed. Nothing for anything else.
  static std::optional<TreeEntryKind> kind_of(int dir, const dirent& entry) {
    if (entry.d_type == DT_REG) {
      return TreeEntryKind::file;
    }
    if (entry.d_type == DT_DIR) {
      return TreeEntryKind::directory;
    }
    if (entry.d_type != DT_LNK && entry.d_type != DT_UNKNOWN) {
      return std::nullopt;
    }
    struct stat info {};
    if (fstatat(dir, entry.d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
      return std::nullopt;
    }
    const bool link = S_ISLNK(info.st_mode);
    if (link && fstatat(dir, entry.d_name, &info, 0) != 0) {
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

} // namespace pgadvise::core
