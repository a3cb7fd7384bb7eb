#include "loaders/sql/replay_policy.hpp"

#include "core/text.hpp"
#include "loaders/sql/replay_assumed.hpp"
#include "loaders/sql/replay_slices.hpp"
#include "pg/expression_facts.hpp"

#include <algorithm>

namespace pgadvise::loaders::replay {

namespace {

std::string label(const QualifiedName& name) {
  return name.schema.empty() ? name.name : name.schema + "." + name.name;
}

// The roles of a TO clause: names as written, PUBLIC as "public" and
// CURRENT_USER and the like in lower case. Only PUBLIC means every role,
// which the model writes as no roles at all.
std::vector<std::string> roles_of(const Json& stmt) {
  std::vector<std::string> roles;
  if (const Json* items = list_items(child(stmt, "roles"))) {
    for (const Json& item : items_of(items)) {
      const Json* spec = as(item, "RoleSpec");
      if (spec == nullptr) {
        continue;
      }
      const std::string type = string_field(*spec, "roletype");
      if (type == "ROLESPEC_CSTRING") {
        roles.push_back(string_field(*spec, "rolename"));
      } else if (type == "ROLESPEC_PUBLIC") {
        roles.emplace_back("public");
      } else {
        roles.push_back(core::to_lower(type.substr(type.find('_') + 1))); // ROLESPEC_CURRENT_USER
      }
    }
  }
  if (roles.size() == 1 && roles[0] == "public") {
    roles.clear();
  }
  return roles;
}

// The parenthesized expression after key word(s) `first` [`second`] at the
// statement's top level: USING (...), WITH CHECK (...).
std::string clause_text(const Replay& replay, std::string_view first, std::string_view second) {
  const SqlTokens& tokens = replay.tokens();
  const auto& list = tokens.tokens();
  int depth = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    depth += tokens.is_punct(i, '(') ? 1 : tokens.is_punct(i, ')') ? -1 : 0;
    if (depth != 0 || !tokens.is_word(i, first)) {
      continue;
    }
    std::size_t last = i;
    if (!second.empty()) {
      if (i + 1 >= list.size() || !tokens.is_word(i + 1, second)) {
        continue;
      }
      last = i + 1;
    }
    const std::optional<std::string> text = parenthesized_after(tokens, list[last].end);
    if (!text) {
      return {};
    }
    return pg::deparse_expression(*text).value_or(*text);
  }
  return {};
}

// The USING and WITH CHECK clauses present in the statement, into `policy`.
void read_clauses(const Replay& replay, const Json& stmt, model::Policy& policy) {
  if (child(stmt, "qual") != nullptr) {
    policy.using_expr = clause_text(replay, "using", {});
  }
  if (child(stmt, "with_check") != nullptr) {
    policy.check_expr = clause_text(replay, "with", "check");
  }
}

model::Table* policy_table(Replay& replay, const Json& stmt, const char* key) {
  const Json* relation = child(stmt, key);
  if (relation == nullptr) {
    return nullptr;
  }
  // A table no file creates is one in use before them (replay_assumed).
  return find_or_assume_table(replay, range_var(*relation));
}

model::Policy* find_policy(model::Table& table, const std::string& name) {
  return std::find_if(table.policies.begin(), table.policies.end(),
                      [&](const model::Policy& policy) { return policy.name == name; });
}

// CREATE, ALTER, RENAME and DROP POLICY take ACCESS EXCLUSIVE on the table
// (PostgreSQL 15, checked in pg_locks): an alter_table step named after the
// policy, `words` saying which statement, for the rules that judge any lock
// on a busy table (lock-timeout-missing, wide-lock-window).
void record_policy_step(Replay& replay, const model::Table& table, const std::string& name,
                        std::string_view words) {
  record_step(replay, table, model::MigrationStepKind::alter_table, name, false).detail = std::string(words);
}

} // namespace

