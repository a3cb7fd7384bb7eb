#include "support/fixture_files.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>
#include <tuple>

namespace pgadvise::test_support {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<std::string, std::string> fixture_options(const std::string& text) {
  static constexpr std::string_view k_marker = "-- fixture-option:";
  std::map<std::string, std::string> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto at = line.find(k_marker);
    if (at == std::string::npos) {
      continue;
    }
    const std::string setting(core::trim(std::string_view(line).substr(at + k_marker.size())));
    const auto eq = setting.find('=');
    if (eq != std::string::npos) {
      out[std::string(core::trim(setting.substr(0, eq)))] = std::string(core::trim(setting.substr(eq + 1)));
    }
  }
  return out;
}

std::vector<std::string> finding_lines(const std::vector<core::Finding>& findings) {
  std::vector<std::tuple<int, int, std::string, std::string>> rows;
  for (const core::Finding& f : findings) {
    rows.emplace_back(f.location.line, f.location.column, f.object.to_string(),
                      f.rule + " " + std::string(core::to_string(f.severity)));
  }
  std::sort(rows.begin(), rows.end());
  std::vector<std::string> out;
  for (const auto& [line, column, object, rule_severity] : rows) {
    // Trimmed: a finding without an object (no-connection-pooling) ends at its severity.
    out.emplace_back(
        core::trim(std::to_string(line) + ":" + std::to_string(column) + " " + rule_severity + " " + object));
  }
  return out;
}

std::vector<std::string> expected_lines(const std::filesystem::path& expected_file) {
  std::vector<std::string> out;
  std::istringstream lines(read_file(expected_file));
  std::string line;
  while (std::getline(lines, line)) {
    const std::string trimmed(core::trim(line));
    if (!trimmed.empty() && trimmed.front() != '#') {
      out.push_back(trimmed);
    }
  }
  return out;
}

} // namespace pgadvise::test_support
