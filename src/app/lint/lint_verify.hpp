#pragma once

#include "app/lint/lint_run.hpp"
#include "app/live/verify_locks.hpp"
#include "app/scope/lens.hpp"
#include "model/catalog.hpp"

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

// `lint --verify-locks`, part of stage 4 (select_findings), after the
// lenses chose the migrations the change rules judge: those migrations run
// against a throwaway PostgreSQL (app/live/verify_locks), and each change
// finding in them says what PostgreSQL did ("observed: ACCESS EXCLUSIVE on
// orders, table rewritten"), and where that is not what the rules predicted,
// says that too. A statement that took ACCESS EXCLUSIVE on an existing table
// and that no rule judged becomes a lock-observed finding.
namespace pgadvise::app {

// Runs the verification when the options ask for it; an error (exit 2)
// when the throwaway database cannot be had.
[[nodiscard]] std::optional<core::Error> verify_migration_locks(LintRun& run, const LensScope& scope,
                                                                std::ostream& err);

// The findings' side of it, apart from any database: observations attached
// to the change findings located in their statement, the predictions
// (`steps`) checked against them, and lock-observed findings for the
// statements no finding covers. `known_empty` says whether a table
// ("schema.name") is known to hold no rows.
void attach_observations(std::vector<core::Finding>& findings, const VerifyReport& report,
                         const model::MigrationSteps& steps,
                         const std::function<bool(const std::string&)>& known_empty);

} // namespace pgadvise::app
