// Row-level security of a live database: which tables have it enabled
// (pg_class.relrowsecurity) and their policies (pg_policy).
#include "core/text.hpp"
#include "loaders/live/state.hpp"
#include "pg/expression_facts.hpp"

namespace pgadvise::loaders::live {

namespace {

// Role names are joined with the unit separator, which no role name holds.
constexpr char k_role_separator = '\x1f';

std::string tables_with_row_security() {
  return "SELECT c.oid::text AS table_oid FROM pg_catalog.pg_class c"
         " WHERE c.relrowsecurity AND c.relkind IN ('r', 'p')";
}

std::string policies() {
  // polroles = {0} is PUBLIC; polcmd is '*' (ALL), 'r', 'a', 'w' or 'd'.
  return "SELECT p.polrelid::text AS table_oid, p.polname AS name, p.polpermissive AS permissive,"
         " p.polcmd::text AS command,"
         " (SELECT string_agg(r.rolname, chr(31) ORDER BY r.rolname) FROM pg_catalog.pg_roles r"
         "   WHERE r.oid = ANY (p.polroles)) AS roles,"
         " pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_expr,"
         " pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr"
         " FROM pg_catalog.pg_policy p ORDER BY p.polrelid, p.polname";
}

std::string command_of(std::string_view code) {
  if (code == "r") {
    return "select";
  }
  if (code == "a") {
    return "insert";
  }
  if (code == "w") {
    return "update";
  }
  if (code == "d") {
    return "delete";
  }
  return "all";
}

std::string expression(const pg::QueryResult& result, std::size_t row, std::string_view column) {
  const std::string written = text(result, row, column);
  return written.empty() ? written : pg::deparse_expression(written).value_or(written);
}

} // namespace

void load_policies(LoadState& state) {
  each_row_or_note(state, tables_with_row_security(), "row-level security", "row-level security flags",
                   on_table(state, "table_oid", [](model::Table& table, const pg::QueryResult&, std::size_t) {
                     table.rls_enabled = true;
                   }));
  const auto read = [](model::Table& table, const pg::QueryResult& result, std::size_t row) {
    model::Policy policy;
    policy.name = text(result, row, "name");
    policy.permissive = flag(result, row, "permissive");
    policy.command = command_of(text(result, row, "command"));
    const std::string roles = text(result, row, "roles");
    if (!roles.empty()) {
      policy.roles = core::split(roles, k_role_separator);
    }
    policy.using_expr = expression(result, row, "using_expr");
    policy.check_expr = expression(result, row, "check_expr");
    table.policies.push_back(std::move(policy));
  };
  each_row_or_note(state, policies(), "policies", "row-level security policies",
                   on_table(state, "table_oid", read));
}

} // namespace pgadvise::loaders::live
