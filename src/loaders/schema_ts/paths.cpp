// drizzle.config `schema` entries -> schema files.
#include "core/text.hpp"
#include "loaders/schema_ts/schema_ts.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::loaders {

namespace fs = std::filesystem;

namespace {

bool is_schema_file(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".d.ts") == 0) {
    return false;
  }
  const std::string ext = path.extension().string();
  return ext == ".ts" || ext == ".mts" || ext == ".cts" || ext == ".js" || ext == ".mjs" || ext == ".cjs";
}

bool has_glob(std::string_view text) {
  return text.find_first_of("*?{[") != std::string_view::npos;
}

// At most this many patterns come out of one entry's `{a,b}` groups, so a
// hostile config cannot make the expansion explode.
constexpr std::size_t k_max_brace_expansions = 256;
// At most this many directory entries are visited per glob.
constexpr std::size_t k_max_glob_entries = 200000;

// `{a,b}` alternatives expanded into separate patterns (one level of
// nesting at a time, recursively).
std::vector<std::string> expand_braces(const std::string& pattern, int depth = 0) {
  const auto open = pattern.find('{');
  if (open == std::string::npos || depth > 8) {
    return {pattern};
  }
  int nesting = 0;
  std::size_t close = std::string::npos;
  std::vector<std::size_t> commas;
  for (std::size_t i = open; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      ++nesting;
    } else if (pattern[i] == '}') {
      if (--nesting == 0) {
        close = i;
        break;
      }
    } else if (pattern[i] == ',' && nesting == 1) {
      commas.push_back(i);
    }
  }
  if (close == std::string::npos || commas.empty()) {
    return {pattern};
  }
  std::vector<std::string> out;
  std::size_t start = open + 1;
  commas.push_back(close);
  for (std::size_t comma : commas) {
    const std::string expanded =
        pattern.substr(0, open) + pattern.substr(start, comma - start) + pattern.substr(close + 1);
    for (std::string& item : expand_braces(expanded, depth + 1)) {
      if (out.size() >= k_max_brace_expansions) {
        return out;
      }
      out.push_back(std::move(item));
    }
    start = comma + 1;
  }
  return out;
}

// One path segment against one pattern segment (`*`, `?`, `[...]`).
bool segment_match(std::string_view pattern, std::string_view text) {
  if (!text.empty() && text[0] == '.' && (pattern.empty() || pattern[0] != '.')) {
    return false; // dot-files only match an explicit dot
  }
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_t = t;
      continue;
    }
    if (p < pattern.size() && pattern[p] == '[') {
      const auto close = pattern.find(']', p + 1);
      if (close != std::string_view::npos) {
        bool negate = p + 1 < close && (pattern[p + 1] == '!' || pattern[p + 1] == '^');
        bool found = false;
        for (std::size_t i = p + 1 + (negate ? 1 : 0); i < close; ++i) {
          if (i + 2 < close && pattern[i + 1] == '-') {
            found = found || (text[t] >= pattern[i] && text[t] <= pattern[i + 2]);
            i += 2;
          } else {
            found = found || text[t] == pattern[i];
          }
        }
        if (found != negate) {
          p = close + 1;
          ++t;
          continue;
        }
      }
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
      continue;
    }
    if (star == std::string_view::npos) {
      return false;
    }
    p = star + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

// Whole paths, segment by segment; `**` matches any number of segments
// (not descending into dot-directories). A table over (pattern, path)
// positions keeps patterns with many `**` linear in their size.
bool segments_match(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  const std::size_t cols = path.size() + 1;
  // matches[pi * cols + ti]: pattern[pi..] matches path[ti..].
  std::vector<char> matches((pattern.size() + 1) * cols, 0);
  matches[pattern.size() * cols + path.size()] = 1;
  for (std::size_t pi = pattern.size(); pi-- > 0;) {
    for (std::size_t ti = path.size() + 1; ti-- > 0;) {
      bool match = false;
      if (pattern[pi] == "**") {
        // Skip zero segments, or consume one that is not a dot-directory.
        match = matches[(pi + 1) * cols + ti] != 0 ||
                (ti < path.size() && (path[ti].empty() || path[ti][0] != '.') &&
                 matches[pi * cols + ti + 1] != 0);
      } else {
        match = ti < path.size() && segment_match(pattern[pi], path[ti]) &&
                matches[(pi + 1) * cols + ti + 1] != 0;
      }
      matches[pi * cols + ti] = match ? 1 : 0;
    }
  }
  return matches[0] != 0;
}

std::vector<std::string> path_segments(std::string_view text) {
  std::vector<std::string> out;
  for (std::string& part : core::split(text, '/')) {
    if (part.empty() || part == ".") {
      continue;
    }
    out.push_back(std::move(part));
  }
  return out;
}

// The directory part of a pattern before its first wildcard segment.
std::string glob_root(const std::string& pattern) {
  const std::vector<std::string> parts = path_segments(pattern);
  std::string root = !pattern.empty() && pattern[0] == '/' ? "/" : "";
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (has_glob(parts[i])) {
      break;
    }
    root += parts[i] + "/";
  }
  return root;
}

} // namespace

bool schema_glob_match(std::string_view pattern, std::string_view path) {
  for (const std::string& alternative : expand_braces(std::string(pattern))) {
    if (segments_match(path_segments(alternative), path_segments(path))) {
      return true;
    }
  }
  return false;
}

std::vector<fs::path> expand_schema_paths(const fs::path& root, const std::vector<std::string>& entries,
                                          std::vector<std::string>* notes) {
  std::set<fs::path> found;
  std::error_code ec;
  for (const std::string& entry : entries) {
    std::size_t before = found.size();
    if (!has_glob(entry)) {
      const fs::path path = (root / entry).lexically_normal();
      if (fs::is_directory(path, ec)) {
        for (const fs::directory_entry& item : fs::directory_iterator(path, ec)) {
          if (item.is_regular_file(ec) && is_schema_file(item.path())) {
            found.insert(item.path().lexically_normal());
          }
        }
      } else if (fs::is_regular_file(path, ec)) {
        found.insert(path);
      }
    } else {
      for (const std::string& pattern : expand_braces(entry)) {
        const fs::path start = (root / glob_root(pattern)).lexically_normal();
        if (!fs::is_directory(start, ec)) {
          continue;
        }
        const std::string full = (root / pattern).lexically_normal().generic_string();
        auto it = fs::recursive_directory_iterator(start, fs::directory_options::skip_permission_denied, ec);
        std::size_t visited = 0;
        for (; !ec && it != fs::recursive_directory_iterator() && visited < k_max_glob_entries;
             it.increment(ec), ++visited) {
          const fs::path& path = it->path();
          if (it->is_directory(ec) && (path.filename() == "node_modules" || path.filename() == ".git")) {
            it.disable_recursion_pending();
            continue;
          }
          if (it->is_regular_file(ec) && is_schema_file(path) &&
              schema_glob_match(full, path.lexically_normal().generic_string())) {
            found.insert(path.lexically_normal());
          }
        }
        ec.clear();
      }
    }
    if (found.size() == before && notes != nullptr) {
      notes->push_back("drizzle.config schema entry '" + entry + "' matches no schema file");
    }
  }
  return {found.begin(), found.end()};
}

} // namespace pgadvise::loaders
