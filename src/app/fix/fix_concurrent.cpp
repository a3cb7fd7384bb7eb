#include "app/fix/fix_concurrent.hpp"

#include "core/file.hpp"
#include "core/format.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace pgadvise::app {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_head = "CREATE INDEX CONCURRENTLY IF NOT EXISTS ";
constexpr std::string_view k_unique_head = "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ";

// What the script says of itself, at its top: a reviewer and whoever wires
// the deploy read it there.
std::string header() {
  return "-- Indexes on large tables, built before the migrations run. drizzle-kit migrate\n"
         "-- applies every pending migration in one transaction, where CREATE INDEX\n"
         "-- CONCURRENTLY is refused, and a plain CREATE INDEX blocks the table's writes for\n"
         "-- the whole build. Written by `pgadvise fix`; the deploy runs it in autocommit,\n"
         "-- before drizzle-kit migrate:\n"
         "--   psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f " +
         std::string(k_concurrent_script) +
         "\n"
         "-- Each index is in the schema too, and the migration that creates it says\n"
         "-- IF NOT EXISTS, so it finds the index built here. A table or column not there\n"
         "-- yet (a new database) is skipped: the migration builds that index. An index a\n"
         "-- failed build left INVALID is dropped and built again.\n";
}

std::string block(const ConcurrentIndex& index) {
  const std::string table = core::quote_literal(core::qualified_name(index.schema, index.table));
  std::string ready = "to_regclass(" + table + ") IS NOT NULL";
  if (!index.columns.empty()) {
    std::vector<std::string> names;
    for (const std::string& column : index.columns) {
      names.push_back(core::quote_literal(column));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    ready = "(SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass(" + table +
            ") AND attname IN (" + core::join(names, ", ") +
            ") AND NOT attisdropped) = " + std::to_string(names.size());
  }
  const std::string qualified = core::qualified_name(index.schema, index.name);
  return "\n-- " + index.name + ": " + index.schema + "." + index.table + ", about " +
         core::group_digits(static_cast<std::int64_t>(std::llround(index.rows))) + " rows\n" + "SELECT " +
         ready +
         " AS pgadvise_ready,\n  coalesce((SELECT NOT indisvalid FROM pg_index WHERE indexrelid = "
         "to_regclass(" +
         core::quote_literal(qualified) + ")), false) AS pgadvise_invalid\n\\gset\n\\if :pgadvise_invalid\n" +
         "DROP INDEX CONCURRENTLY " + qualified + ";\n\\endif\n\\if :pgadvise_ready\n" + index.statement +
         "\n\\endif\n";
}

// The identifier at `at` ("quoted" or plain), decoded; `end` is set past it.
std::string identifier_at(std::string_view text, std::size_t at, std::size_t& end) {
  std::string out;
  if (at < text.size() && text[at] == '"') {
    for (end = at + 1; end < text.size(); ++end) {
      if (text[end] == '"') {
        if (end + 1 < text.size() && text[end + 1] == '"') {
          out += '"';
          ++end;
          continue;
        }
        ++end;
        return out;
      }
      out += text[end];
    }
    return out;
  }
  for (end = at; end < text.size() && std::isspace(static_cast<unsigned char>(text[end])) == 0; ++end) {
    out += text[end];
  }
  return out;
}

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// The word ending just before `end` (after skipping spaces), upper-cased;
// `start` is set to where it begins.
std::string word_before(std::string_view text, std::size_t end, std::size_t& start) {
  while (end > 0 && is_space(text[end - 1])) {
    --end;
  }
  start = end;
  while (start > 0 && std::isalpha(static_cast<unsigned char>(text[start - 1])) != 0) {
    --start;
  }
  std::string word(text.substr(start, end - start));
  std::transform(word.begin(), word.end(), word.begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  return word;
}

// Each `CREATE [UNIQUE] INDEX name ON` of index `name` (drizzle-kit's
// "quoted" name, or as quote_ident writes it) in `sql`: where the statement
// starts and where IF NOT EXISTS goes (before the name).
struct Unguarded {
  std::size_t create = 0;
  std::size_t name = 0;
  bool operator<(const Unguarded& other) const { return name < other.name; }
};

std::vector<Unguarded> unguarded(std::string_view sql, const std::string& name) {
  std::vector<Unguarded> out;
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  quoted += '"';
  const std::set<std::string> spellings = {quoted, core::quote_ident(name)};
  for (const std::string& spelling : spellings) {
    for (std::size_t at = sql.find(spelling); at != std::string_view::npos; at = sql.find(spelling, at + 1)) {
      std::size_t after = at + spelling.size();
      if (after >= sql.size() || !is_space(sql[after]) || at == 0 || !is_space(sql[at - 1])) {
        continue;
      }
      while (after < sql.size() && is_space(sql[after])) {
        ++after;
      }
      std::string on(sql.substr(after, 3));
      std::transform(on.begin(), on.end(), on.begin(),
                     [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
      std::size_t start = 0;
      if (on.size() < 3 || on.substr(0, 2) != "ON" || !is_space(on[2]) ||
          word_before(sql, at, start) != "INDEX") {
        continue;
      }
      std::string before = word_before(sql, start, start);
      if (before == "UNIQUE") {
        before = word_before(sql, start, start);
      }
      if (before == "CREATE") {
        out.push_back({start, at});
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

std::optional<std::string> concurrent_statement(std::string_view ddl) {
  std::string out(core::trim(ddl));
  if (out.find('\n') != std::string::npos || out.find("--") != std::string::npos || out.empty() ||
      out.find(';') != out.size() - 1) {
    return std::nullopt;
  }
  if (out.rfind(k_head, 0) == 0 || out.rfind(k_unique_head, 0) == 0) {
    return out;
  }
  return std::nullopt;
}

std::optional<ConcurrentIndex> choose_index_build(const core::Finding& finding, const std::string& name,
                                                  const std::map<std::string, double>& table_rows,
                                                  std::vector<std::string>& notes,
                                                  std::vector<std::string>& unknown) {
  const std::string schema = finding.object.schema.empty() ? "public" : finding.object.schema;
  const std::string table = schema + "." + finding.object.table;
  const auto rows = table_rows.find(table);
  if (rows == table_rows.end()) {
    unknown.push_back(name);
    return std::nullopt;
  }
  const std::string size =
      "about " + core::group_digits(static_cast<std::int64_t>(std::llround(rows->second))) + " rows";
  const std::string threshold = core::group_digits(static_cast<std::int64_t>(k_concurrent_index_rows));
  if (rows->second < k_concurrent_index_rows) {
    notes.push_back(name + " on " + table + " (" + size + ", under " + threshold +
                    "): built by the migration; its build blocks the table's writes only briefly");
    return std::nullopt;
  }
  auto statement = finding.fix ? concurrent_statement(finding.fix->statements()) : std::nullopt;
  if (!statement) {
    notes.push_back(name + " on " + table + " (" + size +
                    "): built by the migration, since PostgreSQL cannot build it CONCURRENTLY (a partitioned "
                    "table): the table's writes wait for the build; deploy it at a quiet time");
    return std::nullopt;
  }
  notes.push_back(
      name + " on " + table + " (" + size + ", " + threshold + " or more): built CONCURRENTLY by " +
      std::string(k_concurrent_script) +
      " before the migrations, so writes go on during the build; the migration's CREATE INDEX IF NOT "
      "EXISTS then finds it");
  ConcurrentIndex index;
  index.name = name;
  index.schema = schema;
  index.table = finding.object.table;
  for (const std::string& column : finding.object.columns) {
    // Plain column names only: an expression's text is no pg_attribute name.
    if (!column.empty() && column.find_first_of("() ,") == std::string::npos) {
      index.columns.push_back(column);
    }
  }
  index.rows = rows->second;
  index.statement = std::move(*statement);
  return index;
}

std::string unknown_size_note(const std::vector<std::string>& unknown) {
  std::vector<std::string> named(unknown.begin(),
                                 unknown.begin() +
                                     static_cast<std::ptrdiff_t>(std::min<std::size_t>(unknown.size(), 3)));
  std::string list = core::join(named, ", ");
  if (unknown.size() > named.size()) {
    list += " and " + std::to_string(unknown.size() - named.size()) + " more";
  }
  return "table sizes unknown (no --db or --stats): " + list + (unknown.size() == 1 ? " is" : " are") +
         " built by the migration, which blocks the table's writes during the build; with --stats (from "
         "`pgadvise "
         "stats`), an index on a table of " +
         core::group_digits(static_cast<std::int64_t>(k_concurrent_index_rows)) +
         " rows or more is built CONCURRENTLY by a deploy script instead";
}

std::string created_index_name(std::string_view statement) {
  std::size_t at = 0;
  const auto next_word = [&]() {
    while (at < statement.size() && is_space(statement[at])) {
      ++at;
    }
    std::size_t end = at;
    while (end < statement.size() && !is_space(statement[end])) {
      ++end;
    }
    std::string word = core::to_lower(statement.substr(at, end - at));
    return word;
  };
  const auto skip = [&](std::string_view word) {
    if (next_word() == word) {
      while (at < statement.size() && !is_space(statement[at])) {
        ++at;
      }
      return true;
    }
    return false;
  };
  if (!skip("create")) {
    return {};
  }
  skip("unique");
  if (!skip("index")) {
    return {};
  }
  skip("concurrently");
  if (skip("if")) {
    skip("not");
    skip("exists");
  }
  next_word();
  std::size_t end = 0;
  return identifier_at(statement, at, end);
}

std::vector<std::string> concurrent_script_indexes(std::string_view script) {
  std::vector<std::string> names;
  for (const std::string& line : core::split(script, '\n')) {
    for (std::string_view head : {k_head, k_unique_head}) {
      if (line.rfind(head, 0) == 0) {
        std::size_t end = 0;
        names.push_back(identifier_at(line, head.size(), end));
      }
    }
  }
  return names;
}

std::optional<FileChange> concurrent_script_change(const fs::path& script,
                                                   const std::vector<ConcurrentIndex>& indexes) {
  std::error_code ec;
  const bool exists = fs::exists(script, ec);
  std::string before;
  if (exists) {
    auto text = core::read_file(script);
    if (!text) {
      return std::nullopt;
    }
    before = std::move(*text);
  }
  const std::vector<std::string> present = concurrent_script_indexes(before);
  std::string after = exists ? before : header();
  if (!after.empty() && after.back() != '\n') {
    after += '\n';
  }
  std::set<std::string> added;
  for (const ConcurrentIndex& index : indexes) {
    if (std::find(present.begin(), present.end(), index.name) == present.end() &&
        added.insert(index.name).second) {
      after += block(index);
    }
  }
  if (added.empty()) {
    return std::nullopt;
  }
  return FileChange{script, fix_label(script), before, std::move(after), !exists};
}

std::vector<FileChange> guard_migrations(const fs::path& migrations_dir,
                                         const std::vector<std::string>& names,
                                         std::vector<std::string>& notes) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(migrations_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".sql") {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<FileChange> out;
  for (const fs::path& file : files) {
    auto text = core::read_file(file);
    if (!text) {
      continue;
    }
    std::vector<Unguarded> at;
    std::vector<std::string> guarded;
    for (const std::string& name : names) {
      const std::vector<Unguarded> found = unguarded(*text, name);
      if (!found.empty()) {
        at.insert(at.end(), found.begin(), found.end());
        guarded.push_back(name);
      }
    }
    if (at.empty()) {
      continue;
    }
    // Last statement first, so earlier offsets stay valid.
    std::sort(at.rbegin(), at.rend());
    std::string after = *text;
    for (const auto& place : at) {
      after.insert(place.name, "IF NOT EXISTS ");
      const bool line_start = place.create == 0 || after[place.create - 1] == '\n';
      after.insert(place.create, (line_start ? "" : "\n") + std::string(k_built_by_script_comment));
    }
    FileChange change{file, fix_label(file), *text, std::move(after), false};
    notes.push_back(change.label + ": CREATE INDEX " + core::join(guarded, ", ") +
                    " made IF NOT EXISTS: " + std::string(k_concurrent_script) +
                    " builds it CONCURRENTLY before the migrations, and without IF NOT EXISTS the migration "
                    "would fail on the index already there");
    out.push_back(std::move(change));
  }
  return out;
}

} // namespace pgadvise::app
