#include "app/fix/fix_migration.hpp"

#include "core/file.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

namespace pgadvise::app {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_name = "pgadvise_fix";

// yyyymmddHHMMSS in UTC, as drizzle-kit 1.0 names its folders.
std::string utc_stamp(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 16> buffer{};
  std::strftime(buffer.data(), buffer.size(), "%Y%m%d%H%M%S", &tm);
  return buffer.data();
}

FileChange created(const fs::path& path, std::string text) {
  return {path, fix_label(path), "", std::move(text), true};
}

// drizzle-kit 0.x: the next NNNN_ file and its journal entry, the journal
// written back as drizzle-kit writes it (JSON.stringify with two spaces).
core::Result<std::vector<FileChange>> drizzle_kit_0(const fs::path& folder, const std::string& sql,
                                                    std::chrono::system_clock::time_point now) {
  const fs::path journal_path = folder / "meta" / "_journal.json";
  auto text = core::read_file(journal_path);
  if (!text) {
    return text.error();
  }
  auto journal = nlohmann::ordered_json::parse(*text, nullptr, false);
  if (journal.is_discarded() || !journal.contains("entries") || !journal["entries"].is_array()) {
    return core::Error("not a drizzle-kit journal", {fix_label(journal_path), 1, 1});
  }
  std::int64_t next = 0;
  std::string version = "7";
  for (const auto& entry : journal["entries"]) {
    if (entry.contains("idx") && entry["idx"].is_number_integer()) {
      next = std::max(next, entry["idx"].get<std::int64_t>() + 1);
    }
    if (entry.contains("version") && entry["version"].is_string()) {
      version = entry["version"].get<std::string>();
    }
  }
  std::string number = std::to_string(next);
  number.insert(0, number.size() < 4 ? 4 - number.size() : 0, '0');
  const std::string tag = number + "_" + std::string(k_name);
  journal["entries"].push_back(
      {{"idx", next},
       {"version", version},
       {"when", std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()},
       {"tag", tag},
       {"breakpoints", true}});
  std::string after = journal.dump(2);
  if (!text->empty() && text->back() == '\n') {
    after += '\n';
  }
  return std::vector<FileChange>{created(folder / (tag + ".sql"), sql),
                                 {journal_path, fix_label(journal_path), *text, after, false}};
}

constexpr std::string_view k_custom_header = "-- Custom SQL migration file, put your code below! --";

// A version-4-shaped UUID from the migration's own text and time (drizzle-kit
// draws a random one; any unique id does).
std::string snapshot_id(std::string_view seed) {
  std::string hex = core::sha256_hex(seed).substr(0, 32);
  hex[12] = '4';
  hex[16] = "89ab"[static_cast<std::size_t>(hex[16]) % 4];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

core::Result<nlohmann::ordered_json> read_json(const fs::path& path) {
  auto text = core::read_file(path);
  if (!text) {
    return text.error();
  }
  auto parsed = nlohmann::ordered_json::parse(*text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return core::Error("not a drizzle-kit snapshot", {fix_label(path), 1, 1});
  }
  return parsed;
}

std::string custom_sql(const std::vector<std::string>& statements) {
  return std::string(k_custom_header) + "\n" + core::join(statements, "\n--> statement-breakpoint\n") + "\n";
}

// drizzle-kit 0.x: journal entry, SQL file and the snapshot copy.
core::Result<std::vector<FileChange>> custom_kit_0(const fs::path& folder, const std::string& name,
                                                   const std::vector<std::string>& statements,
                                                   std::chrono::system_clock::time_point now) {
  const std::string sql = custom_sql(statements);
  auto files = drizzle_kit_0(folder, sql, now);
  if (!files) {
    return files.error();
  }
  // drizzle_kit_0 named it pgadvise_fix: the tag carries the custom name.
  FileChange& file = files->front();
  FileChange& journal = files->back();
  const std::string old_tag = file.path.stem().string();
  const std::string number = old_tag.substr(0, old_tag.find('_'));
  const std::string tag = number + "_" + name;
  file.path = folder / (tag + ".sql");
  file.label = fix_label(file.path);
  const auto at = journal.after.rfind("\"" + old_tag + "\"");
  if (at != std::string::npos) {
    journal.after.replace(at + 1, old_tag.size(), tag);
  }
  // The newest snapshot, under a new id whose parent it is.
  std::optional<fs::path> newest;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder / "meta", ec)) {
    const std::string file_name = entry.path().filename().string();
    if (file_name.size() > 14 && file_name.compare(file_name.size() - 14, 14, "_snapshot.json") == 0 &&
        (!newest || entry.path().filename() > newest->filename())) {
      newest = entry.path();
    }
  }
  if (!newest) {
    return *files; // a journal without snapshots: drizzle-kit keeps none either
  }
  auto snapshot = read_json(*newest);
  if (!snapshot) {
    return snapshot.error();
  }
  const std::string previous = snapshot->value("id", std::string());
  (*snapshot)["id"] = snapshot_id(sql + tag + previous);
  (*snapshot)["prevId"] = previous;
  files->push_back(created(folder / "meta" / (number + "_snapshot.json"), snapshot->dump(2)));
  files->back().summary =
      newest->filename().string() + " under a new id (" + (*snapshot)["id"].get<std::string>() + ", prevId " +
      previous +
      "): the schema did not change, as drizzle-kit generate --custom "
      "writes it; " +
      std::to_string(std::count(files->back().after.begin(), files->back().after.end(), '\n') + 1) + " lines";
  return *files;
}

