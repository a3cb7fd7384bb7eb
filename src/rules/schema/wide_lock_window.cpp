#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/lock_timeouts.hpp"
#include "rules/support/migration_locks.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "wide-lock-window";

bool on_same_table(const model::MigrationStep& a, const model::MigrationStep& b) {
  return a.schema == b.schema && a.table == b.table;
}

// A statement that takes time in proportion to a table's rows: it reads or
// rewrites every row, builds an index, backfills, recomputes a view. On a
// table created in the same file it has no rows to work on.
bool takes_time(const model::MigrationStep& step) {
  if (step.table_is_new || step.kind == model::MigrationStepKind::set_timeout) {
    return false;
  }
  return step.scans || step.rewrites || step.kind == model::MigrationStepKind::refresh_view;
}

// What a later statement does while the lock is held, for the message.
std::string base_name(const model::MigrationStep& step) {
  const std::string& file = step.location.file.str();
  const std::size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? file : file.substr(slash + 1);
}

std::string what_it_does(const model::MigrationStep& step, const model::MigrationStep& held) {
  const std::string name = core::qualified_name(step.schema, step.table);
  std::string what;
  if (step.kind == model::MigrationStepKind::update_rows) {
    what = "updates every row of " + name;
  } else if (step.kind == model::MigrationStepKind::delete_rows) {
    what = "deletes every row of " + name;
  } else if (step.kind == model::MigrationStepKind::refresh_view) {
    what = "recomputes materialized view " + name;
  } else if (step.kind == model::MigrationStepKind::create_index) {
    what = "builds an index on " + name;
  } else if (step.rewrites) {
    what = "rewrites " + name;
  } else if (step.scans) {
    what = "scans every row of " + name;
  } else {
    what = "waits for ACCESS EXCLUSIVE on " + name;
  }
  return what + " (" + (step.location.file == held.location.file ? std::string() : base_name(step) + " ") +
         "line " + std::to_string(step.location.line) + ")";
}

// One transaction's steps, in order: a BEGIN block of one file, or the
// transaction the runner opens around the file. drizzle-kit migrate's spans
// every pending file: with --db, where the files after a pending one are
// pending too, the steps of the later files follow the file's own (`own` of
// them), and a lock taken in this file is held through them all. Without
// --db which files are pending is unknown (--all-migrations would join the
// whole history into one window): each file is its own.
struct Transaction {
  std::vector<const model::MigrationStep*> steps;
  std::size_t own = 0;
};

bool spans_files(const model::MigrationStep& step) {
  return step.transaction == model::MigrationTransaction::drizzle_kit;
}

