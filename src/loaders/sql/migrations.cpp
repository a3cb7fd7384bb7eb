#include "loaders/sql/migrations.hpp"

#include "core/file.hpp"
#include "core/utf8.hpp"
#include "loaders/sql/lexer.hpp"
#include "loaders/sql/replay.hpp"
#include "loaders/sql/replay_locks.hpp"
#include "loaders/sql/replay_script.hpp"
#include "loaders/sql/script_text.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>

namespace pgadvise::loaders {

namespace fs = std::filesystem;

namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// "2_x" < "10_x": runs of digits compare as numbers.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t end_a = i;
      std::size_t end_b = j;
      while (end_a < a.size() && is_digit(a[end_a])) {
        ++end_a;
      }
      while (end_b < b.size() && is_digit(b[end_b])) {
        ++end_b;
      }
      std::string_view run_a = std::string_view(a).substr(i, end_a - i);
      std::string_view run_b = std::string_view(b).substr(j, end_b - j);
      run_a.remove_prefix(std::min(run_a.find_first_not_of('0'), run_a.size()));
      run_b.remove_prefix(std::min(run_b.find_first_not_of('0'), run_b.size()));
      if (run_a.size() != run_b.size()) {
        return run_a.size() < run_b.size();
      }
      if (run_a != run_b) {
        return run_a < run_b;
      }
      i = end_a;
      j = end_b;
      continue;
    }
    if (a[i] != b[j]) {
      return a[i] < b[j];
    }
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) {
    return (a.size() - i) < (b.size() - j);
  }
  return a < b;
}

void add_note(std::vector<std::string>* notes, std::string note) {
  if (notes != nullptr) {
    notes->push_back(std::move(note));
  }
}

// A migration of the folder: top-level NAME.sql, or NAME/migration.sql
// (drizzle-kit 1.x and Prisma keep one folder per migration).
struct Candidate {
  std::string name; // sort key: file name or folder name
  fs::path path;
};

std::vector<Candidate> folder_migrations(const fs::path& dir) {
  std::vector<Candidate> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && path.extension() == ".sql") {
      out.push_back({path.filename().string(), path});
    } else if (it->is_directory(type_ec) && path.filename() != "meta" &&
               fs::is_regular_file(path / "migration.sql", type_ec)) {
      out.push_back({path.filename().string(), path / "migration.sql"});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Candidate& a, const Candidate& b) { return natural_less(a.name, b.name); });
  return out;
}

struct JournalEntry {
  long long idx = 0;
  std::size_t position = 0;
  std::string tag;
};

// Tags of meta/_journal.json in `idx` order, or nullopt when unusable.
std::optional<std::vector<std::string>> journal_tags(const fs::path& journal,
                                                     std::vector<std::string>* notes) {
  const auto text = core::read_file(journal);
  const std::string shown = display_path(journal);
  if (!text) {
    add_note(notes, shown + " " + text.error().message + "; using file name order");
    return std::nullopt;
  }
  const nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    add_note(notes, shown + " is not valid JSON; using file name order");
    return std::nullopt;
  }
  const auto entries = parsed.find("entries");
  if (entries == parsed.end() || !entries->is_array()) {
    add_note(notes, shown + " has no \"entries\" list; using file name order");
    return std::nullopt;
  }
  std::vector<JournalEntry> found;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const nlohmann::json& entry = (*entries)[i];
    const auto tag = entry.is_object() ? entry.find("tag") : entry.end();
    if (!entry.is_object() || tag == entry.end() || !tag->is_string()) {
      add_note(notes, shown + ": entry " + std::to_string(i) + " has no \"tag\"; skipped");
      continue;
    }
    const auto idx = entry.find("idx");
    const long long order =
        idx != entry.end() && idx->is_number_integer() ? idx->get<long long>() : static_cast<long long>(i);
    found.push_back({order, i, tag->get<std::string>()});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const JournalEntry& a, const JournalEntry& b) { return a.idx < b.idx; });
  std::vector<std::string> tags;
  for (const JournalEntry& entry : found) {
    tags.push_back(entry.tag);
  }
  return tags;
}

// The transaction a migration file runs in by where it sits: drizzle-kit's
// folders (meta/_journal.json beside the files, or drizzle-kit 1.0's folder
// per migration with its snapshot.json), whose migrator runs all pending
// migrations in one transaction (drizzle-orm's PgDialect.migrate); Prisma
// Migrate's (NAME/migration.sql beside migration_lock.toml), which sends
// each file as one query: PostgreSQL runs a query of several statements as
// one transaction (replay_script leaves a file of one statement out).
model::MigrationTransaction folder_runner_transaction(const fs::path& file) {
  std::error_code ec;
  const fs::path dir = file.parent_path();
  if (fs::exists(dir / "meta" / "_journal.json", ec) ||
      (file.filename() == "migration.sql" && fs::exists(dir / "snapshot.json", ec))) {
    return model::MigrationTransaction::drizzle_kit;
  }
  if (file.filename() == "migration.sql" && fs::exists(dir.parent_path() / "migration_lock.toml", ec)) {
    return model::MigrationTransaction::prisma;
  }
  return model::MigrationTransaction::none;
}

