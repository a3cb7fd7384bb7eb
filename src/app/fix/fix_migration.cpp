#include "app/fix/fix_migration.hpp"

#include "core/file.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>
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

} // namespace

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
