#include "advisor/evidence.hpp"
#include "advisor/policy_render.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <optional>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "multiple-permissive-policies";
constexpr std::array<std::string_view, 4> k_actions = {"select", "insert", "update", "delete"};
constexpr std::string_view k_public = "public";

bool applies_to_action(const model::Policy& policy, std::string_view action) {
  return policy.command.empty() || policy.command == "all" || policy.command == action;
}

bool is_public(const model::Policy& policy) {
  return policy.roles.empty() ||
         std::find(policy.roles.begin(), policy.roles.end(), k_public) != policy.roles.end();
}

// PUBLIC covers every role; a named role only itself.
bool applies_to_role(const model::Policy& policy, const std::string& role) {
  return is_public(policy) || std::find(policy.roles.begin(), policy.roles.end(), role) != policy.roles.end();
}

// Where a set of policies overlaps: "authenticated: SELECT, UPDATE".
struct Overlap {
  std::vector<const model::Policy*> policies;
  std::map<std::string, std::vector<std::string>> actions_by_role;
};

// The condition a policy adds for rows it writes: WITH CHECK, else (ALL,
// UPDATE) its USING, as PostgreSQL applies it.
std::string effective_check(const model::Policy& policy) {
  if (!policy.check_expr.empty()) {
    return policy.check_expr;
  }
  return policy.command == "select" || policy.command == "delete" ? std::string() : policy.using_expr;
}

std::string ored(const std::vector<std::string>& parts) {
  if (parts.size() == 1) {
    return parts.front();
  }
  std::vector<std::string> wrapped;
  wrapped.reserve(parts.size());
  for (const std::string& part : parts) {
    wrapped.push_back("(" + part + ")");
  }
  return core::join(wrapped, " OR ");
}