class WideLockWindow final : public MigrationFilesRule {
public:
  WideLockWindow()
      : MigrationFilesRule({
            .id = std::string(k_id),
            .summary = "ACCESS EXCLUSIVE on an existing table held while the same transaction goes on with "
                       "long statements or locks on other tables",
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_files(const engine::RuleContext& context, const model::Catalog& files,
                   core::FindingSink& out) const override {
    // A transaction of a file: its holder and a block's BEGIN line.
    using Key = std::tuple<std::string, model::MigrationTransaction, std::uint32_t>;
    std::map<Key, Transaction> transactions;
    std::vector<Key> order;
    for (const model::MigrationStep& step : files.migration_steps) {
      if (!step.in_transaction()) {
        continue; // autocommit: each statement releases its locks at once
      }
      Key key{step.location.file.str(), step.transaction, step.transaction_line};
      auto [entry, added] = transactions.try_emplace(key);
      if (added) {
        order.push_back(key);
      }
      entry->second.steps.push_back(&step);
    }
    const bool live = context.files_catalog != nullptr && context.files_catalog != context.catalog;
    const std::vector<TimeoutGap> gaps = timeout_gaps(context, files);
    for (std::size_t k = 0; k < order.size(); ++k) {
      Transaction& transaction = transactions[order[k]];
      transaction.own = transaction.steps.size();
      if (live && spans_files(*transaction.steps.front())) {
        for (std::size_t next = k + 1; next < order.size(); ++next) {
          if (std::get<1>(order[next]) == std::get<1>(order[k]) &&
              std::get<2>(order[next]) == std::get<2>(order[k])) {
            // Not extended yet (later in the order): its own steps only.
            const Transaction& later = transactions[order[next]];
            transaction.steps.insert(transaction.steps.end(), later.steps.begin(), later.steps.end());
          }
        }
      }
      check_transaction(context, files, gaps, transaction, out);
    }
  }

  static void check_transaction(const engine::RuleContext& context, const model::Catalog& files,
                                const std::vector<TimeoutGap>& gaps, const Transaction& transaction,
                                core::FindingSink& out) {
    for (std::size_t i = 0; i < transaction.own; ++i) {
      const model::MigrationStep& held = *transaction.steps[i];
      const model::Table* defined = files.find_table(held.schema, held.table);
      if (held.lock != model::LockMode::access_exclusive || held.table_is_new || defined == nullptr) {
        continue;
      }
      // What runs after it, in order: every long statement on another
      // table, and another table's lock once per table with none.
      std::vector<const model::MigrationStep*> later;
      bool any_long = false;
      for (std::size_t j = i + 1; j < transaction.steps.size(); ++j) {
        const model::MigrationStep& step = *transaction.steps[j];
        // A later statement on the same table is judged by its own rule
        // (a backfill says the lock makes it block reads too).
        if (on_same_table(held, step)) {
          continue;
        }
        if (takes_time(step)) {
          std::erase_if(later, [&](const model::MigrationStep* listed) {
            return !takes_time(*listed) && on_same_table(*listed, step);
          });
          later.push_back(&step);
          any_long = true;
        } else if (!step.table_is_new && step.lock == model::LockMode::access_exclusive &&
                   std::none_of(later.begin(), later.end(), [&](const model::MigrationStep* listed) {
                     return on_same_table(*listed, step);
                   })) {
          later.push_back(&step);
        }
      }
      if (later.empty()) {
        continue;
      }
      const model::Table* live = context.catalog->find_table(held.schema, held.table);
      const LockedStep locked{&held, defined, live != nullptr ? live : defined};
      out.push_back(any_long ? make_finding(context, locked, later)
                             : make_lock_only_finding(context, files, gaps, locked, later));
      return; // one finding per transaction: the first lock it holds
    }
  }

  // How many of the later statements the message, evidence and fix name: a
  // hand-written migration that enables row-level security table by table
  // holds hundreds of them, and one finding must stay readable.
  static constexpr std::size_t k_listed = 4;

  static std::string more_text(const std::vector<const model::MigrationStep*>& later) {
    return core::plural(later.size() - k_listed, "more statement") + " on other tables (to line " +
           std::to_string(later.back()->location.line) + ")";
  }

  static core::Finding start_finding(const engine::RuleContext& context, const LockedStep& locked,
                                     const std::vector<const model::MigrationStep*>& later) {
    const model::MigrationStep& held = *locked.step;
    const std::string name = core::qualified_name(held.schema, held.table);
    const std::size_t listed = std::min(later.size(), k_listed);
    std::vector<std::string> what;
    for (std::size_t i = 0; i < listed; ++i) {
      what.push_back(what_it_does(*later[i], held));
    }
    if (later.size() > listed) {
      what.push_back("then " + more_text(later));
    }
    core::Finding finding = lock_finding(k_id, context, locked,
                                         "ACCESS EXCLUSIVE on existing table " + name + " is held until " +
                                             held.transaction_text() + " commits, and the transaction then " +
                                             core::join(what, ", ") + ": every read and write of " + name +
                                             " waits for all of it");
    for (std::size_t i = 0; i < listed; ++i) {
      finding.evidence.push_back(
          core::Evidence{core::Evidence::Kind::ddl, later[i]->statement.str(), later[i]->location});
    }
    return finding;
  }

  // The fix's text when lock_timeout is set: COMMIT after the statement on
  // the table (a BEGIN ... COMMIT file), or the later statements moved out.
  static std::string release_ddl(const model::MigrationStep& held, const std::string& name,
                                 const std::vector<const model::MigrationStep*>& later, bool block,
                                 bool drizzle) {
    std::string listed;
    for (std::size_t i = 0; i < std::min(later.size(), k_listed); ++i) {
      listed += "-- " + later[i]->statement.str() + ";\n";
    }
    if (later.size() > k_listed) {
      listed += "-- ... and " + more_text(later) + "\n";
    }
    if (block) {
      return "-- in " + base_name(held) + ": the change of " + name +
             " commits before the other tables are waited for\n" + held.statement.str() +
             ";\nCOMMIT;\nBEGIN;\n" + listed + "-- ... up to the file's COMMIT";
    }
    std::string ddl = "-- out of " + base_name(held) + ", into a migration of their own" +
                      (drizzle ? " (applied by a later drizzle-kit migrate run)" : std::string()) + ":\n" +
                      listed;
    ddl.pop_back();
    return ddl;
  }

  // Only other locks after it: the window is the wait for them. No order of
  // them shortens it (each lock taken is held while the next is waited for);
  // lock_timeout bounds each wait. Where the file sets none, that is
  // lock-timeout-missing's finding and fix for the file: the same fix here
  // makes the two one finding. Where one is set, what is left is to let the
  // lock go before the other tables are waited for.
  static core::Finding make_lock_only_finding(const engine::RuleContext& context, const model::Catalog& files,
                                              const std::vector<TimeoutGap>& gaps, const LockedStep& locked,
                                              const std::vector<const model::MigrationStep*>& later) {
    const model::MigrationStep& held = *locked.step;
    const std::string name = core::qualified_name(held.schema, held.table);
    const bool drizzle = held.transaction == model::MigrationTransaction::drizzle_kit;
    core::Finding finding = start_finding(context, locked, later);
    regrade(finding, core::Severity::low);
    const std::string base =
        "PostgreSQL releases a transaction's locks only when it commits. Every later "
        "statement only waits for ACCESS EXCLUSIVE on another table, so no order of them "
        "shortens the window: while it waits for one table, every table locked before it "
        "is closed to reads and writes" +
        std::string(drizzle ? " -- and drizzle-kit migrate runs every pending migration "
                              "in one transaction"
                            : "");
    const model::MigrationStep& first_wait = *later.front();
    const FileTimeouts seen =
        timeouts_before(files, first_wait.location.file == held.location.file ? first_wait : held);
    if (!seen.lock_timeout) {
      finding.help = base + ". Bound each wait with lock_timeout, so a blocked migration gives up (and is "
                            "retried) instead of holding the tables it already locked.";
      const auto gap = std::find_if(gaps.begin(), gaps.end(), [&](const TimeoutGap& candidate) {
        return candidate.locked.step->location.file == held.location.file && !candidate.seen.lock_timeout;
      });
      if (gap != gaps.end()) {
        TimeoutFix fix = timeout_fix(*gap);
        set_lock_fix(finding, std::move(fix.ddl), std::move(fix.note), held.statement.str());
        return finding;
      }
      set_lock_fix(
          finding,
          "-- first in " + base_name(held) + ", before its first statement" +
              (drizzle ? std::string() : std::string(" (inside the transaction)")) +
              ":\n"
              "SET LOCAL lock_timeout = '3s';",
          "A timed-out lock rolls the whole transaction back: rerun the migration (it takes the same "
          "locks again), at a quieter time if it keeps timing out.",
          held.statement.str());
      return finding;
    }
    const std::string bound = "lock_timeout = '" + seen.lock_timeout_value + "' (line " +
                              std::to_string(seen.lock_timeout_line) + ") bounds each wait";
    const bool block = held.transaction == model::MigrationTransaction::block;
    finding.help = base + ". " + bound + ", so reads and writes of " + name +
                   " queue at most that long per table waited for. To close the window, let the lock on " +
                   name + " go before the other tables are waited for: " +
                   (block ? std::string("COMMIT right after the statement on ") + name +
                                " and BEGIN again for the rest, if they need not commit together."
                          : std::string("put the statements on other tables in a migration of their own, "
                                        "if they need not commit with the change of ") +
                                name +
                                (drizzle ? " (applied by a later drizzle-kit migrate run: one run commits "
                                           "every pending file together)."
                                         : "."));
    std::string ddl = release_ddl(held, name, later, block, drizzle);
    set_lock_fix(finding, std::move(ddl),
                 "Only where the statements need not commit together: a change that must be atomic with the "
                 "one on " +
                     name + " stays in its transaction, its waits bounded by the lock_timeout already set.",
                 held.statement.str());
    return finding;
  }

  static core::Finding make_finding(const engine::RuleContext& context, const LockedStep& locked,
                                    const std::vector<const model::MigrationStep*>& later) {
    const model::MigrationStep& held = *locked.step;
    const std::string name = core::qualified_name(held.schema, held.table);
    const bool drizzle = held.transaction == model::MigrationTransaction::drizzle_kit;
    core::Finding finding = start_finding(context, locked, later);
    finding.help =
        "PostgreSQL releases a transaction's locks only when it commits. The statement on " + name +
        " alone is brief, but its ACCESS EXCLUSIVE lock stays while the rest of the transaction runs" +
        (drizzle
             ? " -- and drizzle-kit migrate runs every pending migration in one transaction, so the later "
               "pending files run under it too"
             : std::string()) +
        ". Take that lock last, or commit right after it, and run long work (index builds, backfills, "
        "validations) where no strong lock is held.";
    set_lock_fix(
        finding, fix_text(held, later, drizzle),
        "Statements that need the ACCESS EXCLUSIVE change (a backfill of the column it adds) cannot go "
        "before it: commit it first, then run them.",
        held.statement.str());
    return finding;
  }

  static std::string fix_text(const model::MigrationStep& held,
                              const std::vector<const model::MigrationStep*>& later, bool drizzle) {
    std::string ddl =
        "-- in " + base_name(held) + ": the statements on other tables first, the ACCESS EXCLUSIVE one last";
    ddl +=
        drizzle
            ? " (drizzle-kit migrate commits after the last pending file: better, move long statements out "
              "of the migrations, CREATE INDEX CONCURRENTLY before migrate and backfills as a batched "
              "script after it)\n"
            : ", just before COMMIT (or COMMIT right after it)\n";
    const std::size_t listed = std::min(later.size(), k_listed);
    for (std::size_t i = 0; i < listed; ++i) {
      ddl += "-- " + later[i]->statement.str() + ";\n";
    }
    if (later.size() > listed) {
      ddl += "-- ... and " + more_text(later) + "\n";
    }
    ddl += held.statement.str() + ";";
    return ddl;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_wide_lock_window() {
  return std::make_unique<WideLockWindow>();
}

} // namespace pgadvise::rules
