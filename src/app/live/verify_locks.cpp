#include "app/live/verify_locks.hpp"

#include "core/file.hpp"
#include "core/text.hpp"
#include "core/whitespace.hpp"
#include "loaders/sql/lexer.hpp"
#include "loaders/sql/migrations.hpp"
#include "pg/parser.hpp"
#include "pg/session_command.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace pgadvise::app {

namespace {

constexpr std::size_t k_shown_statement = 200;
constexpr std::size_t k_max_setup_notes = 5;
constexpr std::string_view k_lock_timeout = "5s";

// One statement of a migration file.
struct Statement {
  core::SourceLocation location;
  int end_line = 0;
  std::string text; // as in the file, from its first token to its last
};

// A relation of the database: what a rewrite changes (relfilenode).
struct Relation {
  std::string schema;
  std::string name;
  char kind = 'r';
  std::string relfilenode;
};
using Relations = std::map<std::string, Relation>; // by oid

constexpr std::string_view k_relations_sql =
    "SELECT c.oid::text, n.nspname, c.relname, c.relkind::text, c.relfilenode::text FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'i', 'I', 'm', 'v') "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'";

constexpr std::string_view k_locks_sql =
    "SELECT relation::text, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' "
    "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

// The columns a row of a table needs (NOT NULL, no default, not generated),
// with a value of their type's category, to fill one row.
constexpr std::string_view k_row_columns_sql =
    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), b.typcategory::text, b.typname, "
    "(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = b.oid ORDER BY e.enumsortorder LIMIT 1) "
    "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
    "JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
    "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull "
    "AND NOT a.atthasdef AND a.attidentity = '' AND a.attgenerated = '' ORDER BY a.attnum";

std::string value_or(const pg::Value& value) {
  return value.value_or("");
}

std::vector<Statement> statements_of(const std::string& file, const std::string& raw) {
  const std::string text = loaders::blank_psql_meta_lines(raw);
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::size_t covered = 0;
  if (auto split = pg::split(text)) {
    for (const pg::StatementSpan& span : *split) {
      spans.emplace_back(span.offset, span.length);
      covered = span.offset + span.length;
    }
  }
  for (const loaders::TextSpan& rest : loaders::split_at_semicolons(std::string_view(text).substr(covered))) {
    spans.emplace_back(covered + rest.offset, rest.length);
  }
  const core::LineIndex lines(text);
  std::vector<Statement> out;
  for (const auto& [offset, length] : spans) {
    const loaders::SqlTokens tokens(std::string_view(text).substr(offset, length));
    if (tokens.tokens().empty()) {
      continue;
    }
    const std::size_t begin = offset + tokens.tokens().front().begin;
    const std::size_t end = offset + tokens.tokens().back().end;
    Statement statement;
    statement.location = lines.locate(file, begin);
    statement.end_line = lines.line_of(end > begin ? end - 1 : begin);
    statement.text = text.substr(begin, end - begin);
    out.push_back(std::move(statement));
  }
  return out;
}

// What a statement is, for how it is run.
enum class Kind {
  observed,    // probed, then applied
  session_set, // SET of anything but the timeouts: applied, not probed
  skipped,     // BEGIN, COMMIT, SET lock_timeout / statement_timeout: each probe has its own
};

Kind kind_of(std::string_view sql) {
  const pg::SessionCommand command = pg::session_command(sql);
  switch (command.kind) {
  case pg::SessionCommand::Kind::unparsed: return Kind::observed; // PostgreSQL says what is wrong with it
  case pg::SessionCommand::Kind::transaction: return Kind::skipped;
  case pg::SessionCommand::Kind::set:
    return command.setting == "lock_timeout" || command.setting == "statement_timeout" ||
                   command.setting == "idle_in_transaction_session_timeout"
               ? Kind::skipped
               : Kind::session_set;
  case pg::SessionCommand::Kind::other: return Kind::observed;
  }
  return Kind::observed;
}

class Observer {
public:
  Observer(pg::Connection& session, std::chrono::milliseconds statement_timeout)
      : m_session(session), m_statement_timeout(statement_timeout) {}

  std::optional<pg::DbError> setup(const std::string& file, VerifyReport& report) {
    const auto text = core::read_file(file, loaders::k_max_sql_file_bytes);
    if (!text) {
      report.notes.push_back(file + ": " + text.error().message);
      return std::nullopt;
    }
    for (const Statement& statement : statements_of(file, *text)) {
      if (kind_of(statement.text) == Kind::skipped) {
        continue;
      }
      auto applied = m_session.query(statement.text, {}, "setup");
      if (!applied && applied.error().kind == pg::ErrorKind::connection) {
        return applied.error();
      }
      if (!applied && ++m_setup_failures <= k_max_setup_notes) {
        report.notes.push_back("the earlier migration " + statement.location.to_string() +
                               " could not be applied to the throwaway database: " + applied.error().message);
      }
    }
    return std::nullopt;
  }

