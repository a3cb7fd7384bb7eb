#include "loaders/drizzle_kit/snapshot.hpp"

#include "core/file.hpp"
#include "core/text.hpp"
#include "loaders/drizzle_kit/json_keys.hpp"
#include "loaders/drizzle_kit/snapshot_kit1.hpp"
#include "loaders/drizzle_kit/snapshot_reader.hpp"
#include "loaders/identifiers.hpp"
#include "loaders/index_keys.hpp"
#include "loaders/sql/migrations.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgadvise::loaders {

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::ordered_json;

// An unresolved merge conflict is the usual way a snapshot stops being JSON
// (two branches each generated a migration); say so instead of quoting the
// parser's complaint about a '<'.
int conflict_marker_line(std::string_view text) {
  int line = 1;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::string_view rest = text.substr(start);
    if (rest.rfind("<<<<<<< ", 0) == 0 || rest.rfind(">>>>>>> ", 0) == 0 || rest.rfind("=======\n", 0) == 0) {
      return line;
    }
    const std::size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) {
      break;
    }
    start = newline + 1;
    ++line;
  }
  return 0;
}

// nlohmann reports errors as exceptions; a malformed snapshot is an expected
// failure, so it becomes a located Error here and goes no further.
core::Result<Json> parse_json(const std::string& text, const std::string& file) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& error) {
    const core::LineIndex lines(text);
    const std::size_t offset = error.byte > 0 ? std::min<std::size_t>(error.byte - 1, text.size()) : 0;
    std::string message = error.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..."
    if (const auto colon = message.find(": "); colon != std::string::npos) {
      message = message.substr(colon + 2);
    }
    return core::Error("malformed JSON in drizzle-kit snapshot: " + message, lines.locate(file, offset));
  }
}

} // namespace

core::Result<SchemaLoad> load_drizzle_snapshot(const fs::path& snapshot) {
  const std::string file = display_path(snapshot);
  std::error_code ec;
  if (!fs::exists(snapshot, ec)) {
    return core::Error("drizzle-kit snapshot does not exist", {file, 0, 0});
  }
  const auto text = core::read_file(snapshot);
  if (!text) {
    return core::Error("drizzle-kit snapshot cannot be read", {file, 0, 0});
  }
  if (const int line = conflict_marker_line(*text); line > 0) {
    return core::Error(
        "unresolved merge conflict in drizzle-kit snapshot (resolve it, or delete the snapshot and "
        "run drizzle-kit generate again)",
        {file, line, 1});
  }
  auto json = parse_json(*text, file);
  if (!json) {
    return json.error();
  }
  const bool postgres = json->is_object() && json->contains("dialect") && (*json)["dialect"].is_string() &&
                        ((*json)["dialect"] == "postgres" || (*json)["dialect"] == "postgresql");
  if (postgres && is_kit1_snapshot(*json)) {
    // drizzle-kit 1.0: a base or a diff; rebuilt into the version 7 shape,
    // whose keys are not in this file (locations name the file alone).
    auto rebuilt = reconstruct_kit1_snapshot(*json, snapshot);
    if (!rebuilt) {
      return rebuilt.error();
    }
    auto load = read_snapshot(*rebuilt, JsonKeyLines("", file), file);
    if (load) {
      truncate_identifiers(load->catalog);
      finish_indexes(load->catalog);
      load->catalog.source_description = "drizzle-kit 1.0 snapshot " + file;
    }
    return load;
  }
  const JsonKeyLines lines(*text, file);
  auto load = read_snapshot(*json, lines, file);
  if (load) {
    truncate_identifiers(load->catalog);
    finish_indexes(load->catalog);
  }
  return load;
}

namespace {

// The numeric prefix of a migration tag or snapshot file name: "0004" from
// "0004_snapshot.json", "20240101120000" from a timestamp-prefixed tag.
std::string numeric_prefix(std::string_view name) {
  std::size_t end = 0;
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') {
    ++end;
  }
  return std::string(name.substr(0, end));
}

// Compares digit strings as numbers of any length.
bool numeric_less(const std::string& a, const std::string& b) {
  const std::string_view left = std::string_view(a).substr(std::min(a.find_first_not_of('0'), a.size()));
  const std::string_view right = std::string_view(b).substr(std::min(b.find_first_not_of('0'), b.size()));
  if (left.size() != right.size()) {
    return left.size() < right.size();
  }
  return left < right;
}

// The snapshot the journal's last entry names: drizzle-kit writes
// "<prefix>_snapshot.json" where prefix is the tag's leading number ("0004"
// for "0004_add_posts", a timestamp with `migrations.prefix`).
std::optional<fs::path> journal_snapshot(const fs::path& meta_dir) {
  const auto text = core::read_file(meta_dir / "_journal.json");
  if (!text) {
    return std::nullopt;
  }
  const Json journal = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!journal.is_object() || !journal.contains("entries") || !journal["entries"].is_array() ||
      journal["entries"].empty()) {
    return std::nullopt;
  }
  const Json& last = journal["entries"].back();
  std::vector<std::string> prefixes;
  if (last.contains("tag") && last["tag"].is_string()) {
    prefixes.push_back(numeric_prefix(last["tag"].get<std::string>()));
  }
  if (last.contains("idx") && last["idx"].is_number_unsigned()) {
    std::string idx = std::to_string(last["idx"].get<unsigned long long>());
    prefixes.push_back(std::string(idx.size() < 4 ? 4 - idx.size() : 0, '0') + idx);
  }
  for (const std::string& prefix : prefixes) {
    std::error_code ec;
    const fs::path candidate = meta_dir / (prefix + "_snapshot.json");
    if (!prefix.empty() && fs::is_regular_file(candidate, ec)) {
      return candidate;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<fs::path> newest_snapshot(const fs::path& meta_dir) {
  if (auto from_journal = journal_snapshot(meta_dir)) {
    return from_journal;
  }
  std::error_code ec;
  std::optional<fs::path> best;
  std::string best_number;
  for (fs::directory_iterator it(meta_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string number = numeric_prefix(name);
    if (number.empty() || name != number + "_snapshot.json" || !it->is_regular_file(ec)) {
      continue;
    }
    if (!best || numeric_less(best_number, number)) {
      best = it->path();
      best_number = number;
    }
  }
  return best;
}

} // namespace pgadvise::loaders
