#include "core/text.hpp"
#include "loaders/project/command.hpp"

namespace pgadvise::loaders {

std::string join_relative(std::string_view base, std::string_view path) {
  std::vector<std::string> parts;
  const auto push = [&parts](std::string_view text) {
    for (const std::string& part : core::split(text, '/')) {
      if (part.empty() || part == ".") {
        continue;
      }
      if (part == "..") {
        if (!parts.empty()) {
          parts.pop_back();
        }
        continue;
      }
      parts.push_back(part);
    }
  };
  if (path.empty() || path[0] != '/') {
    push(base);
  }
  push(path);
  return core::join(parts, "/");
}

bool map_absolute_dir(std::string_view absolute, const std::vector<std::string>& package_dirs,
                      std::string& out) {
  const std::string normal = join_relative("", absolute);
  bool found = false;
  std::size_t best = 0;
  for (const std::string& dir : package_dirs) {
    if (dir.empty()) {
      continue;
    }
    const bool suffix = normal == dir || (normal.size() > dir.size() &&
                                          normal.compare(normal.size() - dir.size(), dir.size(), dir) == 0 &&
                                          normal[normal.size() - dir.size() - 1] == '/');
    if (suffix && dir.size() > best) {
      best = dir.size();
      out = dir;
      found = true;
    }
  }
  return found;
}

} // namespace pgadvise::loaders
