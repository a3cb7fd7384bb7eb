#include "loaders/sql/replay_assumed.hpp"

#include "core/text.hpp"
#include "loaders/sql/replay_locks.hpp"

#include <utility>

namespace pgadvise::loaders::replay {

namespace {

void note_assumed(Replay& replay, const std::string& schema, const std::string& name) {
  const std::string label = core::qualified_name(schema, name) + " (";
  for (const std::string& note : replay.load().notes) {
    if (note.rfind(label, 0) == 0) {
      return; // one note per table, at its first use
    }
  }
  replay.note(label + replay.file() + " line " + std::to_string(replay.at_statement().line) +
              ") is not created by these files: taken as a table in use before them, of unknown size, "
              "with only the columns the statements name");
}

} // namespace

namespace {

std::string dropped_key(const Replay& replay, const QualifiedName& name) {
  return replay.schema_for(name) + "." + name.name;
}

} // namespace

std::string dropped_clause(const Replay& replay, const QualifiedName& name) {
  const auto& dropped = replay.load().dropped_tables;
  const auto found = name.name.empty() ? dropped.end() : dropped.find(dropped_key(replay, name));
  return found == dropped.end() ? std::string() : " (dropped at " + found->second + ")";
}

void record_dropped(Replay& replay, const QualifiedName& name) {
  if (!name.name.empty()) {
    replay.load().dropped_tables[dropped_key(replay, name)] =
        replay.file() + " line " + std::to_string(replay.at_statement().line);
  }
}

model::Table* find_or_assume_table(Replay& replay, const QualifiedName& name) {
  if (model::Table* table = replay.find_table(name)) {
    return table;
  }
  if (name.name.empty() || replay.is_untracked(name) || !dropped_clause(replay, name).empty()) {
    return nullptr;
  }
  model::Table table;
  table.schema = replay.schema_for(name);
  table.name = name.name;
  table.assumed = true; // no location: no file created it, so it is no new table of any file
  if (!replay.catalog().has_schema(table.schema)) {
    replay.catalog().schemas.push_back(table.schema);
  }
  note_assumed(replay, table.schema, table.name);
  replay.catalog().tables.push_back(std::move(table));
  replay.table_added();
  return &replay.catalog().tables.back();
}

model::Column* find_or_assume_column(model::Table& table, const std::string& column) {
  if (model::Column* found = table.find_column(column)) {
    return found;
  }
  if (!table.assumed || column.empty()) {
    return nullptr;
  }
  model::Column added;
  added.name = column; // type unknown: empty
  table.columns.push_back(std::move(added));
  return &table.columns.back();
}

void note_assumed_reference(Replay& replay, const QualifiedName& name) {
  note_assumed(replay, replay.schema_for(name), name.name);
}

void note_assumed_object(Replay& replay, std::string_view kind, const std::string& name) {
  replay.note(std::string(kind) + " " + name + " (" + replay.file() + " line " +
              std::to_string(replay.at_statement().line) +
              ") is not created by these files: taken as one created before them");
}

model::MigrationStep& assumed_index_step(Replay& replay, const QualifiedName& name,
                                         model::MigrationStepKind kind, bool concurrently, bool noted) {
  if (noted) {
    replay.note("index " + core::qualified_name(replay.schema_for(name), name.name) + " (" + replay.file() +
                " line " + std::to_string(replay.at_statement().line) +
                ") is not built by these files: taken as one built before them, on a table they do not name");
  }
  model::MigrationStep& step = record_statement_step(replay, kind, name.name);
  step.schema = replay.schema_for(name);
  step.concurrently = concurrently;
  predict(step);
  return step;
}

void drop_assumed_index(Replay& replay, const QualifiedName& name, bool concurrently, bool missing_ok) {
  assumed_index_step(replay, name, model::MigrationStepKind::drop_index, concurrently, !missing_ok);
}

model::MigrationStep& assumed_domain_step(Replay& replay, const QualifiedName& domain,
                                          const std::string& object, bool not_valid) {
  replay.note("domain " + core::qualified_name(domain.schema, domain.name) + " (" + replay.file() + " line " +
              std::to_string(replay.at_statement().line) +
              ") is not created by these files: taken as one in use before them, by columns of tables they "
              "do not name");
  model::MigrationStep& step =
      record_statement_step(replay, model::MigrationStepKind::add_domain_constraint, object);
  step.not_valid = not_valid;
  return step;
}

} // namespace pgadvise::loaders::replay