  // Every table there is now: "schema.name" (the tables the judged
  // migrations find in place).
  core::Result<std::set<std::string>> tables() {
    auto relations = snapshot();
    if (!relations) {
      return relations.error().to_error();
    }
    std::set<std::string> out;
    for (const auto& [oid, relation] : *relations) {
      if (relation.kind == 'r' || relation.kind == 'p') {
        out.insert(relation.schema + "." + relation.name);
      }
    }
    return out;
  }

  std::optional<pg::DbError> observe(const std::string& file, const std::set<std::string>& preexisting,
                                     VerifyReport& report) {
    const auto text = core::read_file(file, loaders::k_max_sql_file_bytes);
    if (!text) {
      report.notes.push_back(file + ": " + text.error().message);
      return std::nullopt;
    }
    for (const Statement& statement : statements_of(file, *text)) {
      const Kind kind = kind_of(statement.text);
      if (kind == Kind::skipped) {
        continue;
      }
      if (kind == Kind::session_set) {
        static_cast<void>(m_session.query(statement.text, {}, "migration SET"));
        continue;
      }
      auto observed = observe_one(statement, preexisting);
      if (!observed) {
        return observed.error();
      }
      report.statements.push_back(std::move(*observed));
    }
    return std::nullopt;
  }

private:
  pg::DbResult<Relations> snapshot() {
    auto rows = m_session.query(k_relations_sql, {}, "verify-locks: relations");
    if (!rows) {
      return rows.error();
    }
    Relations out;
    for (const pg::Row& row : rows->rows) {
      const std::string kind = value_or(row[3]);
      out[value_or(row[0])] =
          Relation{value_or(row[1]), value_or(row[2]), kind.empty() ? 'r' : kind[0], value_or(row[4])};
    }
    return out;
  }

  std::optional<pg::DbError> begin() {
    for (const std::string& sql :
         {std::string("BEGIN"), "SET LOCAL lock_timeout = '" + std::string(k_lock_timeout) + "'",
          "SET LOCAL statement_timeout = " + std::to_string(m_statement_timeout.count())}) {
      if (auto done = m_session.query(sql, {}, "verify-locks"); !done) {
        return done.error();
      }
    }
    return std::nullopt;
  }

  void rollback() { static_cast<void>(m_session.query("ROLLBACK", {}, "verify-locks")); }

  // Relation locks of this backend, by oid: every mode it holds.
  pg::DbResult<std::multimap<std::string, model::LockMode>> locks() {
    auto rows = m_session.query(k_locks_sql, {}, "verify-locks: pg_locks");
    if (!rows) {
      return rows.error();
    }
    std::multimap<std::string, model::LockMode> out;
    for (const pg::Row& row : rows->rows) {
      if (const auto mode = model::lock_mode_from_pg_locks(value_or(row[1]))) {
        out.emplace(value_or(row[0]), *mode);
      }
    }
    return out;
  }

  pg::DbResult<ObservedStatement> observe_one(const Statement& statement,
                                              const std::set<std::string>& preexisting) {
    ObservedStatement out;
    out.location = statement.location;
    out.end_line = statement.end_line;
    out.text = core::collapse_whitespace(statement.text, k_shown_statement);
    auto before = snapshot();
    if (!before) {
      return before.error();
    }
    if (auto failed = begin()) {
      return *failed;
    }
    auto held_before = locks();
    if (!held_before) {
      return held_before.error();
    }
    auto ran = m_session.query(statement.text, {}, "migration statement");
    if (!ran) {
      rollback();
      out.error = ran.error().message;
      if (ran.error().kind == pg::ErrorKind::connection) {
        return ran.error();
      }
      out.refused_in_transaction = ran.error().sqlstate == "25001";
    } else {
      auto held = locks();
      auto after = snapshot();
      rollback();
      if (!held) {
        return held.error();
      }
      if (!after) {
        return after.error();
      }
      read_locks(*before, *after, *held_before, *held, preexisting, out);
      out.rewritten = rewritten(*before, *after);
      if (!out.preexisting.empty()) {
        try_with_rows(statement, *before, out);
      }
    }
    // Applied for real (in autocommit), so the next statement finds what it expects.
    auto applied = m_session.query(statement.text, {}, "migration statement");
    if (!applied && applied.error().kind == pg::ErrorKind::connection) {
      return applied.error();
    }
    if (out.refused_in_transaction && applied) {
      // Locks cannot be read in autocommit; a rewrite still shows.
      if (auto after = snapshot()) {
        out.rewritten = rewritten(*before, *after);
      }
    }
    return out;
  }

