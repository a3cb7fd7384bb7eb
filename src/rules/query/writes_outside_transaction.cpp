#include "advisor/query_evidence.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"

#include <algorithm>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "writes-outside-transaction";

class WritesOutsideTransaction final : public engine::Rule {
public:
  WritesOutsideTransaction()
      : Rule({
            .id = std::string(k_id),
            .summary = "Multi-table writes of one request run in autocommit, "
                       "without a transaction",
            .category = engine::Category::query,
            .default_severity = core::Severity::medium,
            .inputs = {engine::Input::workload},
            .has_fix = true,
            .options = {{"min-occurrences", "3",
                         "Times the same sequence of writes must run in "
                         "autocommit to be reported (a "
                         "pattern, not a one-off)"}},
            .fix_applicability = core::FixApplicability::manual,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    const auto min_occurrences =
        static_cast<std::uint64_t>(std::max(1L, context.options.get_int("min-occurrences")));
    for (const model::WriteRun& run : context.workload->write_runs.runs) {
      if (run.occurrences < min_occurrences) {
        continue;
      }
      std::vector<const model::QueryStats*> statements;
      for (const std::uint64_t fingerprint : run.fingerprints) {
        const model::QueryStats* stats = context.workload->find(fingerprint);
        if (stats == nullptr || stats->shape.tables.empty()) {
          break;
        }
        statements.push_back(stats);
      }
      if (statements.size() == run.fingerprints.size() && statements.size() >= 2) {
        out.push_back(make_finding(context, run, statements));
      }
    }
  }

private:
  static std::vector<std::string> tables_of(const engine::RuleContext& context,
                                            const std::vector<const model::QueryStats*>& statements) {
    std::vector<std::string> tables;
    for (const model::QueryStats* stats : statements) {
      const model::TableUse& use = stats->shape.tables.front();
      const std::string name =
          core::qualified_name(advisor::used_table_schema(context.catalog, use), use.name);
      if (std::find(tables.begin(), tables.end(), name) == tables.end()) {
        tables.push_back(name);
      }
    }
    return tables;
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::WriteRun& run,
                                    const std::vector<const model::QueryStats*>& statements) {
    const std::vector<std::string> tables = tables_of(context, statements);
    const model::TableUse& first = statements.front()->shape.tables.front();
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{advisor::used_table_schema(context.catalog, first), first.name, {}, {}};
    finding.location = run.example;
    finding.message = std::to_string(statements.size()) + " writes to " + core::join(tables, ", ") +
                      " ran one after another in autocommit, without a transaction, " +
                      std::to_string(run.occurrences) + " times";
    finding.help = "Each statement commits on its own, so when a later one "
                   "fails (a constraint, a timeout, a "
                   "deploy that kills the process) the earlier ones stay: an "
                   "order without its items, a transfer "
                   "with one side. Run the steps in one transaction, so they "
                   "commit together or not at all; it "
                   "also saves a commit (a WAL flush) per step. In Drizzle: "
                   "await db.transaction(async (tx) => { "
                   "... }), with every step on tx.";
    std::string sessions = core::join(run.sessions, ", ");
    if (run.sessions.size() >= model::WriteRun::k_max_sessions) {
      sessions += ", ...";
    }
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::log,
        "the same " + std::to_string(statements.size()) + " writes ran " + std::to_string(run.occurrences) +
            " times in autocommit (sessions " + sessions + "), each step within the burst window of the last",
        run.example});
    std::string ddl = "BEGIN;\n";
    for (std::size_t i = 0; i < statements.size(); ++i) {
      finding.evidence.push_back(core::Evidence{core::Evidence::Kind::query,
                                                "step " + std::to_string(i + 1) + ": " +
                                                    advisor::short_query(statements[i]->normalized),
                                                statements[i]->first_seen});
      std::string step = advisor::short_query(statements[i]->normalized, 200);
      while (!step.empty() && (step.back() == ';' || step.back() == ' ')) {
        step.pop_back(); // logged statements keep their own semicolon
      }
      ddl += step + ";\n";
    }
    core::Fix fix;
    core::CodeChange& code = fix.change.emplace<core::CodeChange>(); // the writes in one transaction
    code.sends = ddl + "COMMIT;";
    fix.safety_note = "Keep the transaction short: no network calls or user "
                      "waits inside it, since its "
                      "row locks are held until COMMIT.";
    code.code = "await db.transaction(async (tx) => {\n  // the " + std::to_string(statements.size()) +
                " writes, each on tx instead of db: tx.insert(...), "
                "tx.update(...), tx.delete(...)\n});";
    finding.fix = std::move(fix);
    std::string discriminator;
    for (const std::uint64_t fingerprint : run.fingerprints) {
      discriminator += advisor::fingerprint_hex(fingerprint);
    }
    finding.compute_fingerprint(discriminator);
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_writes_outside_transaction() {
  return std::make_unique<WritesOutsideTransaction>();
}

} // namespace pgadvise::rules