// drizzle-kit 1.0: <stamp>_name/ with migration.sql and a diff snapshot.
core::Result<std::vector<FileChange>> custom_kit_1(const fs::path& folder, const std::string& name,
                                                   const std::vector<std::string>& statements,
                                                   std::chrono::system_clock::time_point now,
                                                   const fs::path& newest_folder) {
  auto previous = read_json(newest_folder / "snapshot.json");
  if (!previous) {
    return previous.error();
  }
  const std::string sql = custom_sql(statements);
  // After the newest folder, even when the clock says otherwise (drizzle-kit
  // applies the folders in name order).
  std::string stamp = utc_stamp(now);
  const std::string newest_stamp = newest_folder.filename().string().substr(0, 14);
  if (stamp <= newest_stamp) {
    stamp = std::to_string(std::stoull(newest_stamp) + 1);
  }
  const fs::path dir = folder / (stamp + "_" + name);
  nlohmann::ordered_json snapshot;
  snapshot["type"] = "diff";
  snapshot["version"] = previous->value("version", std::string("9"));
  snapshot["dialect"] = previous->value("dialect", std::string("postgres"));
  snapshot["id"] = snapshot_id(sql + stamp + previous->value("id", std::string()));
  snapshot["prevIds"] = nlohmann::ordered_json::array({previous->value("id", std::string())});
  snapshot["footprints"] = nlohmann::ordered_json::array();
  snapshot["deltas"] = nlohmann::ordered_json::array();
  return std::vector<FileChange>{created(dir / "migration.sql", sql),
                                 created(dir / "snapshot.json", snapshot.dump(2))};
}

} // namespace

core::Result<std::vector<FileChange>> custom_migration(const fs::path& folder, const std::string& name,
                                                       const std::vector<std::string>& statements,
                                                       std::chrono::system_clock::time_point now) {
  std::error_code ec;
  if (fs::exists(folder / "meta" / "_journal.json", ec)) {
    return custom_kit_0(folder, name, statements, now);
  }
  static const std::regex kit_1_folder(R"(^\d{14}_.+$)");
  std::optional<fs::path> newest;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    const std::string dir_name = entry.path().filename().string();
    if (entry.is_directory(ec) && std::regex_match(dir_name, kit_1_folder) &&
        fs::exists(entry.path() / "snapshot.json", ec) &&
        (!newest || entry.path().filename() > newest->filename())) {
      newest = entry.path();
    }
  }
  if (newest) {
    return custom_kit_1(folder, name, statements, now, *newest);
  }
  return new_migration(folder, statements, now);
}

