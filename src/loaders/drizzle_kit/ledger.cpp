#include "loaders/drizzle_kit/ledger.hpp"

#include "core/file.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pgadvise::loaders {

namespace fs = std::filesystem;

namespace {

std::string crlf_to_lf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

// The 1-based line of the journal entry naming `tag`, for locating a missing file.
int journal_line_of(std::string_view journal_text, std::string_view tag) {
  const std::string needle = "\"" + std::string(tag) + "\"";
  const auto at = journal_text.find(needle);
  if (at == std::string_view::npos) {
    return 1;
  }
  return 1 + static_cast<int>(std::count(journal_text.begin(),
                                         journal_text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

std::optional<std::int64_t> to_int64(const pg::Value& value) {
  if (!value || value->empty()) {
    return std::nullopt;
  }
  try {
    std::size_t used = 0;
    const long long parsed = std::stoll(*value, &used);
    return used == value->size() ? std::optional<std::int64_t>(parsed) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt; // not a number: treated as unknown
  }
}

} // namespace

std::vector<model::MigrationFile> read_migration_files(const fs::path& migrations_dir,
                                                       std::string& journal_display,
                                                       std::vector<std::string>& notes) {
  std::vector<model::MigrationFile> files;
  const fs::path journal = migrations_dir / "meta" / "_journal.json";
  journal_display = journal.string();
  const auto text = core::read_file(journal);
  if (!text) {
    notes.push_back("drizzle migrations: no readable " + journal_display + "; migration files not compared");
    return files;
  }
  const nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("entries") || !parsed["entries"].is_array()) {
    notes.push_back("drizzle migrations: " + journal_display +
                    " is not a drizzle-kit journal; files not compared");
    return files;
  }
  for (const nlohmann::json& entry : parsed["entries"]) {
    if (!entry.is_object() || !entry.contains("tag") || !entry["tag"].is_string() ||
        !entry.contains("when") || !entry["when"].is_number_integer()) {
      notes.push_back("drizzle migrations: " + journal_display + ": an entry without tag/when was skipped");
      continue;
    }
    model::MigrationFile file;
    file.tag = entry["tag"].get<std::string>();
    file.when = entry["when"].get<std::int64_t>();
    const fs::path sql = migrations_dir / (file.tag + ".sql");
    if (const auto body = core::read_file(sql)) {
      file.exists = true;
      file.hash = core::sha256_hex(*body);
      file.hash_lf = core::sha256_hex(crlf_to_lf(*body));
      file.location = core::SourceLocation{sql.string(), 1, 1};
    } else {
      file.location = core::SourceLocation{journal_display, journal_line_of(*text, file.tag), 0};
    }
    files.push_back(std::move(file));
  }
  return files;
}

namespace {

pg::DbResult<std::optional<model::MigrationLedger>>
load_ledger_table(pg::Connection& connection, const LedgerTable& where,
                  const std::optional<fs::path>& migrations_dir, std::vector<std::string>& notes) {
  const std::string qualified = core::quote_ident(where.schema) + "." + core::quote_ident(where.table);
  // to_regclass never errors on a missing schema or table, and needs no
  // privilege on the table.
  auto exists = connection.query("SELECT to_regclass($1) IS NOT NULL AS found", {qualified},
                                 "drizzle migrations table lookup");
  if (!exists) {
    return exists.error();
  }
  if (exists->get(0, "found").value_or("f") != "t") {
    return std::optional<model::MigrationLedger>{};
  }
  auto rows = connection.query("SELECT id::text AS id, hash, created_at::text AS created_at FROM " +
                                   qualified + " ORDER BY id",
                               {}, "drizzle migrations table");
  if (!rows) {
    return rows.error();
  }
  model::MigrationLedger ledger;
  ledger.schema = where.schema;
  ledger.name = where.table;
  ledger.table = qualified;
  for (std::size_t r = 0; r < rows->rows.size(); ++r) {
    model::AppliedMigration applied;
    applied.id = to_int64(rows->get(r, "id")).value_or(0);
    applied.hash = core::to_lower(rows->get(r, "hash").value_or(""));
    applied.created_at = to_int64(rows->get(r, "created_at"));
    ledger.applied.push_back(std::move(applied));
  }
  if (migrations_dir) {
    ledger.files = read_migration_files(*migrations_dir, ledger.journal, notes);
    ledger.files_read = !ledger.files.empty();
  } else {
    notes.push_back("drizzle migrations: " + qualified +
                    " found, but no migration folder to compare it with");
  }
  notes.push_back("drizzle migrations: " + std::to_string(ledger.applied.size()) + " applied in " +
                  qualified + ", " + std::to_string(ledger.files.size()) + " in the journal");
  return std::optional<model::MigrationLedger>{std::move(ledger)};
}

} // namespace

pg::DbResult<std::optional<model::MigrationLedger>>
load_drizzle_ledger(pg::Connection& connection, const LedgerTable& where,
                    const std::optional<fs::path>& migrations_dir, std::vector<std::string>& notes) {
  auto ledger = load_ledger_table(connection, where, migrations_dir, notes);
  const LedgerTable fallback;
  if (!ledger || ledger->has_value() || (where.schema == fallback.schema && where.table == fallback.table)) {
    return ledger;
  }
  // drizzle.config's `migrations` is drizzle-kit migrate's; an app that
  // migrates with drizzle-orm's migrate(db, { migrationsFolder }) at start-up
  // (Dokploy's migration.ts) records in the default table all the same.
  auto fallen = load_ledger_table(connection, fallback, migrations_dir, notes);
  if (fallen && fallen->has_value()) {
    notes.push_back("drizzle migrations: " + core::quote_ident(where.schema) + "." +
                    core::quote_ident(where.table) +
                    " (drizzle.config's migrations table) does not exist; read drizzle-orm's default table, "
                    "where migrate() records unless given migrationsTable");
  }
  return fallen;
}

} // namespace pgadvise::loaders
