#pragma once

#include "core/result.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

// libpq behind RAII and value types. This and src/pg/parser.* are the only
// files that include a PostgreSQL C header; the handles are forward-declared.
struct pg_conn;

namespace pgadvise::pg {

// How pgadvise talks to a target that may be production: read-only sessions
// with statement and lock timeouts unless the user asks otherwise.
struct ConnectOptions {
  // A libpq URI (postgresql://...) or key=value string; empty: the PG*
  // environment (PGHOST, PGDATABASE, ...) alone.
  std::string conninfo;
  std::chrono::milliseconds statement_timeout{30'000}; // 0: none
  std::chrono::milliseconds lock_timeout{2'000};       // 0: none
  int connect_timeout_seconds = 10;                    // libpq rounds values below 2 up to 2
  // false only for index verification against staging (--verify=real):
  // then the session may create an index inside a rolled-back transaction.
  bool read_only = true;
  // If the server has not answered this long after statement_timeout (a
  // pooler or proxy that ignores the setting, a dead network), pgadvise
  // cancels the statement itself, so it never hangs.
  std::chrono::milliseconds client_grace{5'000};
};

enum class ErrorKind {
  connect,      // could not connect or authenticate
  timeout,      // statement_timeout, or pgadvise cancelled it (SQLSTATE 57014)
  lock_timeout, // lock_timeout (SQLSTATE 55P03)
  read_only,    // a write in a read-only session (SQLSTATE 25006)
  permission,   // insufficient privilege (SQLSTATE 42501)
  query,        // any other statement error
  connection,   // the connection broke or was closed
};
std::string_view to_string(ErrorKind kind);

// A database error, already one line and without secrets. `position` is the
// 1-based character offset into the statement when the server gave one.
struct DbError {
  ErrorKind kind = ErrorKind::query;
  std::string message;
  std::string sqlstate; // five characters, or empty (client-side errors)
  std::string context;  // what pgadvise was doing: "live catalog: columns", a query label
  int position = 0;

  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] core::Error to_error() const { return core::Error(to_string()); }
};

template <typename T> class DbResult {
public:
  DbResult(T value) : m_value(std::move(value)) {}       // NOLINT(google-explicit-constructor)
  DbResult(DbError error) : m_value(std::move(error)) {} // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(m_value); }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] T& value() & { return std::get<T>(m_value); }
  [[nodiscard]] const T& value() const& { return std::get<T>(m_value); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(m_value)); }
  [[nodiscard]] const DbError& error() const { return std::get<DbError>(m_value); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

private:
  std::variant<T, DbError> m_value;
};

using Value = std::optional<std::string>; // SQL NULL is nullopt
using Row = std::vector<Value>;

// A query's rows, every value as PostgreSQL's text output.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  std::int64_t affected = 0; // PQcmdTuples for INSERT/UPDATE/DELETE, else 0

  [[nodiscard]] std::optional<std::size_t> column_index(std::string_view name) const;
  // The value of `column` in `row`, or nullopt for NULL or an unknown column.
  [[nodiscard]] const Value& get(std::size_t row, std::string_view column) const;
};

// One statement of a pipeline: its text (one statement) and its parameters.
struct Statement {
  std::string sql;
  std::vector<Value> params;
};

class Connection {
public:
  // Connects and prepares the session (read-only, timeouts,
  // application_name=pgadvise). The error is one line and never contains the
  // password.
  static DbResult<Connection> open(const ConnectOptions& options);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // One statement through the extended protocol (PQexecParams), so a text
  // never runs as several statements. Parameters are $1, $2, ... as text
  // (nullopt is NULL). `label` names the query in errors.
  DbResult<QueryResult> query(std::string_view sql, const std::vector<Value>& params = {},
                              std::string_view label = {});
  // A whole script through the simple protocol (several statements, one
  // implicit transaction): for trusted text such as test set-up and the
  // demo's migrations, never for workload queries.
  DbResult<QueryResult> run_script(std::string_view sql, std::string_view label = {});
  // Several statements in one round trip (libpq's pipeline mode): each sent
  // through the extended protocol as query() sends it (one statement per
  // text, parameters as values), one Sync after the last, so the server runs
  // them in one implicit transaction, each under statement_timeout, and
  // answers them together. One result per statement, in order; after an
  // error the statements behind it are not run (their result says so).
  std::vector<DbResult<QueryResult>> pipeline(const std::vector<Statement>& statements,
                                              std::string_view label = {});

  [[nodiscard]] int server_version_num() const { return m_server_version; }
  [[nodiscard]] const std::string& database() const { return m_database; }
  // The target as users may see it: the connection string, redacted.
  [[nodiscard]] const std::string& target() const { return m_target; }
  [[nodiscard]] bool read_only() const { return m_options.read_only; }
  [[nodiscard]] bool is_open() const { return m_conn != nullptr; }

private:
  struct Closer {
    void operator()(pg_conn* conn) const;
  };
  Connection(std::unique_ptr<pg_conn, Closer> conn, ConnectOptions options, std::string target,
             std::vector<std::string> secrets);

  DbResult<QueryResult> run(std::string_view sql, const std::vector<Value>* params, std::string_view label);
  [[nodiscard]] std::optional<std::chrono::milliseconds> client_deadline() const;
  // An error of a statement run under `label`, its message scrubbed of the
  // connection's secrets (run and pipeline build theirs alike).
  [[nodiscard]] DbError statement_error(ErrorKind kind, const std::string& message, std::string_view label,
                                        std::string sqlstate = {}, int position = 0) const;

  std::unique_ptr<pg_conn, Closer> m_conn;
  ConnectOptions m_options;
  std::string m_target;
  std::string m_database;
  std::vector<std::string> m_secrets; // scrubbed from every message
  int m_server_version = 0;
};

} // namespace pgadvise::pg
