#include "loaders/sql/replay_objects.hpp"

#include "core/text.hpp"
#include "loaders/sql/replay_assumed.hpp"
#include "loaders/sql/replay_locks.hpp"

#include <algorithm>
#include <optional>

namespace pgadvise::loaders::replay {

namespace {

std::string label(const QualifiedName& name) {
  return core::qualified_name(name.schema, name.name);
}

std::string const_string(const Json& node) {
  const Json* constant = as(node, "A_Const");
  const Json* sval = constant != nullptr ? child(*constant, "sval") : nullptr;
  return sval != nullptr ? string_field(*sval, "sval") : std::string();
}

// search_path entries as PostgreSQL reads them: "$user" and empty ones
// are skipped, quoted names keep their case.
std::vector<std::string> parse_search_path(const std::vector<std::string>& entries) {
  std::vector<std::string> schemas;
  for (const std::string& entry : entries) {
    for (const std::string& part : core::split(entry, ',')) {
      std::string name(core::trim(part));
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
        name = name.substr(1, name.size() - 2);
      } else {
        name = core::to_lower(name);
      }
      if (!name.empty() && name != "$user") {
        schemas.push_back(name);
      }
    }
  }
  return schemas;
}

// The schema-qualified name a CREATE TYPE / CREATE DOMAIN statement gives
// its type (under `key`), or nullopt after a warning when a type of that name
// already exists.
std::optional<QualifiedName> new_type_name(Replay& replay, const Json& stmt, std::string_view key) {
  const QualifiedName given = to_qualified(string_list(child(stmt, key)));
  QualifiedName name{replay.schema_for(given), given.name};
  if (replay.find_enum(name) != nullptr || replay.find_domain(name) != nullptr) {
    replay.warn_duplicate("type " + label(name) + " already exists", replay.at_statement());
    return std::nullopt;
  }
  return name;
}

} // namespace

void create_enum(Replay& replay, const Json& stmt) {
  std::optional<QualifiedName> name = new_type_name(replay, stmt, "typeName");
  if (!name) {
    return;
  }
  model::Enum created;
  created.schema = std::move(name->schema);
  created.name = std::move(name->name);
  created.values = string_list(child(stmt, "vals"));
  created.location = replay.at_statement();
  replay.catalog().enums.push_back(std::move(created));
}

void alter_enum(Replay& replay, const Json& stmt) {
  const QualifiedName name = to_qualified(string_list(child(stmt, "typeName")));
  model::Enum* found = replay.find_enum(name);
  if (found == nullptr) {
    note_assumed_object(replay, "type", label(name));
    return;
  }
  auto& values = found->values;
  const std::string old_value = string_field(stmt, "oldVal");
  const std::string new_value = string_field(stmt, "newVal");
  if (!old_value.empty()) { // RENAME VALUE
    auto it = std::find(values.begin(), values.end(), old_value);
    if (it == values.end()) {
      replay.warn("\"" + old_value + "\" is not an existing enum label of " + label(name),
                  replay.at_statement());
    } else {
      *it = new_value;
    }
    return;
  }
  if (std::find(values.begin(), values.end(), new_value) != values.end()) {
    if (!bool_field(stmt, "skipIfNewValExists")) {
      replay.warn_duplicate("enum label \"" + new_value + "\" already exists in " + label(name),
                            replay.at_statement());
    }
    return;
  }
  const std::string neighbor = string_field(stmt, "newValNeighbor");
  auto position = values.end();
  if (!neighbor.empty()) {
    position = std::find(values.begin(), values.end(), neighbor);
    if (position == values.end()) {
      replay.warn("\"" + neighbor + "\" is not an existing enum label of " + label(name),
                  replay.at_statement());
    } else if (bool_field(stmt, "newValIsAfter")) {
      ++position;
    }
  }
  values.insert(position, new_value);
}

