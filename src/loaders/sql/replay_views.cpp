#include "loaders/sql/replay_views.hpp"

#include "loaders/sql/replay_objects.hpp"

#include <string>

namespace pgadvise::loaders::replay {

namespace {

std::string view_schema(const QualifiedName& name) {
  return name.schema.empty() ? std::string("public") : name.schema;
}

std::string view_key(const QualifiedName& name) {
  return view_schema(name) + "." + name.name;
}

// An ACCESS EXCLUSIVE step on view `name`, `words` saying which statement.
model::MigrationStep& record_view_step(Replay& replay, const QualifiedName& name, std::string_view words) {
  model::MigrationStep& step = record_statement_step(replay, model::MigrationStepKind::alter_table, "");
  step.schema = view_schema(name);
  step.table = name.name;
  step.lock = model::LockMode::access_exclusive;
  step.detail = std::string(words);
  return step;
}

} // namespace

void create_view(Replay& replay, const Json& stmt) {
  const Json* relation = child(stmt, "view");
  if (relation == nullptr) {
    return;
  }
  const QualifiedName name = range_var(*relation);
  auto& created = replay.load().view_files;
  const auto found = created.find(view_key(name));
  if (found != created.end() && found->second != replay.file() && bool_field(stmt, "replace")) {
    record_view_step(replay, name, "CREATE OR REPLACE VIEW");
  }
  if (found == created.end()) {
    created.emplace(view_key(name), replay.file());
  }
  create_untracked(replay, *relation, "CREATE VIEW");
}

void drop_view(Replay& replay, const QualifiedName& name, std::string_view words) {
  if (name.name.empty()) {
    return;
  }
  auto& created = replay.load().view_files;
  const auto found = created.find(view_key(name));
  record_view_step(replay, name, words).table_is_new =
      found != created.end() && found->second == replay.file();
  if (found != created.end()) {
    created.erase(found);
  }
  replay.set_untracked(name, false);
}

void rename_view(Replay& replay, const QualifiedName& name, const std::string& new_name,
                 std::string_view words) {
  if (name.name.empty() || new_name.empty()) {
    return;
  }
  auto& created = replay.load().view_files;
  const auto found = created.find(view_key(name));
  const QualifiedName renamed{name.schema, new_name};
  record_view_step(replay, renamed, words).table_is_new =
      found != created.end() && found->second == replay.file();
  if (found != created.end()) {
    std::string file = found->second;
    created.erase(found);
    created[view_key(renamed)] = std::move(file);
  }
}

} // namespace pgadvise::loaders::replay
