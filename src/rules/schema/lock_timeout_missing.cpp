#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "lock-timeout-missing";

// What a migration file has set so far.
struct FileTimeouts {
  bool lock_timeout = false;
  bool statement_timeout = false;
  bool reported = false;
  std::string long_lock_timeout; // a lock_timeout set, but too long to spare the queue ("5min")
};

// The longest lock_timeout that keeps the queue behind an ACCESS EXCLUSIVE
// request short: every query on the table waits that long (pgfence's
// lock-timeout-too-long; the usual advice and our fix say 2 to 5 seconds).
constexpr double k_longest_lock_timeout_ms = 10'000;

// A setting's value in milliseconds as PostgreSQL reads it (a bare number
// is milliseconds); negative when it is not a number with a known unit.
double milliseconds(const std::string& value) {
  char* end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  if (end == value.c_str()) {
    return -1;
  }
  std::string unit(end);
  unit.erase(std::remove(unit.begin(), unit.end(), ' '), unit.end());
  static const std::map<std::string, double, std::less<>> k_units = {
      {"", 1}, {"us", 0.001}, {"ms", 1}, {"s", 1'000}, {"min", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  const auto found = k_units.find(unit);
  return found == k_units.end() ? -1 : number * found->second;
}

// A SET that bounds the wait: not 0 (no limit), and not SET LOCAL outside
// a transaction block, which PostgreSQL ignores with a warning.
bool sets_a_timeout(const model::MigrationStep& step) {
  if (step.local && step.transaction.empty()) {
    return false;
  }
  return step.detail != "0" && step.detail != "0s" && step.detail != "0ms";
}

// The SET's effect on what the file has set so far.
void note_setting(const model::MigrationStep& step, FileTimeouts& seen) {
  if (step.object != "lock_timeout") {
    seen.statement_timeout = sets_a_timeout(step);
    return;
  }
  const bool too_long = sets_a_timeout(step) && milliseconds(step.detail.str()) > k_longest_lock_timeout_ms;
  seen.lock_timeout = sets_a_timeout(step) && !too_long;
  seen.long_lock_timeout = too_long ? step.detail.str() : std::string();
}

class LockTimeoutMissing final : public MigrationFilesRule {
public:
  LockTimeoutMissing()
      : MigrationFilesRule({
            .id = std::string(k_id),
            .summary = "ACCESS EXCLUSIVE DDL, TRUNCATE or LOCK TABLE on an existing table with no "
                       "lock_timeout set before it",
            .has_fix = true,
        }) {}

private:
  void check_files(const engine::RuleContext& context, const model::Catalog& files,
                   core::FindingSink& out) const override {
    std::map<std::string, FileTimeouts> by_file;
    for (const model::MigrationStep& step : files.migration_steps) {
      FileTimeouts& seen = by_file[step.location.file.str()];
      if (step.kind == model::MigrationStepKind::set_timeout) {
        note_setting(step, seen);
        continue;
      }
      // Only the first statement of a file that needs the timeouts is
      // reported: one SET at the top covers them all.
      if (seen.reported || step.lock != model::LockMode::access_exclusive || step.table_is_new ||
          (seen.lock_timeout && seen.statement_timeout)) {
        continue;
      }
      const std::optional<LockedStep> locked = step.table.empty() ? std::nullopt : locked_step(context, step);
      if (!locked) {
        continue;
      }
      seen.reported = true;
      out.push_back(make_finding(context, *locked, seen));
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const LockedStep& locked,
                                    const FileTimeouts& seen) {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    // DROP TABLE of a table with foreign keys also takes ACCESS EXCLUSIVE on
    // the tables they reference, to drop its triggers there.
    const std::string lock =
        step.detail == "DROP TABLE" && !step.object.empty()
            ? "ACCESS EXCLUSIVE lock (DROP TABLE " + step.object + " drops its foreign keys' triggers there)"
            : std::string("ACCESS EXCLUSIVE lock");
    // A view's lock (DROP VIEW, CREATE OR REPLACE VIEW) queues its readers.
    const std::string existing = on_view(step) ? " on existing view " : " on existing table ";
    const std::string missing = !seen.lock_timeout && !seen.statement_timeout
                                    ? "lock_timeout or statement_timeout"
                                : !seen.lock_timeout ? "lock_timeout"
                                                     : "statement_timeout";
    core::Finding finding =
        seen.long_lock_timeout.empty()
            ? lock_finding(k_id, context, locked,
                           lock + existing + name + " with no " + missing +
                               " set before it in this migration: while it waits for the lock, every query "
                               "on " +
                               name + " waits behind it")
            : lock_finding(k_id, context, locked,
                           lock + existing + name + " with lock_timeout = '" + seen.long_lock_timeout +
                               "' set before it in this migration, longer than 10s: while it waits for the "
                               "lock, every query on " +
                               name + " can wait behind it that long");
    if (seen.lock_timeout) {
      // Only statement_timeout is missing: the queue is bounded, a long statement is not.
      finding.severity = core::Severity::low;
    }
    finding.help = "Its ACCESS EXCLUSIVE request waits for every open transaction on " + name +
                   ", and every later query of " + name +
                   " waits behind the request. lock_timeout makes the migration give up (to be retried) "
                   "instead; statement_timeout bounds how long it holds the lock.";
    const bool in_transaction = !step.transaction.empty();
    const bool drizzle = step.transaction.find("drizzle-kit") != std::string::npos;
    const std::string set = in_transaction ? "SET LOCAL " : "SET ";
    const std::string breakpoint = drizzle ? "--> statement-breakpoint" : "";
    std::string ddl;
    if (!seen.lock_timeout) {
      ddl += set + "lock_timeout = '3s';" + breakpoint + "\n";
    }
    if (!seen.statement_timeout) {
      ddl += set + "statement_timeout = '1min';" + breakpoint + "\n";
    }
    // Named, so that the same SET for two files stays two fixes (findings
    // with one fix are merged into one).
    const std::string& file = step.location.file.str();
    // SET LOCAL outside the BEGIN block would do nothing: say where it goes.
    ddl += "-- first in " +
           file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1) +
           (in_transaction && !drizzle ? ", right after its BEGIN" : "");
    std::string note;
    if (drizzle) {
      note = "drizzle-kit migrate runs all pending migrations in one transaction, so SET LOCAL semantics "
             "apply: the settings last until it commits, covering the later pending migrations too.";
    } else if (in_transaction) {
      note = "The migration runs inside " + step.transaction +
             ", so SET LOCAL semantics apply: the settings last until it commits.";
    } else {
      note = "The file runs in autocommit, where SET LOCAL does nothing: plain SET lasts for the session.";
    }
    set_lock_fix(finding, std::move(ddl), std::move(note), step.location.file.str());
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_lock_timeout_missing() {
  return std::make_unique<LockTimeoutMissing>();
}

} // namespace pgadvise::rules
