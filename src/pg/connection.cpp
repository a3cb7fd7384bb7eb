#include "pg/connection.hpp"

#include "pg/conninfo.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <libpq-fe.h>
#include <poll.h>

namespace pgadvise::pg {

namespace {

using Clock = std::chrono::steady_clock;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConninfoDeleter {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

struct CancelDeleter {
  void operator()(PGcancel* cancel) const { PQfreeCancel(cancel); }
};

ErrorKind kind_of(std::string_view sqlstate) {
  if (sqlstate == "57014") {
    return ErrorKind::timeout;
  }
  if (sqlstate == "55P03") {
    return ErrorKind::lock_timeout;
  }
  if (sqlstate == "25006") {
    return ErrorKind::read_only;
  }
  if (sqlstate == "42501") {
    return ErrorKind::permission;
  }
  if (sqlstate.substr(0, 2) == "08" || sqlstate.substr(0, 3) == "57P") {
    return ErrorKind::connection; // connection exception, admin shutdown / crash
  }
  return ErrorKind::query;
}

// The passwords a connection string or the environment may carry, so they
// can be scrubbed from messages even where libpq or the server echoes them.
std::vector<std::string> known_secrets(const std::string& conninfo) {
  std::vector<std::string> secrets;
  if (const char* env = std::getenv("PGPASSWORD"); env != nullptr && *env != '\0') {
    secrets.emplace_back(env);
  }
  if (conninfo.empty()) {
    return secrets;
  }
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoDeleter> parsed(PQconninfoParse(conninfo.c_str(), &error));
  PQfreemem(error);
  for (const PQconninfoOption* option = parsed.get(); option != nullptr && option->keyword != nullptr;
       ++option) {
    const std::string_view keyword = option->keyword;
    if ((keyword == "password" || keyword == "sslpassword") && option->val != nullptr &&
        *option->val != '\0') {
      secrets.emplace_back(option->val);
    }
  }
  return secrets;
}

// Whether libpq can parse the string at all. Its own message is not shown:
// for `password=two words` it would quote the second word of the password.
bool parses(const std::string& conninfo) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoDeleter> parsed(PQconninfoParse(conninfo.c_str(), &error));
  PQfreemem(error);
  return parsed != nullptr;
}

std::string describe_target(const std::string& conninfo) {
  return conninfo.empty() ? std::string("the database named by the PG* environment")
                          : redact_conninfo(conninfo);
}

std::string millis_text(std::chrono::milliseconds value) {
  return std::to_string(value.count()) + "ms";
}

// SET statements for a pgadvise session: timeouts always, read-only unless
// the user asked for index verification.
std::string session_setup(const ConnectOptions& options) {
  std::string sql = "SET statement_timeout = '" + millis_text(options.statement_timeout) +
                    "'; SET lock_timeout = '" + millis_text(options.lock_timeout) + "';";
  if (options.read_only) {
    sql += " SET default_transaction_read_only = on;";
  }
  return sql;
}

QueryResult rows_of(const PGresult* result) {
  QueryResult out;
  const int fields = PQnfields(result);
  const int tuples = PQntuples(result);
  for (int f = 0; f < fields; ++f) {
    out.columns.emplace_back(PQfname(result, f));
  }
  out.rows.reserve(static_cast<std::size_t>(tuples));
  for (int r = 0; r < tuples; ++r) {
    Row row;
    row.reserve(static_cast<std::size_t>(fields));
    for (int f = 0; f < fields; ++f) {
      if (PQgetisnull(result, r, f) != 0) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(
            std::string(PQgetvalue(result, r, f), static_cast<std::size_t>(PQgetlength(result, r, f))));
      }
    }
    out.rows.push_back(std::move(row));
  }
  const char* affected = PQcmdTuples(const_cast<PGresult*>(result)); // NOLINT: libpq API is not const-correct
  out.affected = affected != nullptr && *affected != '\0' ? std::strtoll(affected, nullptr, 10) : 0;
  return out;
}

DbError error_of(const PGresult* result, PGconn* conn) {
  DbError error;
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* position = PQresultErrorField(result, PG_DIAG_STATEMENT_POSITION);
  error.sqlstate = state != nullptr ? state : "";
  error.message = one_line(primary != nullptr ? primary : PQerrorMessage(conn));
  error.position = position != nullptr ? std::atoi(position) : 0;
  error.kind = error.sqlstate.empty() && PQstatus(conn) == CONNECTION_BAD ? ErrorKind::connection
                                                                          : kind_of(error.sqlstate);
  return error;
}

// Reads COPY data nobody asked for, so the connection stays usable.
void discard_copy(PGconn* conn, ExecStatusType status) {
  if (status == PGRES_COPY_IN) {
    PQputCopyEnd(conn, "pgadvise does not send COPY data");
    return;
  }
  char* buffer = nullptr;
  while (PQgetCopyData(conn, &buffer, 0) > 0) {
    PQfreemem(buffer);
    buffer = nullptr;
  }
}

// Waits until libpq has a whole result or the deadline passes. False on
// timeout; a broken socket returns true and surfaces as an error result.
bool wait_ready(PGconn* conn, std::optional<Clock::time_point> deadline) {
  while (PQisBusy(conn) != 0) {
    int wait_ms = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
      if (left.count() <= 0) {
        return false;
      }
      wait_ms = static_cast<int>(std::min<long long>(left.count(), 60'000));
    }
    pollfd fd{};
    fd.fd = PQsocket(conn);
    fd.events = POLLIN;
    if (fd.fd < 0) {
      return true;
    }
    if (poll(&fd, 1, wait_ms) < 0 && errno != EINTR) {
      return true;
    }
    if (PQconsumeInput(conn) == 0) {
      return true;
    }
  }
  return true;
}

// Sends `text` (with `params`, text values, NULL for none, when given)
// without waiting for its results: PQsendQuery's 1, or 0 when it could not.
int send_query(PGconn* conn, const std::string& text, const std::vector<Value>* params) {
  if (params == nullptr) {
    return PQsendQuery(conn, text.c_str());
  }
  std::vector<const char*> values;
  values.reserve(params->size());
  for (const Value& value : *params) {
    values.push_back(value ? value->c_str() : nullptr);
  }
  return PQsendQueryParams(conn, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                           nullptr, nullptr, 0);
}

// Asks the server to cancel the connection's running statement (its answer
// comes as the statement's error).
void request_cancel(PGconn* conn) {
  std::unique_ptr<PGcancel, CancelDeleter> cancel(PQgetCancel(conn));
  std::array<char, 256> buffer{};
  if (cancel != nullptr) {
    PQcancel(cancel.get(), buffer.data(), static_cast<int>(buffer.size()));
  }
}

// Sends `statements` without waiting, in order, until one cannot be sent:
// how many were.
std::size_t send_statements(PGconn* conn, const std::vector<Statement>& statements) {
  std::size_t sent = 0;
  for (const Statement& statement : statements) {
    if (send_query(conn, statement.sql, &statement.params) == 0) {
      break;
    }
    ++sent;
  }
  return sent;
}

// A pipeline statement's result as its DbResult; `fail` makes an error from
// statement_error's kind, message, sqlstate and position.
template <typename Fail>
DbResult<QueryResult> pipeline_result(const PGresult* result, PGconn* conn, const Fail& fail) {
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
    return rows_of(result);
  }
  if (status == PGRES_PIPELINE_ABORTED) {
    return fail(ErrorKind::query, "not run: an earlier statement of the pipeline failed");
  }
  DbError error = error_of(result, conn);
  return fail(error.kind, error.message, error.sqlstate, error.position);
}

// A pipeline's results as they come, under a client deadline: once it
// passes, the running statement is cancelled and the server has `grace`
// (at least 2s) more to answer.
class PipelineResults {
public:
  PipelineResults(PGconn* conn, std::optional<Clock::time_point> deadline, std::chrono::milliseconds grace)
      : m_conn(conn), m_deadline(deadline), m_grace(grace) {}

