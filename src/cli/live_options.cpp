#include "cli/live_options.hpp"

#include "cli/choice_option.hpp"
#include "pg/conninfo.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>

namespace pgadvise::cli {

bool is_connection_value(const std::string& value) {
  return value.empty() || value == "env" || pg::is_connection_uri(value) ||
         value.find('=') != std::string::npos;
}

void add_live_options(CLI::App& command, app::LiveOptions& options, LiveOptionSet set,
                      std::vector<std::string>* paths) {
  CLI::Option* db =
      command
          .add_option_function<std::vector<std::string>>(
              "--db",
              [&options, paths](const std::vector<std::string>& values) {
                options.db_given = true;
                options.db.clear();
                std::error_code ec;
                if (values.empty() || is_connection_value(values.front())) {
                  options.db = values.empty() ? std::string() : values.front();
                } else if (paths != nullptr && std::filesystem::exists(values.front(), ec)) {
                  paths->push_back(values.front()); // `--db .`: the PG* environment, then a path
                } else if (paths != nullptr) {
                  options.db = values.front(); // refused with the connection's own message
                } else {
                  throw CLI::ValidationError("--db", "'" + values.front() +
                                                         "' is not a libpq URI (postgresql://...) or "
                                                         "key=value conninfo");
                }
              },
              "Live database: a libpq URI or key=value conninfo; without a value (or 'env'), the PG* "
              "environment")
          ->expected(0, 1)
          ->allow_extra_args(false)
          ->type_name("URL");
  if (set.db_required) {
    db->required();
  }
  command
      .add_option("--statement-timeout", options.statement_timeout_ms,
                  "Milliseconds any statement pgadvise runs may take (--db)")
      ->check(CLI::Range(1, 86'400'000))
      ->capture_default_str();
  command
      .add_option("--lock-timeout", options.lock_timeout_ms, "Milliseconds pgadvise waits for a lock (--db)")
      ->check(CLI::Range(1, 86'400'000))
      ->capture_default_str();
  if (set.explain) {
    command.add_flag("--explain,!--no-explain", options.explain,
                     "Run the workload's queries under EXPLAIN (ANALYZE for SELECT only) (--db; default on)");
    command.add_option("--jobs", options.jobs, "Parallel database sessions for EXPLAIN (--db)")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
  }
  if (set.verify) {
    add_choice(command, "--verify", options.verify,
               {{"hypopg", advisor::VerifyMode::hypopg},
                {"real", advisor::VerifyMode::real},
                {"none", advisor::VerifyMode::none}},
               "Check proposed indexes: hypopg (hypothetical indexes), real (CREATE INDEX in a rolled-back "
               "transaction; staging only), none");
    command.add_flag("--allow-dml-analyze", options.allow_dml_analyze,
                     "EXPLAIN ANALYZE INSERT/UPDATE/DELETE too, inside a transaction that is rolled back");
    command.add_flag(
        "--index-set,!--no-index-set", options.index_set,
        "With HypoPG, propose the index set chosen for the whole workload (as `pgadvise advise`); "
        "--no-index-set: one index per query shape, each verified alone (--db; default on)");
  }
  if (set.emit_migration) {
    command
        .add_option("--emit-migration", options.emit_migration,
                    "Write every proposed index as one migration file (--db)")
        ->type_name("FILE");
  }
}

} // namespace pgadvise::cli
