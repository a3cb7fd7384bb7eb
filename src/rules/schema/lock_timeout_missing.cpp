#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/lock_timeouts.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>
#include <string>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "lock-timeout-missing";

class LockTimeoutMissing final : public MigrationFilesRule {
public:
  LockTimeoutMissing()
      : MigrationFilesRule({
            .id = std::string(k_id),
            .summary = "ACCESS EXCLUSIVE DDL, TRUNCATE or LOCK TABLE on an existing table with no "
                       "lock_timeout set before it",
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_files(const engine::RuleContext& context, const model::Catalog& files,
                   core::FindingSink& out) const override {
    for (const TimeoutGap& gap : timeout_gaps(context, files)) {
      out.push_back(make_finding(context, gap));
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const TimeoutGap& gap) {
    const LockedStep& locked = gap.locked;
    const FileTimeouts& seen = gap.seen;
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
    TimeoutFix fix = timeout_fix(gap);
    set_lock_fix(finding, std::move(fix.ddl), std::move(fix.note), step.location.file.str());
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_lock_timeout_missing() {
  return std::make_unique<LockTimeoutMissing>();
}

} // namespace pgadvise::rules
