#include "pg/explain.hpp"

#include "core/text.hpp"
#include "pg/parser.hpp"
#include "pg/plan_json.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

namespace pgadvise::pg {

namespace {

using nlohmann::json;

constexpr std::string_view k_statement = "pgadvise_explain";

// Functions whose effect happens outside the transaction (signals, files,
// notifications, configuration, advisory locks): a SELECT calling one is
// only planned, never run under ANALYZE.
bool has_side_effects(std::string_view name) {
  static constexpr std::array<std::string_view, 16> k_prefixes = {"pg_terminate_backend",
                                                                  "pg_cancel_backend",
                                                                  "pg_reload_conf",
                                                                  "pg_rotate_logfile",
                                                                  "pg_advisory",
                                                                  "pg_try_advisory",
                                                                  "pg_notify",
                                                                  "set_config",
                                                                  "dblink",
                                                                  "lo_",
                                                                  "pg_switch_wal",
                                                                  "pg_create_",
                                                                  "pg_stat_reset",
                                                                  "pg_promote",
                                                                  "pg_file_",
                                                                  "pg_log_backend_memory"};
  return std::any_of(k_prefixes.begin(), k_prefixes.end(),
                     [&](std::string_view prefix) { return name.rfind(prefix, 0) == 0; });
}

// What planning needs from the statement's parse tree (pg/query_analysis
// reads it; nothing here walks a tree).
std::optional<model::QueryShape> shape_of(std::string_view sql, std::string* error) {
  const ParseResult parsed = parse(sql);
  if (!parsed.ok()) {
    *error = "does not parse: " + parsed.error->message;
    return std::nullopt;
  }
  const json& statements = parsed.tree["stmts"];
  if (!statements.is_array() || statements.size() != 1) {
    *error = "not exactly one statement";
    return std::nullopt;
  }
  return analyze_query(parsed.tree);
}

bool explainable(model::StatementKind kind) {
  return kind == model::StatementKind::select || kind == model::StatementKind::insert ||
         kind == model::StatementKind::update || kind == model::StatementKind::delete_;
}

bool calls_side_effects(const model::QueryShape& shape) {
  return std::any_of(shape.functions.begin(), shape.functions.end(), has_side_effects);
}

// Drops trailing semicolons and blanks: EXPLAIN takes one statement.
std::string strip_statement(std::string_view sql) {
  std::string_view text = core::trim(sql);
  while (!text.empty() && (text.back() == ';' || text.back() == ' ' || text.back() == '\n' ||
                           text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// A literal value for a parameter nothing in pg_stats describes.
std::string fallback_value(std::string_view type) {
  const std::string lower = core::to_lower(type);
  if (lower.find("int") != std::string::npos || lower == "numeric" ||
      lower.find("double") != std::string::npos || lower == "real" || lower == "oid") {
    return "1";
  }
  if (lower == "boolean") {
    return "true";
  }
  if (lower.find("timestamp") != std::string::npos || lower == "date") {
    return "now";
  }
  if (lower == "uuid") {
    return "00000000-0000-0000-0000-000000000000";
  }
  if (lower == "jsonb" || lower == "json") {
    return "{}";
  }
  return "";
}

DbResult<std::vector<std::string>> parameter_types(Connection& connection, const std::string& sql) {
  const std::string name = std::string(k_statement) + "_types";
  if (auto prepared = connection.query("PREPARE " + name + " AS " + sql, {}, "explain: prepare");
      !prepared.ok()) {
    return prepared.error();
  }
  auto types = connection.query("SELECT parameter_types::text FROM pg_prepared_statements WHERE name = $1",
                                {Value(name)}, "explain: parameter types");
  (void)connection.query("DEALLOCATE " + name, {}, "explain: deallocate");
  if (!types.ok()) {
    return types.error();
  }
  if (types->rows.empty() || !types->rows[0][0]) {
    return std::vector<std::string>{};
  }
  return parse_array_text(*types->rows[0][0]);
}

// A typical value of a column: its most common value, else the middle
// histogram bound.
std::optional<std::string> typical_value(Connection& connection, const model::ColumnUsage& target) {
  auto stats = connection.query(
      "SELECT most_common_vals::text, histogram_bounds::text FROM pg_stats "
      "WHERE tablename = $1 AND attname = $2 AND "
      "(schemaname = $3 OR ($3 = '' AND schemaname = ANY (current_schemas(false)))) LIMIT 1",
      {Value(target.table), Value(target.column), Value(target.schema)}, "explain: pg_stats");
  if (!stats.ok() || stats->rows.empty()) {
    return std::nullopt;
  }
  if (const Value& common = stats->rows[0][0]) {
    if (auto values = parse_array_text(*common); !values.empty()) {
      return values.front();
    }
  }
  if (const Value& bounds = stats->rows[0][1]) {
    if (auto values = parse_array_text(*bounds); !values.empty()) {
      return values[values.size() / 2];
    }
  }
  return std::nullopt;
}

DbResult<Runnable> values_from_stats(Connection& connection, Runnable runnable,
                                     const model::QueryShape& facts, const ExplainRequest& request) {
  auto types = parameter_types(connection, runnable.sql);
  if (!types.ok()) {
    return types.error();
  }
  std::vector<std::string> defaulted;
  for (int number = 1; number <= facts.max_param; ++number) {
    const auto index = static_cast<std::size_t>(number - 1);
    const std::string type = index < types->size() ? (*types)[index] : std::string("unknown");
    std::optional<std::string> value;
    if (const auto limit = facts.param_clauses.find(number); limit != facts.param_clauses.end()) {
      value = limit->second == "limit" ? std::to_string(request.limit_hint.value_or(100)) : std::string("0");
    } else if (const auto target = facts.param_columns.find(number); target != facts.param_columns.end()) {
      value = typical_value(connection, target->second);
    }
    if (!value) {
      value = fallback_value(type);
      defaulted.push_back("$" + std::to_string(number) + " (" + type + ") = '" + *value + "'");
    }
    runnable.args.push_back(*value);
    runnable.null_args.push_back(false);
  }
  runnable.method = model::ParamMethod::pg_stats;
  if (!defaulted.empty()) {
    runnable.note = "no pg_stats value for " + core::join(defaulted, ", ");
  }
  return runnable;
}

std::string explain_prefix(ExplainFlavor flavor, model::ParamMethod method) {
  if (method == model::ParamMethod::generic_plan) {
    return "EXPLAIN (GENERIC_PLAN, FORMAT JSON) ";
  }
  return flavor == ExplainFlavor::estimate ? "EXPLAIN (FORMAT JSON) "
                                           : "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ";
}

DbResult<model::Plan> plan_of(const DbResult<QueryResult>& result) {
  if (!result.ok()) {
    return result.error();
  }
  if (result->rows.empty() || result->rows[0].empty() || !result->rows[0][0]) {
    DbError error;
    error.message = "EXPLAIN returned no plan";
    return error;
  }
  auto plan = pg::parse_plan_json(*result->rows[0][0]);
  if (!plan.ok()) {
    DbError error;
    error.message = plan.error().message;
    return error;
  }
  return std::move(plan).value();
}

// EXECUTE name ('value', NULL, ...): the runnable's values as literals.
std::string execute_sql(std::string_view name, const Runnable& runnable) {
  std::vector<std::string> literals;
  for (std::size_t i = 0; i < runnable.args.size(); ++i) {
    literals.push_back(i < runnable.null_args.size() && runnable.null_args[i]
                           ? std::string("NULL")
                           : core::quote_literal(runnable.args[i]));
  }
  return "EXECUTE " + std::string(name) + " (" + core::join(literals, ", ") + ")";
}

// The EXPLAIN itself, with PREPARE/EXECUTE when values are bound.
DbResult<model::Plan> run_explain(Connection& connection, const Runnable& runnable, ExplainFlavor flavor) {
  const std::string prefix = explain_prefix(flavor, runnable.method);
  if (runnable.args.empty()) {
    return plan_of(connection.query(prefix + runnable.sql, {}, "explain"));
  }
  // A failure inside a rolled-back transaction can leave the statement
  // prepared (PREPARE is not transactional): clear it first.
  if (auto left = connection.query("SELECT 1 FROM pg_prepared_statements WHERE name = $1",
                                   {Value(std::string(k_statement))}, "explain: prepared statements");
      left.ok() && !left->rows.empty()) {
    (void)connection.query("DEALLOCATE " + std::string(k_statement), {}, "explain: deallocate");
  }
  if (auto prepared = connection.query("PREPARE " + std::string(k_statement) + " AS " + runnable.sql, {},
                                       "explain: prepare");
      !prepared.ok()) {
    return prepared.error();
  }
  auto result = plan_of(connection.query(prefix + execute_sql(k_statement, runnable), {}, "explain"));
  (void)connection.query("DEALLOCATE " + std::string(k_statement), {}, "explain: deallocate");
  return result;
}

} // namespace

std::optional<std::vector<Value>> parse_logged_params(std::string_view detail) {
  std::string_view text = core::trim(detail);
  if (core::starts_with_ci(text, "parameters:")) {
    text = core::trim(text.substr(11));
  }
  std::map<int, Value> values;
  std::size_t at = 0;
  const auto skip_blanks = [&] {
    while (at < text.size() && (text[at] == ' ' || text[at] == ',')) {
      ++at;
    }
  };
  skip_blanks();
  while (at < text.size()) {
    if (text[at] != '$') {
      return std::nullopt;
    }
    ++at;
    int number = 0;
    const std::size_t digits = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9' && number < 100000) {
      number = number * 10 + (text[at] - '0');
      ++at;
    }
    if (at == digits || number == 0 || text.substr(at, 3) != " = ") {
      return std::nullopt;
    }
    at += 3;
    if (text.substr(at, 4) == "NULL") {
      values[number] = std::nullopt;
      at += 4;
    } else if (at < text.size() && text[at] == '\'') {
      ++at;
      std::string value;
      bool closed = false;
      while (at < text.size()) {
        if (text[at] == '\'') {
          if (at + 1 < text.size() && text[at + 1] == '\'') {
            value += '\'';
            at += 2;
            continue;
          }
          ++at;
          closed = true;
          break;
        }
        value += text[at++];
      }
      if (!closed) {
        return std::nullopt; // truncated by log_parameter_max_length: not usable
      }
      values[number] = std::move(value);
    } else {
      return std::nullopt;
    }
    skip_blanks();
  }
  if (values.empty() || values.rbegin()->first != static_cast<int>(values.size())) {
    return std::nullopt; // gaps: $1 and $3 without $2
  }
  std::vector<Value> out;
  for (auto& [number, value] : values) {
    out.push_back(std::move(value));
  }
  return out;
}

std::vector<std::string> parse_array_text(std::string_view text) {
  std::vector<std::string> out;
  text = core::trim(text);
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') {
    return out;
  }
  text = text.substr(1, text.size() - 2);
  std::size_t at = 0;
  while (at < text.size()) {
    std::string value;
    bool quoted = false;
    if (text[at] == '"') {
      quoted = true;
      ++at;
      while (at < text.size() && text[at] != '"') {
        if (text[at] == '\\' && at + 1 < text.size()) {
          ++at;
        }
        value += text[at++];
      }
      ++at; // closing quote
    } else {
      while (at < text.size() && text[at] != ',') {
        value += text[at++];
      }
    }
    if (quoted || value != "NULL") {
      out.push_back(std::move(value));
    }
    if (at < text.size() && text[at] == ',') {
      ++at;
    }
  }
  return out;
}

ExplainRequest request_for(const model::QueryStats& query) {
  ExplainRequest request;
  request.fingerprint = query.fingerprint;
  request.normalized = query.normalized;
  request.limit_hint = query.max_limit;
  if (!query.example.empty()) {
    request.sql = query.example;
    if (!query.example_params.empty()) {
      if (auto params = parse_logged_params(query.example_params)) {
        request.params = std::move(*params);
      }
    }
  } else {
    request.sql = query.normalized;
  }
  return request;
}

DbResult<Runnable> make_runnable(Connection& connection, const ExplainRequest& request) {
  const auto fail = [](std::string message) {
    DbError error;
    error.message = std::move(message);
    error.context = "explain";
    return error;
  };
  Runnable runnable;
  runnable.sql = strip_statement(request.sql);
  std::string why;
  const auto facts = shape_of(runnable.sql, &why);
  if (!facts) {
    return fail("cannot explain this statement: " + why);
  }
  if (!explainable(facts->kind)) {
    return fail("only SELECT, INSERT, UPDATE and DELETE are explained (this is " +
                std::string(model::to_string(facts->kind)) + ")");
  }
  runnable.modifies = facts->modifies || facts->kind != model::StatementKind::select;
  runnable.side_effects = calls_side_effects(*facts);
  if (runnable.side_effects) {
    runnable.note = "calls a function with effects outside the transaction: planned only, not run";
  }
  if (facts->max_param == 0) {
    return runnable;
  }
  if (request.params.size() >= static_cast<std::size_t>(facts->max_param)) {
    for (int i = 0; i < facts->max_param; ++i) {
      const Value& value = request.params[static_cast<std::size_t>(i)];
      runnable.args.push_back(value.value_or(""));
      runnable.null_args.push_back(!value.has_value());
    }
    runnable.method = model::ParamMethod::logged;
    return runnable;
  }
  if (connection.server_version_num() >= 160000) {
    runnable.method = model::ParamMethod::generic_plan;
    return runnable;
  }
  return values_from_stats(connection, std::move(runnable), *facts, request);
}

DbResult<QueryResult> prepare_runnable(Connection& connection, std::string_view name,
                                       const Runnable& runnable) {
  return connection.query("PREPARE " + std::string(name) + " AS " + runnable.sql, {}, "explain: prepare");
}

DbResult<model::Plan> explain_prepared(Connection& connection, std::string_view name,
                                       const Runnable& runnable, ExplainFlavor flavor) {
  return plan_of(
      connection.query(explain_prefix(flavor, runnable.method) + execute_sql(name, runnable), {}, "explain"));
}

std::optional<std::string> explain_statement(const Runnable& runnable, std::string_view prepared,
                                             ExplainFlavor flavor) {
  if (!prepared.empty()) {
    return explain_prefix(flavor, runnable.method) + execute_sql(prepared, runnable);
  }
  if (runnable.args.empty()) {
    return explain_prefix(flavor, runnable.method) + runnable.sql;
  }
  return std::nullopt;
}

DbResult<model::Plan> plan_of_result(const DbResult<QueryResult>& result) {
  return plan_of(result);
}

DbResult<model::Plan> explain_runnable(Connection& connection, const Runnable& runnable,
                                       ExplainFlavor flavor) {
  if (flavor != ExplainFlavor::analyze_rolled_back) {
    return run_explain(connection, runnable, flavor);
  }
  if (auto begun = connection.query("BEGIN READ WRITE", {}, "explain: begin"); !begun.ok()) {
    return begun.error();
  }
  auto plan = run_explain(connection, runnable, ExplainFlavor::analyze);
  // Always undone, also after an error (then the transaction is aborted).
  if (auto rolled_back = connection.query("ROLLBACK", {}, "explain: rollback");
      !rolled_back.ok() && plan.ok()) {
    return rolled_back.error();
  }
  return plan;
}

model::ExplainedQuery explain_query(Connection& connection, const ExplainRequest& request,
                                    const ExplainOptions& options) {
  model::ExplainedQuery out;
  out.fingerprint = request.fingerprint;
  out.normalized = request.normalized.empty() ? request.sql : request.normalized;
  const auto record_error = [&](const DbError& error) {
    out.timed_out = error.kind == ErrorKind::timeout;
    out.error = out.timed_out ? "timed out (statement_timeout): " + error.message : error.to_string();
  };
  auto runnable = make_runnable(connection, request);
  if (!runnable.ok()) {
    record_error(runnable.error());
    return out;
  }
  out.method = runnable->method;
  out.note = runnable->note;
  ExplainFlavor flavor = ExplainFlavor::estimate;
  const bool can_run =
      options.analyze && runnable->method != model::ParamMethod::generic_plan && !runnable->side_effects;
  if (can_run && !runnable->modifies) {
    flavor = ExplainFlavor::analyze;
  } else if (can_run && options.allow_dml_analyze) {
    flavor = ExplainFlavor::analyze_rolled_back;
  }
  out.mode = flavor == ExplainFlavor::analyze               ? model::ExplainMode::analyze
             : flavor == ExplainFlavor::analyze_rolled_back ? model::ExplainMode::analyze_rolled_back
                                                            : model::ExplainMode::plain;
  auto plan = explain_runnable(connection, *runnable, flavor);
  if (!plan.ok()) {
    record_error(plan.error());
    return out;
  }
  out.plan = std::move(plan).value();
  return out;
}

std::vector<model::ExplainedQuery> explain_queries(const ConnectOptions& connect,
                                                   const std::vector<ExplainRequest>& requests,
                                                   const ExplainOptions& options) {
  std::vector<model::ExplainedQuery> results(requests.size());
  if (requests.empty()) {
    return results;
  }
  const std::size_t workers =
      std::min<std::size_t>(requests.size(), static_cast<std::size_t>(std::max(options.parallel, 1)));
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    auto connection = Connection::open(connect);
    for (std::size_t i = next++; i < requests.size(); i = next++) {
      if (connection.ok() && !connection->is_open()) {
        connection = Connection::open(connect); // given up after an unanswered cancel
      }
      if (!connection.ok()) {
        results[i].fingerprint = requests[i].fingerprint;
        results[i].normalized = requests[i].normalized;
        results[i].error = connection.error().to_string();
        continue;
      }
      results[i] = explain_query(*connection, requests[i], options);
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w) {
    threads.emplace_back(work);
  }
  work();
  for (std::thread& thread : threads) {
    thread.join();
  }
  return results;
}

} // namespace pgadvise::pg