  static void read_locks(const Relations& relations, const Relations& renamed,
                         const std::multimap<std::string, model::LockMode>& before,
                         const std::multimap<std::string, model::LockMode>& after,
                         const std::set<std::string>& preexisting, ObservedStatement& out) {
    for (const auto& [oid, taken] : after) {
      const model::LockMode mode = taken;
      const auto range = before.equal_range(oid);
      const bool held_already =
          std::any_of(range.first, range.second, [mode](const auto& each) { return each.second == mode; });
      const auto relation = relations.find(oid);
      if (held_already || relation == relations.end()) {
        continue; // a relation this statement created, or a lock from before it
      }
      ObservedLock lock{relation->second.schema, relation->second.name, relation->second.kind, mode, {}, {}};
      // A relation the statement renamed keeps its oid: its new name is
      // the one the replay's steps (and the findings) use.
      if (const auto now = renamed.find(oid);
          now != renamed.end() && (now->second.schema != lock.schema || now->second.name != lock.relation)) {
        lock.renamed_schema = now->second.schema;
        lock.renamed_to = now->second.name;
      }
      out.locks.push_back(std::move(lock));
      const std::string table = relation->second.schema + "." + relation->second.name;
      if ((relation->second.kind == 'r' || relation->second.kind == 'p') && preexisting.count(table) > 0 &&
          std::find(out.preexisting.begin(), out.preexisting.end(), table) == out.preexisting.end()) {
        out.preexisting.push_back(table);
      }
    }
    // One entry per relation, its strongest mode; tables before indexes.
    std::sort(out.locks.begin(), out.locks.end(), [](const ObservedLock& a, const ObservedLock& b) {
      const bool a_index = a.kind == 'i' || a.kind == 'I';
      const bool b_index = b.kind == 'i' || b.kind == 'I';
      if (a_index != b_index) {
        return !a_index;
      }
      if (a.mode != b.mode) {
        return a.mode > b.mode;
      }
      return a.schema + "." + a.relation < b.schema + "." + b.relation;
    });
    std::set<std::string> seen;
    std::erase_if(out.locks, [&](const ObservedLock& lock) {
      return !seen.insert(lock.schema + "." + lock.relation).second;
    });
  }

  static std::vector<std::string> rewritten(const Relations& before, const Relations& after) {
    std::vector<std::string> out;
    for (const auto& [oid, relation] : before) {
      const auto now = after.find(oid);
      if (relation.kind == 'r' && now != after.end() && now->second.relfilenode != relation.relfilenode) {
        out.push_back(relation.schema + "." + relation.name);
      }
    }
    return out;
  }

  // One row for `oid`'s table: an INSERT, or nullopt when a column's type
  // has no value pgadvise knows to give.
  std::optional<std::string> row_insert(const std::string& oid, const Relation& table) {
    auto columns = m_session.query(k_row_columns_sql, {oid}, "verify-locks: columns");
    if (!columns) {
      return std::nullopt;
    }
    std::vector<std::string> names;
    std::vector<std::string> values;
    for (const pg::Row& row : columns->rows) {
      const std::string type = value_or(row[1]);
      const std::string category = value_or(row[2]);
      const std::string base = value_or(row[3]);
      std::string value;
      if (row[4]) {
        value = core::quote_literal(*row[4]); // an enum's first label
      } else if (category == "N") {
        value = "1";
      } else if (category == "S") {
        value = "'x'";
      } else if (category == "B") {
        value = "true";
      } else if (category == "D") {
        value = "now()";
      } else if (category == "T") {
        value = "'1 day'";
      } else if (category == "A" || base == "json" || base == "jsonb") {
        value = "'{}'";
      } else if (category == "I") {
        value = "'127.0.0.1'";
      } else if (base == "uuid") {
        value = "gen_random_uuid()";
      } else if (base == "bytea") {
        value = "'\\x00'";
      } else {
        return std::nullopt;
      }
      names.push_back(core::quote_ident(value_or(row[0])));
      values.push_back(value + "::" + type);
    }
    const std::string name = core::quote_ident(table.schema) + "." + core::quote_ident(table.name);
    return names.empty() ? "INSERT INTO " + name + " DEFAULT VALUES"
                         : "INSERT INTO " + name + " (" + core::join(names, ", ") + ") VALUES (" +
                               core::join(values, ", ") + ")";
  }

