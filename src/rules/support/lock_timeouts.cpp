#include "rules/support/lock_timeouts.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

namespace pgadvise::rules {

namespace {

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
  if (step.local && !step.in_transaction()) {
    return false;
  }
  return step.detail != "0" && step.detail != "0s" && step.detail != "0ms";
}

std::string base_name(const std::string& file) {
  const std::size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? file : file.substr(slash + 1);
}

} // namespace

void note_timeout_setting(const model::MigrationStep& step, FileTimeouts& seen) {
  if (step.object != "lock_timeout") {
    seen.statement_timeout = sets_a_timeout(step);
    return;
  }
  const bool too_long = sets_a_timeout(step) && milliseconds(step.detail.str()) > k_longest_lock_timeout_ms;
  seen.lock_timeout = sets_a_timeout(step) && !too_long;
  seen.lock_timeout_value = seen.lock_timeout ? step.detail.str() : std::string();
  seen.lock_timeout_line = seen.lock_timeout ? step.location.line : 0;
  seen.long_lock_timeout = too_long ? step.detail.str() : std::string();
}

FileTimeouts timeouts_before(const model::Catalog& files, const model::MigrationStep& step) {
  FileTimeouts seen;
  for (const model::MigrationStep& earlier : files.migration_steps) {
    if (&earlier == &step) {
      break;
    }
    if (earlier.kind == model::MigrationStepKind::set_timeout &&
        earlier.location.file == step.location.file) {
      note_timeout_setting(earlier, seen);
    }
  }
  return seen;
}

std::vector<TimeoutGap> timeout_gaps(const engine::RuleContext& context, const model::Catalog& files) {
  std::map<std::string, FileTimeouts> by_file;
  std::set<std::string> reported;
  std::vector<TimeoutGap> out;
  for (const model::MigrationStep& step : files.migration_steps) {
    FileTimeouts& seen = by_file[step.location.file.str()];
    if (step.kind == model::MigrationStepKind::set_timeout) {
      note_timeout_setting(step, seen);
      continue;
    }
    if (step.lock != model::LockMode::access_exclusive || step.table_is_new ||
        (seen.lock_timeout && seen.statement_timeout) || reported.count(step.location.file.str()) != 0) {
      continue;
    }
    const std::optional<LockedStep> locked = step.table.empty() ? std::nullopt : locked_step(context, step);
    if (!locked) {
      continue;
    }
    reported.insert(step.location.file.str());
    out.push_back({*locked, seen});
  }
  return out;
}

TimeoutFix timeout_fix(const TimeoutGap& gap) {
  const model::MigrationStep& step = *gap.locked.step;
  const bool in_transaction = step.in_transaction();
  const bool drizzle = step.transaction == model::MigrationTransaction::drizzle_kit;
  const std::string set = in_transaction ? "SET LOCAL " : "SET ";
  const std::string breakpoint = drizzle ? "--> statement-breakpoint" : "";
  TimeoutFix fix;
  if (!gap.seen.lock_timeout) {
    fix.ddl += set + "lock_timeout = '3s';" + breakpoint + "\n";
  }
  if (!gap.seen.statement_timeout) {
    fix.ddl += set + "statement_timeout = '1min';" + breakpoint + "\n";
  }
  // Named, so that the same SET for two files stays two fixes (findings
  // with one fix are merged into one). SET LOCAL outside the BEGIN block
  // would do nothing: say where it goes.
  fix.ddl += "-- first in " + base_name(step.location.file.str()) +
             (in_transaction && !drizzle ? ", right after its BEGIN" : "");
  if (drizzle) {
    fix.note = "drizzle-kit migrate runs all pending migrations in one transaction, so SET LOCAL semantics "
               "apply: the settings last until it commits, covering the later pending migrations too.";
  } else if (in_transaction) {
    fix.note = "The migration runs inside " + step.transaction_text() +
               ", so SET LOCAL semantics apply: the settings last until it commits.";
  } else {
    fix.note = "The file runs in autocommit, where SET LOCAL does nothing: plain SET lasts for the session.";
  }
  return fix;
}

} // namespace pgadvise::rules