  // The next result (nullptr between statements), or nullopt when the
  // server stays silent even after a cancel.
  std::optional<ResultPtr> next() {
    while (!wait_ready(m_conn, m_deadline)) {
      if (m_cancelled) {
        return std::nullopt;
      }
      m_cancelled = true;
      request_cancel(m_conn);
      m_deadline = Clock::now() + std::max(m_grace, std::chrono::milliseconds(2'000));
    }
    return ResultPtr{PQgetResult(m_conn)};
  }

  // Reads up to the Sync's own result; false as next()'s nullopt.
  bool skip_to_sync() {
    while (true) {
      const std::optional<ResultPtr> result = next();
      if (!result) {
        return false;
      }
      if (*result == nullptr || PQresultStatus(result->get()) == PGRES_PIPELINE_SYNC) {
        return true;
      }
    }
  }

private:
  PGconn* m_conn;
  std::optional<Clock::time_point> m_deadline;
  std::chrono::milliseconds m_grace;
  bool m_cancelled = false;
};

} // namespace

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
  case ErrorKind::connect: return "connect";
  case ErrorKind::timeout: return "timeout";
  case ErrorKind::lock_timeout: return "lock-timeout";
  case ErrorKind::read_only: return "read-only";
  case ErrorKind::permission: return "permission";
  case ErrorKind::query: return "query";
  case ErrorKind::connection: return "connection";
  }
  return "query";
}

