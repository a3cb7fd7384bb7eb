#include "advisor/verify.hpp"

#include "advisor/index_ddl.hpp"
#include "core/format.hpp"
#include "core/text.hpp"

#include <algorithm>

namespace pgadvise::advisor {

std::string_view to_string(VerifyMode mode) {
  switch (mode) {
  case VerifyMode::none: return "none";
  case VerifyMode::hypopg: return "hypopg";
  case VerifyMode::real: return "real";
  }
  return "hypopg";
}

namespace {

struct Measured {
  double cost = 0;
  double ms = 0;
  bool used = false;
};

bool plan_uses(const model::Plan& plan, std::string_view index_marker) {
  const auto used = model::indexes_used(plan);
  return std::any_of(used.begin(), used.end(),
                     [&](const std::string& name) { return name.find(index_marker) != std::string::npos; });
}

// The served queries made runnable once, so before and after plan the
// same statements with the same values.
std::vector<pg::Runnable> runnables(pg::Connection& connection, const model::IndexProposal& proposal,
                                    const std::map<std::uint64_t, pg::ExplainRequest>& requests,
                                    std::string& note) {
  std::vector<pg::Runnable> out;
  for (std::uint64_t fingerprint : proposal.serves) {
    const auto it = requests.find(fingerprint);
    if (it == requests.end()) {
      continue;
    }
    auto made = pg::make_runnable(connection, it->second);
    if (made.ok()) {
      out.push_back(std::move(made).value());
    } else if (note.empty()) {
      note = made.error().to_string();
    }
  }
  return out;
}

// Plans (or runs, for real verification of SELECTs) every statement and sums.
pg::DbResult<Measured> measure(pg::Connection& connection, const std::vector<pg::Runnable>& statements,
                               bool analyze, std::string_view index_marker) {
  Measured total;
  for (const pg::Runnable& runnable : statements) {
    const bool run = analyze && !runnable.modifies && !runnable.side_effects &&
                     runnable.method != model::ParamMethod::generic_plan;
    const auto flavor = run ? pg::ExplainFlavor::analyze : pg::ExplainFlavor::estimate;
    auto plan = pg::explain_runnable(connection, runnable, flavor);
    if (!plan.ok()) {
      return plan.error();
    }
    total.cost += plan->total_cost();
    total.ms += plan->execution_ms.value_or(0);
    total.used = total.used || (!index_marker.empty() && plan_uses(*plan, index_marker));
  }
  return total;
}

void judge(model::IndexProposal& proposal, double min_saving) {
  double saving = proposal.cost_saving();
  if (proposal.ms_before && proposal.ms_after && *proposal.ms_before > 0) {
    saving = (*proposal.ms_before - *proposal.ms_after) / *proposal.ms_before;
  }
  proposal.verified = proposal.used_by_planner && saving >= min_saving;
  if (!proposal.verified && proposal.note.empty()) {
    proposal.note = !proposal.used_by_planner ? "the planner did not use the index"
                                              : "saving " + core::percent(std::max(saving, 0.0)) +
                                                    " is below the required " + core::percent(min_saving);
  }
}

} // namespace

bool uses_gin(const model::IndexProposal& proposal) {
  return core::to_lower(proposal.ddl).find(" using gin ") != std::string::npos;
}

bool hypopg_available(pg::Connection& connection) {
  auto found = connection.query("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'", {}, "verify: hypopg");
  return found.ok() && !found->rows.empty();
}

std::string plain_create_index(const model::IndexProposal& proposal) {
  if (!proposal.ddl.empty()) {
    return transactional_create_index(proposal.ddl); // keeps USING, operator classes and expressions
  }
  std::vector<std::string> quoted;
  for (const std::string& column : proposal.columns) {
    quoted.push_back(core::quote_ident(column));
  }
  std::string sql = "CREATE INDEX " + core::quote_ident(proposal.name) + " ON " +
                    core::qualified_name(proposal.schema, proposal.table) + " (" + core::join(quoted, ", ") +
                    ")";
  if (!proposal.predicate.empty()) {
    sql += " WHERE " + proposal.predicate;
  }
  return sql;
}

void verify_with_hypopg(pg::Connection& connection, model::IndexProposal& proposal,
                        const std::map<std::uint64_t, pg::ExplainRequest>& requests, double min_saving) {
  if (uses_gin(proposal)) {
    // hypopg_create_index: 'access method "gin" is not supported' (HypoPG 1.3 handles btree, brin,
    // hash and bloom). Only the rolled-back real index can check a GIN proposal.
    proposal.note = "HypoPG cannot simulate a GIN index; verify it with --verify=real on a staging copy";
    return;
  }
  proposal.method = model::VerifyMethod::hypopg;
  std::string note;
  const auto statements = runnables(connection, proposal, requests, note);
  if (statements.empty()) {
    proposal.note = "no served query could be planned" + (note.empty() ? std::string() : ": " + note);
    return;
  }
  auto before = measure(connection, statements, false, {});
  if (!before.ok()) {
    proposal.note = before.error().to_string();
    return;
  }
  auto created = connection.query("SELECT indexrelid::text FROM hypopg_create_index($1)",
                                  {pg::Value(plain_create_index(proposal))}, "verify: hypopg_create_index");
  if (!created.ok() || created->rows.empty() || !created->rows[0][0]) {
    proposal.note = created.ok() ? "hypopg_create_index returned nothing" : created.error().to_string();
    return;
  }
  const std::string oid = *created->rows[0][0];
  auto after = measure(connection, statements, false, "<" + oid + ">");
  (void)connection.query("SELECT hypopg_drop_index($1::oid)", {pg::Value(oid)}, "verify: hypopg_drop_index");
  if (!after.ok()) {
    proposal.note = after.error().to_string();
    return;
  }
  proposal.cost_before = before->cost;
  proposal.cost_after = after->cost;
  proposal.used_by_planner = after->used;
  judge(proposal, min_saving);
}

void verify_for_real(pg::Connection& connection, model::IndexProposal& proposal,
                     const std::map<std::uint64_t, pg::ExplainRequest>& requests, double min_saving) {
  proposal.method = model::VerifyMethod::real;
  if (connection.read_only()) {
    proposal.note = "real verification needs a read-write session (--verify=real)";
    return;
  }
  std::string note;
  const auto statements = runnables(connection, proposal, requests, note);
  if (statements.empty()) {
    proposal.note = "no served query could be planned" + (note.empty() ? std::string() : ": " + note);
    return;
  }
  if (auto begun = connection.query("BEGIN READ WRITE", {}, "verify: begin"); !begun.ok()) {
    proposal.note = begun.error().to_string();
    return;
  }
  const auto finish = [&](std::string why) {
    // Always rolled back: the index never outlives the transaction.
    (void)connection.query("ROLLBACK", {}, "verify: rollback");
    if (!why.empty()) {
      proposal.note = std::move(why);
    }
  };
  // A first run warms the cache, so "before" is not slower only for
  // reading from disk what "after" then finds in memory.
  auto before = measure(connection, statements, true, {});
  if (before.ok()) {
    before = measure(connection, statements, true, {});
  }
  if (!before.ok()) {
    return finish(before.error().to_string());
  }
  if (auto created = connection.query(plain_create_index(proposal), {}, "verify: create index");
      !created.ok()) {
    return finish(created.error().to_string());
  }
  auto after = measure(connection, statements, true, proposal.name);
  finish({});
  if (!after.ok()) {
    proposal.note = after.error().to_string();
    return;
  }
  proposal.cost_before = before->cost;
  proposal.cost_after = after->cost;
  proposal.ms_before = before->ms;
  proposal.ms_after = after->ms;
  proposal.used_by_planner = after->used;
  judge(proposal, min_saving);
}

void verify_proposals(pg::Connection& connection, std::vector<model::IndexProposal>& proposals,
                      const std::map<std::uint64_t, pg::ExplainRequest>& requests,
                      const VerifyOptions& options, std::vector<std::string>& notes) {
  if (options.mode == VerifyMode::none || proposals.empty()) {
    return;
  }
  if (options.mode == VerifyMode::hypopg) {
    if (!hypopg_available(connection)) {
      notes.emplace_back("HypoPG is not installed in " + connection.database() +
                         " (CREATE EXTENSION hypopg): index proposals are not verified");
      for (model::IndexProposal& proposal : proposals) {
        proposal.note = "HypoPG is not installed";
      }
      return;
    }
    for (model::IndexProposal& proposal : proposals) {
      verify_with_hypopg(connection, proposal, requests, options.min_saving);
    }
    return;
  }
  for (model::IndexProposal& proposal : proposals) {
    verify_for_real(connection, proposal, requests, options.min_saving);
  }
}

} // namespace pgadvise::advisor
