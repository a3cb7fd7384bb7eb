// `lint --verify-locks` (app/lint/lint_verify.hpp): part of stage 4.
#include "app/lint/lint_verify.hpp"

#include "app/live/throwaway_cluster.hpp"
#include "core/text.hpp"
#include "core/whitespace.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "pg/conninfo.hpp"
#include "rules/registry.hpp"
#include "rules/support/table_size.hpp"

#include <chrono>
#include <memory>
#include <set>
#include <unistd.h>

namespace pgadvise::app {

namespace {

const ObservedStatement* statement_at(const VerifyReport& report, const core::SourceLocation& where) {
  for (const ObservedStatement& statement : report.statements) {
    if (statement.location.file == where.file && where.line >= statement.location.line &&
        where.line <= statement.end_line) {
      return &statement;
    }
  }
  return nullptr;
}

bool in_statement(const ObservedStatement& statement, const model::MigrationStep& step) {
  return step.location.file == statement.location.file && step.location.line >= statement.location.line &&
         step.location.line <= statement.end_line;
}

std::string table_name(const std::string& schema, const std::string& table) {
  return (schema.empty() ? std::string("public") : schema) + "." + table;
}

// Where what PostgreSQL did is not what the replay predicted for the steps
// of this statement on `table`: "the rules predicted SHARE, not rewritten";
// empty when they agree.
std::string disagreement(const ObservedStatement& statement, const model::MigrationSteps& steps,
                         const std::string& table) {
  model::LockMode predicted = model::LockMode::none;
  bool predicted_rewrite = false;
  bool any = false;
  for (const model::MigrationStep& step : steps) {
    if (in_statement(statement, step) && table_name(step.schema, step.table) == table) {
      predicted = std::max(predicted, step.lock);
      predicted_rewrite = predicted_rewrite || step.rewrites;
      any = true;
    }
  }
  if (!any || !statement.error.empty()) {
    return {};
  }
  model::LockMode observed = model::LockMode::none;
  for (const ObservedLock& lock : statement.locks) {
    if (lock_is_on(lock, table)) { // a renamed view: the steps name it by its new name
      observed = std::max(observed, lock.mode);
    }
  }
  const bool rewritten =
      std::find(statement.rewritten.begin(), statement.rewritten.end(), table) != statement.rewritten.end();
  std::vector<std::string> parts;
  if (observed != predicted) {
    parts.push_back(std::string(model::to_string(predicted)));
  }
  if (rewritten != predicted_rewrite) {
    parts.emplace_back(predicted_rewrite ? "a rewrite" : "no rewrite");
  }
  return parts.empty() ? std::string() : "the rules predicted " + core::join(parts, " and ");
}

bool judged_by_change_rule(const core::Finding& finding) {
  const engine::Rule* rule = rules::find_rule(finding.rule);
  return rule != nullptr && rule->meta().lens == engine::Lens::change;
}

core::Finding lock_observed(const ObservedStatement& statement, const std::string& table,
                            const std::string& server) {
  core::Finding finding;
  finding.rule = std::string(engine::k_lock_observed);
  finding.severity = engine::find_builtin(engine::k_lock_observed)->severity;
  const auto dot = table.find('.');
  finding.object = core::ObjectRef{table.substr(0, dot), table.substr(dot + 1), {}, {}};
  finding.location = statement.location;
  finding.message =
      "This statement took an ACCESS EXCLUSIVE lock on existing table " + table.substr(dot + 1) +
      " (observed on " + server + ": " + describe_observation(statement) +
      "), and no rule judged it: every read and write of the table waits while it holds the lock";
  finding.help =
      "Set lock_timeout and statement_timeout at the top of the migration, so that it gives up "
      "instead of queueing every query of the table behind it, and run it when the table is quiet.";
  finding.evidence.push_back({core::Evidence::Kind::ddl, statement.text, statement.location});
  finding.evidence.push_back({core::Evidence::Kind::observed,
                              "observed on " + server + ": " + describe_observation(statement),
                              statement.location});
  finding.compute_fingerprint(statement.text);
  return finding;
}

// A scratch database on --db's server, dropped when done.
class ScratchDatabase {
public:
  static core::Result<std::unique_ptr<ScratchDatabase>> create(pg::ConnectOptions admin_options) {
    admin_options.read_only = false;
    auto admin = pg::Connection::open(admin_options);
    if (!admin) {
      return admin.error().to_error();
    }
    const std::string name = "pgadvise_verify_" + std::to_string(getpid()) + "_" +
                             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
    if (auto created = admin->query("CREATE DATABASE " + name, {}, "--verify-locks: scratch database");
        !created) {
      return core::Error("could not create a scratch database on --db's server (CREATEDB needed): " +
                         created.error().message);
    }
    std::unique_ptr<ScratchDatabase> out(new ScratchDatabase(std::move(*admin), name));
    out->m_conninfo = pg::with_database(admin_options.conninfo, name);
    return out;
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  ScratchDatabase(ScratchDatabase&&) = delete;
  ScratchDatabase& operator=(ScratchDatabase&&) = delete;
  ~ScratchDatabase() {
    static_cast<void>(m_admin.query("DROP DATABASE IF EXISTS " + m_name, {}, "--verify-locks"));
  }

  [[nodiscard]] const std::string& conninfo() const { return m_conninfo; }
  [[nodiscard]] const std::string& name() const { return m_name; }

private:
  ScratchDatabase(pg::Connection admin, std::string name)
      : m_admin(std::move(admin)), m_name(std::move(name)) {}
  pg::Connection m_admin;
  std::string m_name;
  std::string m_conninfo;
};

} // namespace

void attach_observations(std::vector<core::Finding>& findings, const VerifyReport& report,
                         const model::MigrationSteps& steps,
                         const std::function<bool(const std::string&)>& known_empty) {
  std::set<const ObservedStatement*> covered;
  for (core::Finding& finding : findings) {
    if (!judged_by_change_rule(finding)) {
      continue;
    }
    const ObservedStatement* statement = statement_at(report, finding.location);
    if (statement == nullptr) {
      continue;
    }
    covered.insert(statement);
    std::string observed = "observed on " + report.server + ": " + describe_observation(*statement);
    if (!finding.object.table.empty()) {
      if (const std::string differs =
              disagreement(*statement, steps, table_name(finding.object.schema, finding.object.table));
          !differs.empty()) {
        observed += " (" + differs + ")";
      }
    }
    finding.message += " -- " + observed;
    finding.evidence.push_back({core::Evidence::Kind::observed, observed, statement->location});
  }
  for (const ObservedStatement& statement : report.statements) {
    if (covered.count(&statement) > 0) {
      continue;
    }
    for (const ObservedLock& lock : statement.locks) {
      const std::string table = table_name(lock.schema, lock.relation);
      const bool existing = std::find(statement.preexisting.begin(), statement.preexisting.end(), table) !=
                            statement.preexisting.end();
      if (lock.mode == model::LockMode::access_exclusive && existing && !known_empty(table)) {
        findings.push_back(lock_observed(statement, table, report.server));
        break;
      }
    }
  }
  core::sort_findings(findings);
}

std::optional<core::Error> verify_migration_locks(LintRun& run, const LensScope& scope, std::ostream& err) {
  const LintOptions& options = run.options;
  if (options.verify_locks == VerifyLocks::off) {
    return std::nullopt;
  }
  std::vector<VerifyFile> files;
  std::size_t observed = 0;
  for (const std::string& migration : scope.migrations) {
    const bool judged = scope.basis == LensBasis::all || scope.judged.count(migration) > 0;
    observed += judged ? 1 : 0;
    files.push_back({migration, judged});
  }
  if (observed == 0) {
    run.load.notes.push_back("--verify-locks: no pending SQL migration to run");
    return std::nullopt;
  }
  auto connect = connect_options(options.live);
  if (!connect) {
    return connect.error();
  }
  connect->read_only = false;
  std::unique_ptr<ThrowawayCluster> cluster;
  std::unique_ptr<ScratchDatabase> scratch;
  std::string where;
  if (options.verify_locks == VerifyLocks::db_server) {
    if (!options.live.requested()) {
      return core::Error(
          "--verify-locks-on-db-server needs --db: the server to make the scratch database on");
    }
    auto made = ScratchDatabase::create(*connect);
    if (!made) {
      return core::Error("--verify-locks: " + made.error().message);
    }
    scratch = std::move(*made);
    where = "scratch database " + scratch->name() + " on --db's server, dropped after the run";
    connect->conninfo = scratch->conninfo();
  } else {
    err << "pgadvise: --verify-locks: starting a throwaway PostgreSQL cluster\n";
    auto started = ThrowawayCluster::start();
    if (!started) {
      return core::Error("--verify-locks: " + started.error().message);
    }
    cluster = std::move(*started);
    where = cluster->description() + ", removed after the run";
    connect->conninfo = cluster->conninfo();
  }
  auto session = pg::Connection::open(*connect);
  if (!session) {
    return core::Error("--verify-locks: " + session.error().to_string());
  }
  auto report = observe_migrations(*session, files, connect->statement_timeout);
  if (!report) {
    return core::Error("--verify-locks: " + report.error().message);
  }
  const model::Catalog& sizes = run.live ? run.live->catalog : run.load.catalog;
  attach_observations(
      run.report.findings, *report, run.load.catalog.migration_steps, [&](const std::string& name) {
        const auto dot = name.find('.');
        const model::Table* table = sizes.find_table(name.substr(0, dot), name.substr(dot + 1));
        const std::optional<double> rows = table != nullptr ? rules::table_rows(*table) : std::nullopt;
        return rows && *rows <= 0;
      });
  run.load.notes.push_back("--verify-locks: " + core::plural(report->statements.size(), "statement") +
                           " of " + core::plural(observed, "migration") + " observed one by one on " +
                           report->server + " (" + where + ")");
  for (const std::string& note : report->notes) {
    run.load.notes.push_back("--verify-locks: " + note);
  }
  // Per statement, what PostgreSQL did (the text report shows notes under -v).
  for (const ObservedStatement& statement : report->statements) {
    run.load.notes.push_back("--verify-locks: " + statement.location.to_string() + " " +
                             core::collapse_whitespace(statement.text, 80) + ": " +
                             describe_observation(statement));
  }
  return std::nullopt;
}

} // namespace pgadvise::app