std::string DbError::to_string() const {
  std::string out = context.empty() ? message : context + ": " + message;
  if (!sqlstate.empty()) {
    out += " (SQLSTATE " + sqlstate + ")";
  }
  return out;
}

std::optional<std::size_t> QueryResult::column_index(std::string_view name) const {
  const auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - columns.begin());
}

const Value& QueryResult::get(std::size_t row, std::string_view column) const {
  static const Value k_null;
  const auto index = column_index(column);
  if (!index || row >= rows.size()) {
    return k_null;
  }
  return rows[row][*index];
}

void Connection::Closer::operator()(pg_conn* conn) const {
  PQfinish(conn);
}

Connection::Connection(std::unique_ptr<pg_conn, Closer> conn, ConnectOptions options, std::string target,
                       std::vector<std::string> secrets)
    : m_conn(std::move(conn)), m_options(std::move(options)), m_target(std::move(target)),
      m_secrets(std::move(secrets)) {
  m_server_version = PQserverVersion(m_conn.get());
  const char* database = PQdb(m_conn.get());
  m_database = database != nullptr ? database : "";
}

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

DbResult<Connection> Connection::open(const ConnectOptions& options) {
  const std::string target = describe_target(options.conninfo);
  std::vector<std::string> secrets = known_secrets(options.conninfo);
  const auto fail = [&](const std::string& message) {
    DbError error;
    error.kind = ErrorKind::connect;
    error.message = redact_secrets(one_line(message), secrets);
    return error;
  };
  if (!options.conninfo.empty() && !parses(options.conninfo)) {
    return fail("invalid connection string " + target +
                " (expected postgresql://user@host:port/dbname or key=value pairs; quote values "
                "that contain spaces with single quotes)");
  }

  // Parameters are applied in order: the caller's connect_timeout can be
  // overridden by the connection string, application_name and the client
  // encoding (reports are UTF-8) cannot.
  const std::string connect_timeout = std::to_string(std::max(options.connect_timeout_seconds, 1));
  std::vector<const char*> keywords{"connect_timeout"};
  std::vector<const char*> values{connect_timeout.c_str()};
  if (!options.conninfo.empty()) {
    keywords.push_back("dbname");
    values.push_back(options.conninfo.c_str());
  }
  keywords.insert(keywords.end(), {"application_name", "client_encoding", nullptr});
  values.insert(values.end(), {"pgadvise", "UTF8", nullptr});

  std::unique_ptr<pg_conn, Closer> conn(PQconnectdbParams(keywords.data(), values.data(), 1));
  if (conn == nullptr) {
    return fail("cannot connect to " + target + ": out of memory");
  }
  if (const char* used = PQpass(conn.get()); used != nullptr && *used != '\0') {
    secrets.emplace_back(used); // from ~/.pgpass, for instance
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return fail("cannot connect to " + target + ": " + PQerrorMessage(conn.get()));
  }

  // Server notices (NOTICE, WARNING) would otherwise go to stderr between
  // report lines.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  Connection connection(std::move(conn), options, target, std::move(secrets));
  if (auto setup = connection.run_script(session_setup(options), "session set-up"); !setup.ok()) {
    DbError error = setup.error();
    error.kind = ErrorKind::connect;
    return error;
  }
  return connection;
}