void create_domain(Replay& replay, const Json& stmt) {
  std::optional<QualifiedName> name = new_type_name(replay, stmt, "domainname");
  if (!name) {
    return;
  }
  model::Domain domain;
  domain.schema = std::move(name->schema);
  domain.name = std::move(name->name);
  if (const Json* type_name = child(stmt, "typeName")) {
    domain.base = replay.type_ref(*type_name);
  }
  domain.location = replay.at_statement();
  if (const Json* constraints = list_items(child(stmt, "constraints"))) {
    const bool checks =
        std::any_of(items_of(constraints).begin(), items_of(constraints).end(), [](const Json& item) {
          const Json* constraint = as(item, "Constraint");
          const std::string type =
              constraint != nullptr ? string_field(*constraint, "contype") : std::string();
          return type == "CONSTR_CHECK" || type == "CONSTR_NOTNULL";
        });
    if (checks) {
      replay.load().constrained_domains.insert(domain.schema + "." + domain.name);
    }
  }
  replay.catalog().domains.push_back(std::move(domain));
}

void create_schema(Replay& replay, const Json& stmt) {
  std::string name = string_field(stmt, "schemaname");
  if (name.empty()) { // CREATE SCHEMA AUTHORIZATION role: named after the role
    if (const Json* role = child(stmt, "authrole")) {
      name = string_field(*role, "rolename");
    }
  }
  if (name.empty()) {
    return;
  }
  if (replay.catalog().has_schema(name)) {
    if (!bool_field(stmt, "if_not_exists")) {
      replay.warn_duplicate("schema \"" + name + "\" already exists", replay.at_statement());
    }
    return;
  }
  replay.catalog().schemas.push_back(name);
  if (child(stmt, "schemaElts") != nullptr) {
    replay.note(replay.at_statement().to_string() +
                ": objects created inside CREATE SCHEMA were not replayed");
  }
}

void set_variable(Replay& replay, const Json& stmt) {
  if (record_timeout(replay, stmt)) {
    return;
  }
  if (core::to_lower(string_field(stmt, "name")) != "search_path") {
    replay.count_skipped("SET");
    return;
  }
  const std::string kind = string_field(stmt, "kind");
  if (kind == "VAR_SET_DEFAULT" || kind == "VAR_RESET") {
    replay.set_search_path({"public"});
    return;
  }
  // Each argument is one schema, case kept (the parser folded bare names).
  std::vector<std::string> schemas;
  if (const Json* args = list_items(child(stmt, "args"))) {
    for (const Json& arg : items_of(args)) {
      std::string value = const_string(arg);
      if (!value.empty() && value != "$user") {
        schemas.push_back(std::move(value));
      }
    }
  }
  replay.set_search_path(std::move(schemas));
}

void select_statement(Replay& replay, const Json& stmt) {
  const Json* targets = list_items(child(stmt, "targetList"));
  if (targets == nullptr || items_of(targets).size() != 1) {
    replay.count_skipped("SELECT");
    return;
  }
  const Json* target = as(items_of(targets)[0], "ResTarget");
  const Json* value = target != nullptr ? child(*target, "val") : nullptr;
  const Json* call = value != nullptr ? as(*value, "FuncCall") : nullptr;
  const std::vector<std::string> function =
      call != nullptr ? string_list(child(*call, "funcname")) : std::vector<std::string>{};
  const Json* args = call != nullptr ? list_items(child(*call, "args")) : nullptr;
  if (function.empty() || function.back() != "set_config" || args == nullptr || items_of(args).size() < 2 ||
      core::to_lower(const_string(items_of(args)[0])) != "search_path") {
    replay.count_skipped("SELECT");
    return;
  }
  replay.set_search_path(parse_search_path({const_string(items_of(args)[1])}));
}

void create_untracked(Replay& replay, const Json& relation, std::string_view kind) {
  const QualifiedName name = range_var(relation);
  if (!name.name.empty()) {
    replay.set_untracked(name, true);
  }
  replay.count_skipped(kind);
}

} // namespace pgadvise::loaders::replay