void create_policy(Replay& replay, const Json& stmt) {
  model::Table* table = policy_table(replay, stmt, "table");
  if (table == nullptr) {
    return;
  }
  model::Policy policy;
  policy.name = string_field(stmt, "policy_name");
  record_policy_step(replay, *table, policy.name, "CREATE POLICY");
  if (find_policy(*table, policy.name) != table->policies.end()) {
    replay.warn_duplicate("policy \"" + policy.name + "\" for table \"" + table->name + "\" already exists",
                          replay.at_statement());
    return;
  }
  policy.permissive = bool_field(stmt, "permissive");
  policy.command = string_field(stmt, "cmd_name");
  if (policy.command.empty()) {
    policy.command = "all";
  }
  policy.roles = roles_of(stmt);
  read_clauses(replay, stmt, policy);
  policy.location = replay.at_statement();
  table->policies.push_back(std::move(policy));
}

namespace {

// ALTER or RENAME of a policy `table` does not have: a replay-warning, or a
// note when the table is one no file creates (its policies are from before
// the files).
void warn_missing_policy(Replay& replay, const model::Table& table, const std::string& name) {
  if (table.assumed) {
    note_assumed_object(replay, "policy", name + " on " + label({table.schema, table.name}));
    return;
  }
  replay.warn("policy \"" + name + "\" for table \"" + table.name + "\" does not exist",
              replay.at_statement());
}

} // namespace

void alter_policy(Replay& replay, const Json& stmt) {
  model::Table* table = policy_table(replay, stmt, "table");
  if (table == nullptr) {
    return;
  }
  const std::string name = string_field(stmt, "policy_name");
  record_policy_step(replay, *table, name, "ALTER POLICY");
  const auto policy = find_policy(*table, name);
  if (policy == table->policies.end()) {
    warn_missing_policy(replay, *table, name);
    return;
  }
  if (child(stmt, "roles") != nullptr) {
    policy->roles = roles_of(stmt);
  }
  read_clauses(replay, stmt, *policy);
  policy->location = replay.at_statement(); // where its expressions are now written
}

void drop_policy(Replay& replay, const Json& object, bool missing_ok) {
  std::vector<std::string> names = string_list(&object);
  if (names.size() < 2) {
    return;
  }
  const std::string name = names.back();
  names.pop_back();
  const QualifiedName table_name = to_qualified(names);
  model::Table* table = replay.find_table(table_name);
  if (table == nullptr && !missing_ok && !replay.is_untracked(table_name)) {
    // A table no file creates is one in use before them (replay_assumed),
    // which the DROP locks.
    table = find_or_assume_table(replay, table_name);
  }
  if (table != nullptr) {
    record_policy_step(replay, *table, name, "DROP POLICY");
  }
  const auto policy = table != nullptr ? find_policy(*table, name) : nullptr;
  if (table == nullptr || policy == table->policies.end()) {
    if (missing_ok || (table == nullptr && replay.is_untracked(table_name))) {
      return;
    }
    if (table == nullptr || table->assumed) {
      // A table no file creates, and its policies, are from before the files.
      note_assumed_object(replay, "policy", name + " on " + label(table_name));
    } else {
      replay.warn("policy \"" + name + "\" for table " + label(table_name) + " does not exist",
                  replay.at_statement());
    }
    return;
  }
  table->policies.erase(policy);
}

void rename_policy(Replay& replay, const Json& stmt) {
  model::Table* table = policy_table(replay, stmt, "relation");
  if (table == nullptr) {
    return;
  }
  const std::string name = string_field(stmt, "subname");
  record_policy_step(replay, *table, name, "ALTER POLICY ... RENAME");
  const auto policy = find_policy(*table, name);
  if (policy == table->policies.end()) {
    warn_missing_policy(replay, *table, name);
    return;
  }
  policy->name = string_field(stmt, "newname");
}

void set_row_security(model::Table& table, bool enabled) {
  table.rls_enabled = enabled;
}

} // namespace pgadvise::loaders::replay