class MultiplePermissivePolicies final : public TableRule {
public:
  MultiplePermissivePolicies()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Several permissive policies for one role and action, each evaluated for every row",
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    // Without row-level security enabled no policy is applied: nothing is
    // evaluated yet (a table a lone file only alters may have it enabled).
    if (!table.rls_enabled && !table.assumed) {
      return;
    }
    for (const auto& [key, overlap] : overlaps(table)) {
      static_cast<void>(key);
      out.push_back(make_finding(context, table, overlap));
    }
  }

  // Sets of two or more permissive policies that apply to the same role
  // and action, keyed by their names; each with where they overlap.
  static std::map<std::string, Overlap> overlaps(const model::Table& table) {
    std::vector<const model::Policy*> permissive;
    std::vector<std::string> roles;
    for (const model::Policy& policy : table.policies) {
      if (!policy.permissive) {
        continue;
      }
      permissive.push_back(&policy);
      for (const std::string& role : policy.roles) {
        if (role != k_public && std::find(roles.begin(), roles.end(), role) == roles.end()) {
          roles.push_back(role);
        }
      }
    }
    roles.emplace_back(k_public); // a role no policy names: only the PUBLIC ones apply
    std::map<std::string, Overlap> out;
    if (permissive.size() < 2) {
      return out;
    }
    for (const std::string& role : roles) {
      for (const std::string_view action : k_actions) {
        std::vector<const model::Policy*> applying;
        std::vector<std::string> names;
        for (const model::Policy* policy : permissive) {
          const bool for_role = role == k_public ? is_public(*policy) : applies_to_role(*policy, role);
          if (for_role && applies_to_action(*policy, action)) {
            applying.push_back(policy);
            names.push_back(policy->name);
          }
        }
        if (applying.size() < 2) {
          continue;
        }
        Overlap& overlap = out[core::join(names, "\x1f")];
        overlap.policies = applying;
        overlap.actions_by_role[role == k_public ? "PUBLIC" : role].push_back(std::string(action));
      }
    }
    return out;
  }

  static std::string where(const Overlap& overlap) {
    std::vector<std::string> parts;
    for (const auto& [role, actions] : overlap.actions_by_role) {
      std::vector<std::string> upper;
      for (const std::string& action : actions) {
        model::Policy as_command;
        as_command.command = action;
        upper.push_back(advisor::policy_command_sql(as_command));
      }
      parts.push_back(role + " on " + core::join(upper, ", "));
    }
    return core::join(parts, "; ");
  }

  // One policy in place of the overlapping ones, when they agree on command
  // and roles (else the merge is the user's design decision).
  static std::optional<core::Fix> merged_fix(const engine::RuleContext& context, const model::Table& table,
                                             const Overlap& overlap) {
    const model::Policy& first = *overlap.policies.front();
    std::vector<std::string> usings;
    std::vector<std::string> checks;
    bool any_check = false;
    std::vector<std::string> names;
    for (const model::Policy* policy : overlap.policies) {
      if (policy->command != first.command || policy->roles != first.roles) {
        return std::nullopt;
      }
      if (policy->using_expr.empty() != first.using_expr.empty()) {
        return std::nullopt;
      }
      if (!policy->using_expr.empty()) {
        usings.push_back(policy->using_expr);
      }
      any_check = any_check || !policy->check_expr.empty();
      checks.push_back(effective_check(*policy));
      names.push_back(policy->name);
    }
    if (any_check &&
        std::any_of(checks.begin(), checks.end(), [](const std::string& c) { return c.empty(); })) {
      return std::nullopt;
    }
    model::Policy merged = first;
    merged.name = core::truncate_identifier(core::join(names, "_or_"));
    const std::string using_expr = usings.empty() ? std::string() : ored(usings);
    const std::string check_expr = any_check ? ored(checks) : std::string();
    core::Fix fix;
    fix.sql().ddl = "BEGIN;\n";
    for (const model::Policy* policy : overlap.policies) {
      fix.sql().ddl += "DROP POLICY " + core::quote_ident(policy->name) + " ON " +
                       core::qualified_name(table.schema, table.name) + ";\n";
    }
    fix.sql().ddl += advisor::render_create_policy(table, merged, using_expr, check_expr) + "\nCOMMIT;";
    fix.safety_note = "In one transaction, so no statement sees the table without its policies. Who may "
                      "see or write which rows stays the same: permissive policies are combined with OR.";
    if (context.project != nullptr && context.project->uses_drizzle) {
      fix.sql().drizzle = "// in place of " + core::join(names, ", ") + ":\n" +
                          advisor::render_drizzle_policy(table, merged, using_expr, check_expr);
    }
    return fix;
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const Overlap& overlap) {
    std::vector<std::string> names;
    std::vector<std::string> raw_names;
    for (const model::Policy* policy : overlap.policies) {
      names.push_back(core::quote_ident(policy->name));
      raw_names.push_back(policy->name);
    }
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, {}, core::join(raw_names, ", ")};
    finding.location = overlap.policies.front()->location;
    finding.message = "Table " + advisor::table_display(table) + " has " + std::to_string(names.size()) +
                      " permissive policies (" + core::join(names, ", ") + ") for " + where(overlap);
    finding.help =
        "PostgreSQL evaluates every permissive policy that applies to the role and command for each "
        "row, and keeps the row when any of them passes. Several of them multiply the per-row work; "
        "one policy whose condition is the OR of theirs lets the same rows through with one "
        "evaluation. Where they differ in command or roles, split them so that each role and "
        "command has one permissive policy (a restrictive policy is the way to add a condition that "
        "must always hold).";
    for (const model::Policy* policy : overlap.policies) {
      std::string detail = "policy " + policy->name + ": FOR " + advisor::policy_command_sql(*policy) +
                           " TO " + advisor::policy_roles_sql(*policy);
      if (!policy->using_expr.empty()) {
        detail += " USING (" + policy->using_expr + ")";
      }
      finding.evidence.push_back(
          advisor::schema_evidence(*context.catalog, std::move(detail), policy->location));
    }
    if (std::optional<core::Fix> fix = merged_fix(context, table, overlap)) {
      finding.fix = std::move(*fix);
    }
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_multiple_permissive_policies() {
  return std::make_unique<MultiplePermissivePolicies>();
}

} // namespace pgadvise::rules
