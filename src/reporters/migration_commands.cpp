#include "reporters/migration_commands.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

namespace pgadvise::reporters {

namespace {

constexpr std::size_t k_one_line_each = 3;

// "cd project05/packages/db && npm run generate": the folder's path segments
// and the rest; nullopt for a command that does not start with cd.
std::optional<std::pair<std::vector<std::string>, std::string>> cd_and_rest(std::string_view command) {
  constexpr std::string_view k_cd = "cd ";
  constexpr std::string_view k_and = " && ";
  const std::size_t and_at = command.find(k_and);
  if (command.substr(0, k_cd.size()) != k_cd || and_at == std::string_view::npos) {
    return std::nullopt;
  }
  return std::pair{core::split(command.substr(k_cd.size(), and_at - k_cd.size()), '/'),
                   std::string(command.substr(and_at + k_and.size()))};
}

// How many segments every folder shares at its start (`from_end`: at its end).
std::size_t shared_segments(const std::vector<std::vector<std::string>>& folders, bool from_end) {
  const std::vector<std::string>& first = folders.front();
  std::size_t out = first.size();
  for (const std::vector<std::string>& folder : folders) {
    std::size_t n = 0;
    while (
        n < std::min(out, folder.size()) &&
        (from_end ? folder[folder.size() - 1 - n] == first[first.size() - 1 - n] : folder[n] == first[n])) {
      ++n;
    }
    out = n;
  }
  return out;
}

} // namespace

std::optional<std::string> grouped_commands(const std::vector<std::string>& commands) {
  if (commands.size() <= k_one_line_each) {
    return std::nullopt;
  }
  std::vector<std::vector<std::string>> folders;
  std::string rest;
  for (const std::string& command : commands) {
    auto parts = cd_and_rest(command);
    if (!parts || (!folders.empty() && parts->second != rest)) {
      return std::nullopt;
    }
    rest = std::move(parts->second);
    folders.push_back(std::move(parts->first));
  }
  const std::size_t head = shared_segments(folders, false);
  const std::size_t tail = shared_segments(folders, true);
  std::vector<std::string> differing;
  for (const std::vector<std::string>& folder : folders) {
    if (head + tail >= folder.size()) {
      return std::nullopt; // one folder is another's start or end: no one placeholder
    }
    differing.push_back(
        core::join(std::vector<std::string>(folder.begin() + static_cast<std::ptrdiff_t>(head),
                                            folder.end() - static_cast<std::ptrdiff_t>(tail)),
                   "/"));
  }
  const std::vector<std::string>& first = folders.front();
  std::vector<std::string> pattern(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(head));
  pattern.emplace_back("<project>");
  pattern.insert(pattern.end(), first.end() - static_cast<std::ptrdiff_t>(tail), first.end());
  return "after editing the Drizzle schemas, in each of the " + std::to_string(commands.size()) +
         " projects: cd " + core::join(pattern, "/") + " && " + rest +
         " (<project>: " + core::join(differing, ", ") + ")";
}

} // namespace pgadvise::reporters
