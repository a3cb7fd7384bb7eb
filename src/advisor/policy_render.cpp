#include "advisor/policy_render.hpp"

#include "advisor/drizzle_render.hpp"
#include "core/text.hpp"
#include "pg/expression_facts.hpp"

#include <array>
#include <cctype>

namespace pgadvise::advisor {

namespace {

// Role names that are key words in a TO clause, not quoted identifiers.
bool is_role_keyword(std::string_view role) {
  return role == "public" || role == "current_user" || role == "current_role" || role == "session_user";
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string escape_template(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '`' || text[i] == '\\' || (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{')) {
      out.push_back('\\');
    }
    out.push_back(text[i]);
  }
  return out;
}

} // namespace

bool is_per_row_auth_call(std::string_view name) {
  static constexpr std::array<std::string_view, 6> k_names = {
      "auth.uid", "auth.jwt", "auth.role", "auth.email", "current_setting", "pg_catalog.current_setting"};
  for (const std::string_view known : k_names) {
    if (name == known) {
      return true;
    }
  }
  return false;
}

InitPlanRewrite wrap_per_row_calls(std::string_view expression) {
  InitPlanRewrite out;
  const pg::ExpressionFacts facts = pg::expression_facts(expression);
  std::string rewritten;
  std::size_t copied = 0;
  for (const pg::ExpressionCall& call : facts.direct_calls) {
    // A call nested in one already wrapped is inside the sub-select too.
    if (!is_per_row_auth_call(call.name) || call.range.offset < copied ||
        call.range.offset + call.range.length > expression.size()) {
      continue;
    }
    const std::string_view text = expression.substr(call.range.offset, call.range.length);
    out.calls.emplace_back(text);
    rewritten += expression.substr(copied, call.range.offset - copied);
    rewritten += "(select " + std::string(text) + ")";
    copied = call.range.offset + call.range.length;
  }
  if (out.calls.empty()) {
    return out;
  }
  rewritten += expression.substr(copied);
  out.expression = std::move(rewritten);
  return out;
}

std::string policy_command_sql(const model::Policy& policy) {
  return policy.command.empty() ? std::string("ALL") : upper(policy.command);
}

std::string policy_roles_sql(const model::Policy& policy) {
  if (policy.roles.empty()) {
    return "PUBLIC";
  }
  std::vector<std::string> roles;
  for (const std::string& role : policy.roles) {
    roles.push_back(is_role_keyword(role) ? upper(role) : core::quote_ident(role));
  }
  return core::join(roles, ", ");
}

std::string render_create_policy(const model::Table& table, const model::Policy& policy,
                                 std::string_view using_expr, std::string_view check_expr) {
  std::string out = "CREATE POLICY " + core::quote_ident(policy.name) + " ON " +
                    core::qualified_name(table.schema, table.name) + " AS " +
                    (policy.permissive ? "PERMISSIVE" : "RESTRICTIVE") + " FOR " +
                    policy_command_sql(policy) + " TO " + policy_roles_sql(policy);
  if (!using_expr.empty()) {
    out += " USING (" + std::string(using_expr) + ")";
  }
  if (!check_expr.empty()) {
    out += " WITH CHECK (" + std::string(check_expr) + ")";
  }
  return out + ";";
}

std::string render_alter_policy(const model::Table& table, const model::Policy& policy,
                                std::string_view using_expr, std::string_view check_expr) {
  std::string out = "ALTER POLICY " + core::quote_ident(policy.name) + " ON " +
                    core::qualified_name(table.schema, table.name);
  if (!using_expr.empty()) {
    out += " USING (" + std::string(using_expr) + ")";
  }
  if (!check_expr.empty()) {
    out += " WITH CHECK (" + std::string(check_expr) + ")";
  }
  return out + ";";
}

std::string drizzle_sql_template(const model::Table& table, std::string_view expression) {
  const std::string param =
      table.drizzle_config_param.empty() ? std::string("table") : table.drizzle_config_param.str();
  const pg::ExpressionFacts facts = pg::expression_facts(expression);
  std::string out = "sql`";
  std::size_t copied = 0;
  for (const pg::ExpressionColumn& ref : facts.columns) {
    const bool ours = ref.qualifier.empty() || ref.qualifier == table.name;
    if (!ours || table.find_column(ref.column) == nullptr || ref.range.offset < copied ||
        ref.range.offset + ref.range.length > expression.size()) {
      continue;
    }
    out += escape_template(expression.substr(copied, ref.range.offset - copied));
    out += "${" + drizzle_member(param, drizzle_property(table, ref.column)) + "}";
    copied = ref.range.offset + ref.range.length;
  }
  out += escape_template(expression.substr(copied));
  return out + "`";
}

std::string render_drizzle_policy(const model::Table& table, const model::Policy& policy,
                                  std::string_view using_expr, std::string_view check_expr) {
  std::vector<std::string> options;
  options.push_back(std::string("as: ") + (policy.permissive ? "\"permissive\"" : "\"restrictive\""));
  options.push_back("for: " + js_string(policy.command.empty() ? "all" : policy.command));
  if (policy.roles.size() == 1) {
    options.push_back("to: " + js_string(policy.roles[0]));
  } else if (!policy.roles.empty()) {
    std::vector<std::string> roles;
    for (const std::string& role : policy.roles) {
      roles.push_back(js_string(role));
    }
    options.push_back("to: [" + core::join(roles, ", ") + "]");
  }
  if (!using_expr.empty()) {
    options.push_back("using: " + drizzle_sql_template(table, using_expr));
  }
  if (!check_expr.empty()) {
    options.push_back("withCheck: " + drizzle_sql_template(table, check_expr));
  }
  return "pgPolicy(" + js_string(policy.name) + ", { " + core::join(options, ", ") + " }),";
}

} // namespace pgadvise::advisor