std::vector<std::string> ordered_statements(const std::vector<MigrationStatement>& statements) {
  struct Group {
    std::string_view one;
    std::string_view many;
    std::string_view why; // what a reviewer must know of the group
    std::vector<std::string> rules;
    std::vector<std::string> sql;
  };
  std::array<Group, 3> groups = {Group{"index", "indexes", "", {}, {}},
                                 Group{"index dropped", "indexes dropped", "", {}, {}},
                                 Group{"column made jsonb",
                                       "columns made jsonb",
                                       "; each ALTER rewrites its table under an ACCESS EXCLUSIVE lock",
                                       {},
                                       {}}};
  for (const MigrationStatement& statement : statements) {
    Group& group = statement.sql.rfind("DROP ", 0) == 0    ? groups[1]
                   : statement.sql.rfind("ALTER ", 0) == 0 ? groups[2]
                                                           : groups[0];
    if (std::find(group.rules.begin(), group.rules.end(), statement.rule) == group.rules.end()) {
      group.rules.push_back(statement.rule);
    }
    group.sql.push_back(statement.sql);
  }
  std::vector<std::string> out;
  for (Group& group : groups) {
    if (group.sql.empty()) {
      continue;
    }
    group.sql.front() = "-- pgadvise fix (" + core::join(group.rules, ", ") +
                        "): " + std::to_string(group.sql.size()) + " " +
                        std::string(group.sql.size() == 1 ? group.one : group.many) + std::string(group.why) +
                        "\n" + group.sql.front();
    out.insert(out.end(), group.sql.begin(), group.sql.end());
  }
  return out;
}

core::Result<std::vector<FileChange>> new_migration(const fs::path& folder,
                                                    const std::vector<std::string>& statements,
                                                    std::chrono::system_clock::time_point now) {
  std::error_code ec;
  if (fs::exists(folder / "meta" / "_journal.json", ec)) {
    return drizzle_kit_0(folder, core::join(statements, "--> statement-breakpoint\n") + "\n", now);
  }
  // drizzle-kit 1.0: a folder per migration, <14-digit UTC stamp>_<name>/migration.sql.
  static const std::regex kit_1_folder(R"(^\d{14}_.+$)");
  std::vector<std::string> sql_files;
  bool kit_1 = false;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(ec) && std::regex_match(name, kit_1_folder) &&
        fs::exists(entry.path() / "migration.sql", ec)) {
      kit_1 = true;
    } else if (entry.is_regular_file(ec) && entry.path().extension() == ".sql") {
      sql_files.push_back(name);
    }
  }
  if (ec) {
    return core::Error("cannot read the migrations folder " + fix_label(folder) + ": " + ec.message());
  }
  if (kit_1) {
    const fs::path file = folder / (utc_stamp(now) + "_" + std::string(k_name)) / "migration.sql";
    return std::vector<FileChange>{
        created(file, core::join(statements, "--> statement-breakpoint\n") + "\n")};
  }
  // A plain folder: the newest file's prefix, number and separator, one on
  // (`0007_x.sql` -> `0008_pgadvise_fix.sql`, `V3__x.sql` -> `V4__pgadvise_fix.sql`);
  // a 14-digit number is a timestamp and gets the time now.
  // Newest by number, not by name: `10_x.sql` sorts before `9_x.sql`.
  static const std::regex numbered(R"(^([A-Za-z]*)(\d+)([^A-Za-z0-9]*).*\.sql$)");
  const auto number_of = [](const std::string& file) {
    std::smatch found;
    std::string digits = std::regex_match(file, found, numbered) ? found[2].str() : std::string();
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
    return std::make_pair(digits.size(), digits);
  };
  std::sort(sql_files.begin(), sql_files.end(), [&](const std::string& a, const std::string& b) {
    return std::make_pair(number_of(a), a) < std::make_pair(number_of(b), b);
  });
  std::string name = "0001_" + std::string(k_name) + ".sql";
  std::smatch match;
  if (!sql_files.empty() && std::regex_match(sql_files.back(), match, numbered)) {
    const std::string digits = match[2].str();
    std::string next;
    if (digits.size() == 14) {
      next = utc_stamp(now);
    } else {
      next = std::to_string(std::stoull(digits.substr(0, 18)) + 1);
      next.insert(0, next.size() < digits.size() ? digits.size() - next.size() : 0, '0');
    }
    const std::string separator = match[3].str().empty() ? "_" : match[3].str();
    name = match[1].str() + next + separator + std::string(k_name) + ".sql";
  }
  return std::vector<FileChange>{created(folder / name, core::join(statements, "\n\n") + "\n")};
}

} // namespace pgadvise::app