DbResult<QueryResult> Connection::query(std::string_view sql, const std::vector<Value>& params,
                                        std::string_view label) {
  return run(sql, &params, label);
}

DbResult<QueryResult> Connection::run_script(std::string_view sql, std::string_view label) {
  return run(sql, nullptr, label);
}

std::optional<std::chrono::milliseconds> Connection::client_deadline() const {
  if (m_options.statement_timeout.count() <= 0) {
    return std::nullopt; // the user chose no timeout
  }
  return m_options.statement_timeout + m_options.client_grace;
}

DbError Connection::statement_error(ErrorKind kind, const std::string& message, std::string_view label,
                                    std::string sqlstate, int position) const {
  DbError error;
  error.kind = kind;
  error.message = redact_secrets(message, m_secrets);
  error.sqlstate = std::move(sqlstate);
  error.context = std::string(label);
  error.position = position;
  return error;
}

DbResult<QueryResult> Connection::run(std::string_view sql, const std::vector<Value>* params,
                                      std::string_view label) {
  const auto fail = [&](ErrorKind kind, const std::string& message, std::string sqlstate = {},
                        int position = 0) {
    return statement_error(kind, message, label, std::move(sqlstate), position);
  };
  if (!m_conn) {
    return fail(ErrorKind::connection, "the connection to " + m_target + " is closed");
  }
  PGconn* conn = m_conn.get();
  if (send_query(conn, std::string(sql), params) == 0) {
    return fail(PQstatus(conn) == CONNECTION_BAD ? ErrorKind::connection : ErrorKind::query,
                one_line(PQerrorMessage(conn)));
  }

  // The server enforces statement_timeout; the client deadline only matters
  // when something between us and it does not.
  std::optional<Clock::time_point> deadline;
  if (const auto limit = client_deadline()) {
    deadline = Clock::now() + *limit;
  }
  bool cancelled = false;
  std::optional<DbError> first_error;
  std::optional<QueryResult> last_rows;
  // A script yields one result per statement: wait for each under the
  // deadline, since PQgetResult itself would block.
  while (true) {
    if (!wait_ready(conn, deadline)) {
      if (cancelled) {
        m_conn.reset(); // an unresponsive server: give the connection up rather than hang
        return fail(ErrorKind::timeout,
                    "no answer within " + millis_text(*client_deadline()) +
                        ", even after cancelling; connection closed",
                    "57014");
      }
      cancelled = true;
      request_cancel(conn);
      deadline = Clock::now() + std::max(m_options.client_grace, std::chrono::milliseconds(2'000));
      continue;
    }
    ResultPtr result{PQgetResult(conn)};
    if (result == nullptr) {
      break;
    }
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      last_rows = rows_of(result.get());
    } else if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
      discard_copy(conn, status);
      if (!first_error) {
        first_error = fail(ErrorKind::query, "COPY is not supported here");
      }
    } else if (!first_error) {
      DbError error = error_of(result.get(), conn);
      first_error = fail(error.kind, error.message, error.sqlstate, error.position);
    }
  }
  if (first_error) {
    if (cancelled && first_error->kind == ErrorKind::timeout) {
      first_error->message = "cancelled by pgadvise after " + millis_text(*client_deadline()) +
                             " without an answer (statement_timeout " +
                             millis_text(m_options.statement_timeout) + " did not stop it)";
    }
    return *first_error;
  }
  if (PQstatus(conn) == CONNECTION_BAD) {
    return fail(ErrorKind::connection, one_line(PQerrorMessage(conn)));
  }
  return last_rows ? std::move(*last_rows) : QueryResult{};
}

} // namespace pgadvise::pg

