#pragma once

#include "core/finding.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

// The rule-fixture conventions shared by every fixture runner (schema,
// workload and live fixtures):
// - `-- fixture-option: name=value` lines in a fixture set rule options;
// - bad_*.expected lists one finding per line as
//   `LINE:COL rule-id severity object` (blank lines and # comments ignored).
namespace pgadvise::test_support {

// The whole file, bytes as they are ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);

// The `-- fixture-option:` settings found anywhere in `text`.
std::map<std::string, std::string> fixture_options(const std::string& text);

// Findings in .expected form, sorted by line, column, object.
std::vector<std::string> finding_lines(const std::vector<core::Finding>& findings);

// The non-blank, non-comment lines of a .expected file, trimmed.
std::vector<std::string> expected_lines(const std::filesystem::path& expected_file);

} // namespace pgadvise::test_support