  // The statement again, with one row in each existing table it locked:
  // whether it fails on a table with rows (a NOT NULL column without a
  // default, SET NOT NULL over a null, a unique key over duplicates, ...).
  void try_with_rows(const Statement& statement, const Relations& relations, ObservedStatement& out) {
    if (begin()) {
      rollback();
      return;
    }
    // Foreign keys are not checked for the made-up rows (a superuser's setting).
    if (!m_session.query("SAVEPOINT rows", {}, "verify-locks") ||
        !m_session.query("SET LOCAL session_replication_role = replica", {}, "verify-locks")) {
      static_cast<void>(m_session.query("ROLLBACK TO SAVEPOINT rows", {}, "verify-locks"));
    }
    bool filled = false;
    for (const auto& [oid, relation] : relations) {
      const std::string table = relation.schema + "." + relation.name;
      if (std::find(out.preexisting.begin(), out.preexisting.end(), table) == out.preexisting.end()) {
        continue;
      }
      const std::optional<std::string> insert = row_insert(oid, relation);
      if (!insert || !m_session.query("SAVEPOINT rows", {}, "verify-locks")) {
        continue;
      }
      if (m_session.query(*insert, {}, "verify-locks: one row")) {
        filled = true;
      } else {
        static_cast<void>(m_session.query("ROLLBACK TO SAVEPOINT rows", {}, "verify-locks"));
      }
    }
    if (filled) {
      out.rows_tried = true;
      if (auto ran = m_session.query(statement.text, {}, "migration statement with rows"); !ran) {
        out.error_with_rows = ran.error().message;
      }
    }
    rollback();
  }

  pg::Connection& m_session;
  std::chrono::milliseconds m_statement_timeout;
  std::size_t m_setup_failures = 0;
};

} // namespace

core::Result<VerifyReport> observe_migrations(pg::Connection& session, const std::vector<VerifyFile>& files,
                                              std::chrono::milliseconds statement_timeout) {
  VerifyReport report;
  if (auto version = session.query(
          "SELECT 'PostgreSQL ' || split_part(current_setting('server_version'), ' ', 1)", {}, "version")) {
    report.server = value_or(version->rows.empty() ? pg::Value{} : version->rows[0][0]);
  }
  Observer observer(session, statement_timeout);
  for (const VerifyFile& file : files) {
    // The tables in place when the file starts: an earlier migration's,
    // which the SQL replay calls existing too (one made in the same file is
    // new and empty).
    std::set<std::string> preexisting;
    if (file.observed) {
      auto tables = observer.tables();
      if (!tables) {
        return tables.error();
      }
      preexisting = std::move(*tables);
    }
    auto failed =
        file.observed ? observer.observe(file.path, preexisting, report) : observer.setup(file.path, report);
    if (failed) {
      return failed->to_error();
    }
  }
  return report;
}

bool lock_is_on(const ObservedLock& lock, std::string_view qualified) {
  return lock.schema + "." + lock.relation == qualified ||
         (!lock.renamed_to.empty() && lock.renamed_schema + "." + lock.renamed_to == qualified);
}

std::string describe_observation(const ObservedStatement& statement) {
  if (statement.refused_in_transaction) {
    return "refused inside a transaction (" + statement.error + ")" +
           (statement.rewritten.empty() ? std::string() : "; applied in autocommit, table rewritten");
  }
  if (!statement.error.empty()) {
    return "failed: " + statement.error;
  }
  std::vector<std::string> parts;
  std::map<model::LockMode, std::vector<std::string>, std::greater<>> tables;
  for (const ObservedLock& lock : statement.locks) {
    // Views too: DROP VIEW and CREATE OR REPLACE VIEW lock the view itself.
    const bool view = lock.kind == 'v' || lock.kind == 'm';
    if (lock.kind == 'r' || lock.kind == 'p' || view) {
      const auto shown = [](const std::string& schema, const std::string& name) {
        return schema == "public" ? name : schema + "." + name;
      };
      std::string name = (view ? "view " : "") + shown(lock.schema, lock.relation);
      if (!lock.renamed_to.empty()) {
        name += " (renamed to " + shown(lock.renamed_schema, lock.renamed_to) + ")";
      }
      tables[lock.mode].push_back(std::move(name));
    }
  }
  for (const auto& [mode, names] : tables) {
    parts.push_back(std::string(model::to_string(mode)) + " on " + core::join(names, ", "));
  }
  if (parts.empty()) {
    parts.emplace_back("no lock on an existing table");
  }
  std::string out = core::join(parts, "; ");
  if (!statement.rewritten.empty()) {
    out += statement.rewritten.size() == 1 ? ", table rewritten" : ", tables rewritten";
  }
  if (statement.rows_tried && !statement.error_with_rows.empty()) {
    out += "; with a row in the table it fails: " + statement.error_with_rows;
  }
  return out;
}

} // namespace pgadvise::app