namespace pgadvise::pg {

std::vector<DbResult<QueryResult>> Connection::pipeline(const std::vector<Statement>& statements,
                                                        std::string_view label) {
  const auto fail = [&](ErrorKind kind, const std::string& message, std::string sqlstate = {},
                        int position = 0) {
    return statement_error(kind, message, label, std::move(sqlstate), position);
  };
  std::vector<DbResult<QueryResult>> out;
  out.reserve(statements.size());
  const auto fail_rest = [&](const DbError& error) {
    while (out.size() < statements.size()) {
      out.emplace_back(error);
    }
    return std::move(out);
  };
  if (statements.empty()) {
    return out;
  }
  if (!m_conn) {
    return fail_rest(fail(ErrorKind::connection, "the connection to " + m_target + " is closed"));
  }
  PGconn* conn = m_conn.get();
  if (PQenterPipelineMode(conn) == 0) {
    return fail_rest(fail(ErrorKind::query, one_line(PQerrorMessage(conn))));
  }
  const std::size_t sent = send_statements(conn, statements);
  const std::string send_error = sent < statements.size() ? one_line(PQerrorMessage(conn)) : "";
  if (PQpipelineSync(conn) == 0) {
    m_conn.reset(); // the server may be mid-statement with nothing to end it: give the connection up
    return fail_rest(
        fail(ErrorKind::connection, one_line(send_error.empty() ? "pipeline sync failed" : send_error)));
  }

  // statement_timeout bounds each statement; the client deadline all of them.
  std::optional<Clock::time_point> deadline;
  if (const auto limit = client_deadline()) {
    deadline = Clock::now() + *limit * static_cast<int>(std::max<std::size_t>(sent, 1));
  }
  PipelineResults results(conn, deadline, m_options.client_grace);
  // The server stays silent even after a cancel: the connection is given up.
  const auto lost = [&] {
    m_conn.reset();
    return fail_rest(fail(ErrorKind::timeout,
                          "no answer within " + millis_text(*client_deadline()) +
                              ", even after cancelling; connection closed",
                          "57014"));
  };
  for (std::size_t i = 0; i < sent; ++i) {
    std::optional<DbResult<QueryResult>> mine;
    while (true) {
      std::optional<ResultPtr> result = results.next();
      if (!result) {
        return lost();
      }
      if (*result == nullptr) {
        break;
      }
      if (!mine) { // one result per statement; a second (none expected) is dropped
        mine.emplace(pipeline_result(result->get(), conn, fail));
      }
    }
    out.push_back(mine ? std::move(*mine) : DbResult<QueryResult>(fail(ErrorKind::query, "no result")));
  }
  // The Sync's own result, then the connection leaves pipeline mode.
  if (!results.skip_to_sync()) {
    return lost();
  }
  if (PQexitPipelineMode(conn) == 0 || PQstatus(conn) == CONNECTION_BAD) {
    const std::string message = one_line(PQerrorMessage(conn));
    m_conn.reset();
    return fail_rest(fail(ErrorKind::connection, message));
  }
  if (sent < statements.size()) {
    return fail_rest(fail(ErrorKind::connection, send_error));
  }
  return out;
}

} // namespace pgadvise::pg