// Replays `text`, which it blanks and repairs in place: a big migration is
// held once, not copied, and given back as the replay walks past it.
void replay_text(replay::ScriptText text, const std::string& file_label, SchemaLoad& into,
                 model::MigrationTransaction runner_transaction, replay::ReplayNames* names = nullptr) {
  into.catalog.source = model::SchemaSource::sql_replay;
  if (text.view().find('\0') != std::string_view::npos) {
    into.diagnostics.push_back(make_diagnostic(k_parse_error, core::Severity::high,
                                               "file is binary (it contains NUL bytes), not SQL; skipped",
                                               {file_label, 1, 1}, "Pass SQL text files only."));
    return;
  }
  blank_psql_meta_lines_in_place(text.chars());
  // libpg_query's JSON carries identifiers and literals verbatim, and a JSON
  // reader rejects invalid UTF-8: such bytes become '?' (offsets unchanged).
  if (const std::size_t replaced = core::utf8::replace_invalid(text.chars()); replaced > 0) {
    into.notes.push_back(file_label + ": not valid UTF-8; " + std::to_string(replaced) +
                         " bytes were read as '?'");
  }
  replay::Replay replay(into, file_label, text, names);
  replay.set_runner_transaction(runner_transaction == model::MigrationTransaction::none
                                    ? replay::runner_transaction_from_text(text.view())
                                    : runner_transaction);
  replay::replay_script(replay);
  if (!replay.skipped().empty()) {
    int total = 0;
    std::string kinds;
    for (const auto& [kind, count] : replay.skipped()) {
      total += count;
      kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(count);
    }
    into.notes.push_back(file_label + ": " + std::to_string(total) +
                         (total == 1 ? " statement does not change the schema model and was skipped ("
                                     : " statements do not change the schema model and were skipped (") +
                         kinds + ")");
  }
}

} // namespace

void replay_sql(std::string_view sql, const std::string& file_label, SchemaLoad& into) {
  replay_sql(sql, file_label, into, model::MigrationTransaction::none);
}

void replay_sql(std::string_view sql, const std::string& file_label, SchemaLoad& into,
                model::MigrationTransaction runner_transaction) {
  replay_text(replay::ScriptText(sql), file_label, into, runner_transaction);
}

void replay_sql_files(const std::vector<fs::path>& files, SchemaLoad& into) {
  into.catalog.source = model::SchemaSource::sql_replay;
  replay::ReplayNames names; // each file's replay hands them to the next
  for (const fs::path& file : files) {
    const std::string label = display_path(file);
    auto text = replay::ScriptText::read(file, k_max_sql_file_bytes);
    if (!text) {
      into.diagnostics.push_back(make_diagnostic(k_parse_error, core::Severity::high,
                                                 "file " + text.error().message, {label, 0, 0},
                                                 "Check the path and its permissions."));
      continue;
    }
    ++into.files_read;
    into.replayed_files.push_back(label);
    replay_text(std::move(*text), label, into, folder_runner_transaction(file), &names);
  }
  if (!files.empty()) {
    into.catalog.migrations_runner = folder_runner_transaction(files.front());
  }
  if (into.catalog.source_description.empty()) {
    into.catalog.source_description =
        "SQL replay of " + std::to_string(into.files_read) + (into.files_read == 1 ? " file" : " files");
  }
}

core::Result<std::vector<fs::path>> migration_order(const fs::path& dir, std::vector<std::string>* notes,
                                                    std::vector<fs::path>* unjournaled) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return core::Error("not a directory", {display_path(dir), 0, 0});
  }
  const std::vector<Candidate> candidates = folder_migrations(dir);
  std::vector<fs::path> ordered;
  const fs::path journal = dir / "meta" / "_journal.json";
  std::optional<std::vector<std::string>> tags;
  if (fs::exists(journal, ec)) {
    tags = journal_tags(journal, notes);
  }
  if (!tags) {
    for (const Candidate& candidate : candidates) {
      ordered.push_back(candidate.path);
    }
    return ordered;
  }
  std::vector<bool> used(candidates.size(), false);
  for (const std::string& tag : *tags) {
    const std::string file = tag + ".sql"; // once a tag, not once a tag and candidate
    const auto it = std::find_if(candidates.begin(), candidates.end(), [&](const Candidate& c) {
      return c.name == file || (c.name == tag && c.path.filename() == "migration.sql");
    });
    if (it == candidates.end()) {
      add_note(notes, display_path(journal) + ": entry \"" + tag + "\" has no " + tag + ".sql; skipped");
      continue;
    }
    const auto index = static_cast<std::size_t>(it - candidates.begin());
    if (!used[index]) {
      used[index] = true;
      ordered.push_back(it->path);
    }
  }
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!used[i]) {
      // drizzle-kit migrate applies the journal's entries and nothing else.
      add_note(notes, display_path(candidates[i].path) +
                          " is not in meta/_journal.json, so drizzle-kit migrate never applies it; not "
                          "replayed");
      if (unjournaled != nullptr) {
        unjournaled->push_back(candidates[i].path);
      }
    }
  }
  return ordered;
}

std::string display_path(const fs::path& path) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec || path.empty()) {
    return path.string();
  }
  const fs::path absolute = (path.is_absolute() ? path : cwd / path).lexically_normal();
  const fs::path relative = absolute.lexically_relative(cwd.lexically_normal());
  if (relative.empty() || *relative.begin() == "..") {
    return path.string();
  }
  return relative.string();
}

} // namespace pgadvise::loaders
