#include "advisor/evidence.hpp"
#include "advisor/policy_render.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"

#include <algorithm>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "rls-per-row-function-call";

class RlsPerRowFunctionCall final : public TableRule {
public:
  RlsPerRowFunctionCall()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Row-level security policy calls auth.uid() or current_setting() once per row",
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    // Without row-level security enabled no policy is applied, so no call
    // runs yet (a table a lone file only alters may have it enabled).
    if (!table.rls_enabled && !table.assumed) {
      return;
    }
    for (const model::Policy& policy : table.policies) {
      const advisor::InitPlanRewrite using_fix = advisor::wrap_per_row_calls(policy.using_expr);
      const advisor::InitPlanRewrite check_fix = advisor::wrap_per_row_calls(policy.check_expr);
      if (!using_fix.calls.empty() || !check_fix.calls.empty()) {
        out.push_back(make_finding(context, table, policy, using_fix, check_fix));
      }
    }
  }

  static std::string clauses(const advisor::InitPlanRewrite& using_fix,
                             const advisor::InitPlanRewrite& check_fix) {
    std::vector<std::string> calls = using_fix.calls;
    calls.insert(calls.end(), check_fix.calls.begin(), check_fix.calls.end());
    std::vector<std::string> unique;
    for (const std::string& call : calls) {
      if (std::find(unique.begin(), unique.end(), call) == unique.end()) {
        unique.push_back(call);
      }
    }
    std::string where = !using_fix.calls.empty() && !check_fix.calls.empty() ? "USING and WITH CHECK"
                        : !using_fix.calls.empty()                           ? "USING"
                                                                             : "WITH CHECK";
    return core::join(unique, ", ") + " in " + where;
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::Policy& policy, const advisor::InitPlanRewrite& using_fix,
                                    const advisor::InitPlanRewrite& check_fix) {
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, {}, policy.name};
    finding.location = policy.location;
    finding.message = "Policy " + core::quote_ident(policy.name) + " on " + advisor::table_display(table) +
                      " calls " + clauses(using_fix, check_fix) + " directly: evaluated for every row";
    finding.help =
        "A function called directly in a policy expression is evaluated once for each row the query "
        "reads or writes. Wrapped in a sub-select, (select auth.uid()), PostgreSQL runs it once per "
        "statement as an initPlan and compares each row to the cached value, which is the same "
        "result: auth.uid(), auth.jwt() and current_setting() do not change within a statement. On "
        "large tables this is the difference between one call and millions.";
    std::vector<std::string> written;
    if (!policy.using_expr.empty()) {
      written.push_back("USING (" + policy.using_expr + ")");
    }
    if (!policy.check_expr.empty()) {
      written.push_back("WITH CHECK (" + policy.check_expr + ")");
    }
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog, "policy " + policy.name + ": " + core::join(written, " "), policy.location));
    core::Fix fix;
    fix.sql().ddl = advisor::render_alter_policy(table, policy, using_fix.expression, check_fix.expression);
    fix.safety_note = "ALTER POLICY takes a brief ACCESS EXCLUSIVE lock on the table and changes no rows; "
                      "who can see what stays the same.";
    if (context.project != nullptr && context.project->uses_drizzle) {
      fix.sql().drizzle = advisor::render_drizzle_policy(
          table, policy, using_fix.calls.empty() ? policy.using_expr : using_fix.expression,
          check_fix.calls.empty() ? policy.check_expr : check_fix.expression);
    }
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_rls_per_row_function_call() {
  return std::make_unique<RlsPerRowFunctionCall>();
}

} // namespace pgadvise::rules
