#pragma once

#include "engine/rule.hpp"
#include "model/catalog.hpp"
#include "rules/support/migration_locks.hpp"

#include <string>
#include <vector>

// The timeouts a migration file sets before its lock-taking statements: what
// lock-timeout-missing reports, and what wide-lock-window must know to tell a
// window no lock_timeout bounds (the same fix, one finding) from one it does.
namespace pgadvise::rules {

// What a migration file has set so far.
struct FileTimeouts {
  bool lock_timeout = false; // a lock_timeout that bounds the wait (set, not 0, at most 10s)
  bool statement_timeout = false;
  std::string lock_timeout_value; // as written ("2s"), when lock_timeout
  int lock_timeout_line = 0;      // the SET's line, when lock_timeout
  std::string long_lock_timeout;  // a lock_timeout set, but too long to spare the queue ("5min")
};

// `step`, a set_timeout step, applied to what the file has set so far.
void note_timeout_setting(const model::MigrationStep& step, FileTimeouts& seen);

// What `step`'s file has set before it.
FileTimeouts timeouts_before(const model::Catalog& files, const model::MigrationStep& step);

// The first statement of a file that takes ACCESS EXCLUSIVE on an existing
// table while a timeout is missing (one SET at the top covers them all), and
// what the file had set before it.
struct TimeoutGap {
  LockedStep locked;
  FileTimeouts seen;
};

// Each file's gap, in the order of the files' steps: what lock-timeout-missing reports.
std::vector<TimeoutGap> timeout_gaps(const engine::RuleContext& context, const model::Catalog& files);

// lock-timeout-missing's fix for a gap: the SETs the file lacks and where they
// go, and how long they last. A rule that wants the same SETs for the same
// file uses this fix, so that the two findings are one (findings with one fix
// are merged).
struct TimeoutFix {
  std::string ddl;
  std::string note;
};
TimeoutFix timeout_fix(const TimeoutGap& gap);

} // namespace pgadvise::rules
