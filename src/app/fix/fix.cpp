#include "app/fix/fix.hpp"

#include "app/fix/fix_commands.hpp"
#include "app/fix/fix_concurrent.hpp"
#include "app/fix/fix_drift.hpp"
#include "app/fix/fix_migration.hpp"
#include "app/fix/fix_schema_ts.hpp"
#include "app/inputs/discovery.hpp"
#include "app/lint/lint_run.hpp"
#include "app/report/exit_codes.hpp"
#include "app/scope/changed_files.hpp"
#include "core/file.hpp"
#include "core/text.hpp"
#include "core/text_edit.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/registry.hpp"
#include "rules/support/table_size.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

namespace pgadvise::app {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_removal = "// remove from schema.ts: ";

// What fix may write for the finding's rule (RuleMeta::fix_edit).
engine::FixEdit fix_edit(const core::Finding& finding) {
  const engine::Rule* rule = rules::find_rule(finding.rule);
  return rule == nullptr ? engine::FixEdit::index_ddl : rule->meta().fix_edit;
}

// `src/db/schema.ts:41` -> `src/db/schema.ts`.
std::string strip_line(const std::string& location) {
  const auto colon = location.rfind(':');
  if (colon != std::string::npos && colon + 1 < location.size() &&
      std::all_of(location.begin() + static_cast<std::ptrdiff_t>(colon + 1), location.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    return location.substr(0, colon);
  }
  return location;
}

// The first JavaScript string literal of a rendered Drizzle line, decoded:
// the index name in `index("x").on(...)`.
std::optional<std::string> first_string(std::string_view text) {
  const auto open = text.find('"');
  if (open == std::string_view::npos) {
    return std::nullopt;
  }
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      const auto parsed = nlohmann::json::parse(text.substr(open, i - open + 1), nullptr, false);
      if (parsed.is_string()) {
        return parsed.get<std::string>();
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool is_identifier(std::string_view text) {
  return !text.empty() && std::isdigit(static_cast<unsigned char>(text.front())) == 0 &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
         });
}

// A finding's Drizzle line as a schema.ts edit, or why it is not one.
std::optional<SchemaEdit> schema_edit_for(const core::Finding& finding, std::string& why_not) {
  const core::Fix& fix = *finding.fix;
  SchemaEdit edit;
  edit.table = fix.drizzle_table;
  const std::string& line = fix.drizzle;
  if (line.rfind("index(", 0) == 0 || line.rfind("uniqueIndex(", 0) == 0) {
    if (line.find('\n') != std::string::npos || line.find("...") != std::string::npos) {
      why_not = "its Drizzle line is a sketch to complete by hand";
      return std::nullopt;
    }
    auto name = first_string(line);
    if (!name) {
      why_not = "its index has no name";
      return std::nullopt;
    }
    edit.kind = SchemaEditKind::add_index;
    edit.entry = line;
    edit.name = *name;
    return edit;
  }
  if (line.rfind(k_removal, 0) == 0) {
    auto name = first_string(line);
    const std::string builder = line.substr(k_removal.size(), line.find('(') - k_removal.size());
    if (!name || (builder != "index" && builder != "uniqueIndex")) {
      why_not = "it removes a constraint, which changes what the table accepts";
      return std::nullopt;
    }
    edit.kind = SchemaEditKind::remove_index;
    edit.name = *name;
    return edit;
  }
  const auto colon = line.find(": ");
  if (fix_edit(finding) == engine::FixEdit::column_type && colon != std::string::npos &&
      is_identifier(line.substr(0, colon)) && line.compare(colon + 2, 6, "jsonb(") == 0 &&
      line.find('\n') == std::string::npos) {
    edit.kind = SchemaEditKind::replace_column;
    edit.name = line.substr(0, colon);
    edit.entry = line.substr(colon + 2);
    return edit;
  }
  why_not = "pgadvise does not write this kind of change yet";
  return std::nullopt;
}

// The key list of a plain `index("x").on(a, b)` entry; empty for one with
// an expression, a predicate or another method.
std::string plain_keys(const std::string& entry) {
  const auto on = entry.find(".on(");
  if (entry.rfind("index(", 0) != 0 || on == std::string::npos || entry.back() != ')' ||
      entry.find("sql`") != std::string::npos || entry.find(".where(") != std::string::npos ||
      entry.find(".using(") != std::string::npos) {
    return {};
  }
  return entry.substr(on + 4, entry.size() - on - 5);
}

// An index whose keys lead another new index of the same table is left
// out: the longer one serves its queries and its foreign key too, and two
// would only cost writes. Says which in `notes`.
void drop_covered(std::vector<SchemaEdit>& edits, std::vector<std::string>& notes) {
  std::vector<bool> covered(edits.size(), false);
  for (std::size_t i = 0; i < edits.size(); ++i) {
    const std::string keys = edits[i].kind == SchemaEditKind::add_index ? plain_keys(edits[i].entry) : "";
    for (std::size_t j = 0; j < edits.size() && !keys.empty(); ++j) {
      if (i == j || covered[j] || edits[j].kind != SchemaEditKind::add_index ||
          edits[j].table != edits[i].table) {
        continue;
      }
      const std::string longer = plain_keys(edits[j].entry);
      if (longer.size() > keys.size() && longer.rfind(keys + ", ", 0) == 0) {
        covered[i] = true;
        notes.push_back(edits[i].name + " is left out: " + edits[j].name + " leads with the same columns");
        break;
      }
    }
  }
  std::size_t at = 0;
  std::erase_if(edits, [&](const SchemaEdit&) { return covered[at++]; });
}

// drizzle-kit 1.0's generate asks, for a table that loses an index and
// gains another, whether the new one is the old one renamed; answered
// "renamed", it writes ALTER INDEX ... RENAME and the new index is never
// built. Says what to answer.
void note_rename_prompt(const std::vector<SchemaEdit>& edits, std::vector<std::string>& notes) {
  for (const SchemaEdit& added : edits) {
    if (added.kind != SchemaEditKind::add_index) {
      continue;
    }
    for (const SchemaEdit& removed : edits) {
      if (removed.kind == SchemaEditKind::remove_index && removed.table == added.table) {
        notes.push_back("drizzle-kit 1.0's generate asks whether " + added.name +
                        " is created or renamed from " + removed.name +
                        ": choose \"create index\" (the first choice, with Enter); a rename would "
                        "leave " +
                        added.name + " unbuilt and keep the duplicate under a new name");
        break;
      }
    }
  }
}

// The statement a finding's DDL becomes in a migration file: index builds
// and drops, and the JSON type changes, without CONCURRENTLY (a migrator's
// transaction refuses it); nullopt for anything else (sketches, commands).
std::optional<std::string> migration_statement(const core::Finding& finding) {
  const std::string ddl(core::trim(finding.fix->ddl));
  const bool index = ddl.rfind("CREATE INDEX ", 0) == 0 || ddl.rfind("CREATE UNIQUE INDEX ", 0) == 0 ||
                     ddl.rfind("DROP INDEX ", 0) == 0;
  const bool json = fix_edit(finding) == engine::FixEdit::column_type && ddl.rfind("ALTER TABLE ", 0) == 0;
  if ((!index && !json) || ddl.find("--") != std::string::npos || ddl.find(';') != ddl.size() - 1) {
    return std::nullopt;
  }
  std::string out = ddl;
  if (const auto at = out.find(" CONCURRENTLY "); index && at != std::string::npos) {
    out.erase(at, std::string_view(" CONCURRENTLY").size());
  }
  return out;
}

// Whether the project has generated migrations to migrate with.
bool has_migrations(const model::Project& project) {
  if (project.drizzle_out.empty()) {
    return false;
  }
  std::error_code ec;
  const fs::path out = project.root / project.drizzle_out;
  for (fs::recursive_directory_iterator it(out, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".sql") {
      return true;
    }
  }
  return false;
}

std::string shown(const fs::path& path) {
  return fix_label(path);
}

} // namespace

namespace {

void add_once(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) {
    list.push_back(item);
  }
}

// The deploy script's part of the plan: the indexes on large tables added
// to it, and (the run after drizzle-kit generate) the IF NOT EXISTS the
// generated migration needs for the indexes it builds; then the next steps,
// with the script before the migrate command.
void add_concurrent_builds(FixPlan& plan, const fs::path& script,
                           const std::vector<ConcurrentIndex>& concurrent, const FixTargets& targets,
                           const std::vector<std::string>& schema_commands) {
  if (auto change = concurrent_script_change(script, concurrent)) {
    plan.files.push_back(std::move(*change));
  }
  std::error_code ec;
  if (targets.migrations_dir && fs::exists(script, ec)) {
    if (auto text = core::read_file(script)) {
      auto guarded = guard_migrations(*targets.migrations_dir, concurrent_script_indexes(*text), plan.notes);
      plan.files.insert(plan.files.end(), guarded.begin(), guarded.end());
    }
  }
  const std::string psql = "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f " + std::string(k_concurrent_script);
  if (concurrent.empty()) {
    for (const std::string& commands : schema_commands) {
      add_once(plan.next, commands);
    }
    return;
  }
  if (schema_commands.empty()) {
    add_once(plan.next, psql + "   # then apply the new migration as the project does");
  }
  for (const std::string& commands : schema_commands) {
    // "[cd DIR && ]GENERATE && MIGRATE" (advisor::drizzle_migration_commands)
    const auto last = commands.rfind(" && ");
    const std::string cd = commands.rfind("cd ", 0) == 0 ? commands.substr(0, commands.find(" && ") + 4) : "";
    const std::string generate = last == std::string::npos ? commands : commands.substr(0, last);
    const std::string migrate = last == std::string::npos ? std::string() : commands.substr(last + 4);
    add_once(plan.next, generate);
    add_once(plan.next,
             "pgadvise fix --write --allow-dirty   # the generated CREATE INDEX of those indexes gains "
             "IF NOT EXISTS");
    if (!migrate.empty()) {
      add_once(plan.next, psql + " && " + cd + migrate + "   # the deploy: the script, then the migrations");
    }
  }
  plan.notes.push_back("wire " + std::string(k_concurrent_script) +
                       " into the deploy: run it with psql (in autocommit, never inside BEGIN) right before "
                       "drizzle-kit migrate, e.g. in the migrate script of package.json: `" +
                       psql + " && drizzle-kit migrate`");
}

// The schemas of the database a finding belongs to (its "database"
// evidence when the project has several drizzle.configs).
const FixSchemas& schemas_for(const core::Finding& finding, const FixTargets& targets) {
  for (const core::Evidence& evidence : finding.evidence) {
    if (evidence.kind == core::Evidence::Kind::database) {
      if (const auto it = targets.other_databases.find(evidence.detail);
          it != targets.other_databases.end()) {
        return it->second;
      }
    }
  }
  return targets.schemas;
}

struct DriftFix {
  bool handled = false;  // schema.ts has it: no schema.ts edit
  std::string note;      // why, for the user
  std::string statement; // for a custom migration; empty: drizzle-kit generate writes it
};

const model::Column* column_in(const model::Catalog* catalog, const std::string& schema,
                               const std::string& table, const std::string& column) {
  const model::Table* found = catalog != nullptr ? catalog->find_table(schema, table) : nullptr;
  return found != nullptr ? found->find_column(column) : nullptr;
}

// An index to drop that schema.ts does not declare (by definition): a
// migration built it by hand, so no schema.ts entry can remove it. If the
// snapshot has it, drizzle-kit's next generate drops it; if not, a custom
// migration does.
DriftFix drift_removal(const core::Finding& finding, const SchemaEdit& edit, const FixSchemas& schemas) {
  DriftFix out;
  const std::string schema = finding.object.schema.empty() ? std::string("public") : finding.object.schema;
  const std::string& table_name = finding.object.table;
  const model::Table* applied = schemas.applied->find_table(schema, table_name);
  const model::Index* index = applied != nullptr ? applied->find_index(edit.name) : nullptr;
  const model::Table* declared = schemas.declared->find_table(schema, table_name);
  if (index == nullptr || declared == nullptr) {
    return out;
  }
  const auto same = [index](const model::Table* table) {
    return table != nullptr &&
           std::any_of(table->indexes.begin(), table->indexes.end(),
                       [index](const model::Index& other) { return same_index(other, *index); });
  };
  if (same(declared)) {
    return out; // schema.ts has it: its entry goes
  }
  const std::string what = schema + "." + table_name + ": schema.ts does not declare " + index->name;
  if (schemas.snapshot != nullptr && same(schemas.snapshot->find_table(schema, table_name))) {
    out.handled = true;
    out.note = what + ", and the snapshot still has it: drizzle-kit's next generate drops it";
    return out;
  }
  auto statement = migration_statement(finding);
  if (!statement || !schemas.migrations_dir) {
    return out;
  }
  out.handled = true;
  out.statement = *statement;
  out.note = what + " (a migration built it by hand), so no schema.ts edit and no generate drops it: "
                    "schema.ts is right, and a custom migration (what `drizzle-kit generate --custom` makes) "
                    "drops it";
  return out;
}

// A finding whose change schema.ts already declares: an index of the same
// definition (whatever its name), or a column already of the new type.
DriftFix drift_fix(const core::Finding& finding, const SchemaEdit& edit, const FixSchemas& schemas) {
  DriftFix out;
  if (schemas.declared == nullptr || schemas.applied == nullptr) {
    return out;
  }
  const std::string schema = finding.object.schema.empty() ? std::string("public") : finding.object.schema;
  const std::string& table = finding.object.table;
  if (edit.kind == SchemaEditKind::add_index) {
    const auto proposed = proposed_index(finding, *schemas.applied);
    if (!proposed) {
      return out;
    }
    const IndexPlacement placement = place_index(schemas, schema, table, *proposed);
    if (placement.drift == IndexDrift::undeclared ||
        (placement.drift == IndexDrift::never_migrated && !schemas.migrations_dir)) {
      return out;
    }
    out.handled = true;
    out.note = schema + "." + table + ": " + placement.why;
    if (placement.drift == IndexDrift::never_migrated) {
      out.statement = render_index_ddl(schema, table, *placement.declared);
    }
    return out;
  }
  if (edit.kind == SchemaEditKind::remove_index) {
    return drift_removal(finding, edit, schemas);
  }
  if (edit.kind != SchemaEditKind::replace_column || finding.object.columns.size() != 1) {
    return out;
  }
  const std::string wanted = edit.entry.substr(0, edit.entry.find('('));
  const std::string& column = finding.object.columns.front();
  const model::Column* declared = column_in(schemas.declared, schema, table, column);
  if (declared == nullptr || core::to_lower(declared->type.display()) != wanted) {
    return out;
  }
  const model::Column* snapshotted = column_in(schemas.snapshot, schema, table, column);
  out.handled = true;
  const std::string what = schema + "." + table + "." + column + ": schema.ts declares it " + wanted;
  if (schemas.snapshot != nullptr &&
      (snapshotted == nullptr || core::to_lower(snapshotted->type.display()) != wanted)) {
    out.note = what + ", which drizzle-kit has not generated yet: its next generate writes the ALTER";
    return out;
  }
  auto statement = migration_statement(finding);
  if (!statement || !schemas.migrations_dir) {
    out.handled = false;
    return out;
  }
  out.statement = *statement;
  out.note =
      what + (schemas.snapshot != nullptr ? " and the snapshot does too" : "") +
      ", but no SQL migration changes its type, so drizzle-kit generate writes nothing for it: schema.ts "
      "is right, and a custom migration (what `drizzle-kit generate --custom` makes) changes it";
  return out;
}

// Whether the index `edit` adds is the first of its definition on its table
// this run (two findings may propose one index under two names).
bool first_of_definition(const core::Finding& finding, const SchemaEdit& edit, const FixSchemas& schemas,
                         std::map<std::string, std::vector<model::Index>>& added) {
  if (schemas.applied == nullptr || edit.kind != SchemaEditKind::add_index) {
    return true;
  }
  const auto proposed = proposed_index(finding, *schemas.applied);
  if (!proposed) {
    return true;
  }
  auto& list = added[finding.object.schema + "." + finding.object.table];
  if (std::any_of(list.begin(), list.end(),
                  [&](const model::Index& index) { return same_index(index, *proposed); })) {
    return false;
  }
  list.push_back(*proposed);
  return true;
}

} // namespace

namespace {

// plan_fixes, one finding at a time: where each fix goes (schema.ts, a
// command line, a new or custom migration), then the files and notes.
class Planner {
public:
  Planner(const model::Project& project, const FixTargets& targets)
      : m_project(project), m_targets(targets) {}

  void add(const core::Finding& finding) {
    if (!finding.fix || add_migration_statement(finding) || add_command(finding) ||
        finding.fix->drizzle.empty()) {
      return;
    }
    add_schema_edit(finding);
  }

  FixPlan finish() {
    write_schema_files();
    for (FileChange& change : plan_command_edits(m_command_edits, m_plan.notes)) {
      m_plan.files.push_back(std::move(change));
    }
    write_migrations();
    add_closing_notes();
    const fs::path script =
        (m_project.root.empty() ? fs::current_path() : m_project.root) / k_concurrent_script;
    add_concurrent_builds(m_plan, script, m_concurrent, m_targets, m_schema_commands);
    return std::move(m_plan);
  }

private:
  // Without schema.ts: the DDL goes into a new migration.
  bool add_migration_statement(const core::Finding& finding) {
    if (m_targets.schema_ts || !m_targets.migrations_dir || finding.fix->kind != core::FixKind::sql) {
      return false;
    }
    auto statement = migration_statement(finding);
    if (!statement) {
      return false;
    }
    if (std::none_of(m_migration.begin(), m_migration.end(),
                     [&](const MigrationStatement& m) { return m.sql == *statement; })) {
      m_migration.push_back({finding.rule, *statement});
      m_migration_rewrite = m_migration_rewrite || statement->rfind("ALTER ", 0) == 0;
      if (statement->rfind("DROP ", 0) != 0 && statement->rfind("ALTER ", 0) != 0) {
        const std::string name = created_index_name(*statement);
        if (auto index =
                choose_index_build(finding, name, m_targets.table_rows, m_plan.notes, m_unknown_size)) {
          m_concurrent.push_back(std::move(*index));
          m_migration.back().sql.insert(0, k_built_by_script_comment);
        }
      }
    }
    ++m_plan.fixed;
    return true;
  }

  // `drizzle-kit push` made `migrate` where it runs.
  bool add_command(const core::Finding& finding) {
    const core::Fix& fix = *finding.fix;
    if (fix_edit(finding) != engine::FixEdit::push_command || fix.kind != core::FixKind::shell) {
      return false;
    }
    if (auto edit = command_edit_for(fix)) {
      m_command_edits[edit->file].push_back(*edit);
      m_push = true;
      ++m_plan.fixed;
    } else {
      m_unfixable.emplace(finding.rule, "its fix names no line to change");
    }
    return true;
  }

  void add_schema_edit(const core::Finding& finding) {
    const core::Fix& fix = *finding.fix;
    // What kind of change first: "not known" would mislead for a change
    // pgadvise does not write anyway.
    std::string why_not;
    auto edit = schema_edit_for(finding, why_not);
    if (!edit) {
      m_unfixable.emplace(finding.rule, why_not);
      return;
    }
    // Drift: schema.ts may declare the change already (by definition, not
    // by name); then the migrations are what lacks it.
    const FixSchemas& schemas = schemas_for(finding, m_targets);
    if (const auto drift = drift_fix(finding, *edit, schemas); drift.handled) {
      add_once(m_plan.notes, drift.note);
      if (!drift.statement.empty()) {
        auto& statements = m_custom[*schemas.migrations_dir];
        if (std::find(statements.begin(), statements.end(), drift.statement) == statements.end()) {
          statements.push_back(drift.statement);
        }
      }
      add_once(m_schema_commands, fix.commands);
      ++m_plan.fixed;
      return;
    }
    if (fix.drizzle_file.empty() || fix.drizzle_table.empty() ||
        fix.drizzle_file.find(", ") != std::string::npos) {
      m_unfixable.emplace(finding.rule,
                          "the schema file declaring " + finding.object.table + " is not known");
      return;
    }
    if (edit->kind == SchemaEditKind::add_index && !first_of_definition(finding, *edit, schemas, m_added)) {
      ++m_plan.fixed; // another finding's index has this definition
      return;
    }
    m_type_change = m_type_change || edit->kind == SchemaEditKind::replace_column;
    if (edit->kind == SchemaEditKind::add_index) {
      m_index_findings.emplace(edit->name, &finding);
    }
    m_schema_edits[strip_line(fix.drizzle_file)].push_back(std::move(*edit));
    add_once(m_schema_commands, fix.commands);
    ++m_plan.fixed;
  }

  void write_schema_files() {
    for (auto& [file, edits] : m_schema_edits) {
      drop_covered(edits, m_plan.notes);
      note_rename_prompt(edits, m_plan.notes);
      std::set<std::string> chosen;
      for (const SchemaEdit& edit : edits) {
        if (edit.kind != SchemaEditKind::add_index || !chosen.insert(edit.name).second) {
          continue;
        }
        if (auto index = choose_index_build(*m_index_findings.at(edit.name), edit.name, m_targets.table_rows,
                                            m_plan.notes, m_unknown_size)) {
          m_concurrent.push_back(std::move(*index));
        }
      }
      auto text = core::read_file(file);
      if (!text) {
        m_plan.notes.push_back(text.error().to_string());
        continue;
      }
      SchemaEditPlan edit_plan = plan_schema_ts_edits(*text, edits);
      for (const std::string& problem : edit_plan.problems) {
        m_plan.notes.push_back(file + ": " + problem);
      }
      m_retyped_from.insert(edit_plan.retyped_from.begin(), edit_plan.retyped_from.end());
      for (const std::string& note : edit_plan.notes) {
        m_plan.notes.push_back(shown(file) + ": " + note);
      }
      auto after = core::apply_edits(*text, edit_plan.edits);
      if (!after) {
        m_plan.notes.push_back(file + ": " + after.error().message + "; nothing changed in it");
        continue;
      }
      if (*after != *text) {
        m_plan.files.push_back({file, shown(file), *text, std::move(*after), false});
      }
    }
  }

  // The new migration (no schema.ts), and a custom one per folder for drift.
  void write_migrations() {
    if (!m_migration.empty()) {
      auto files = new_migration(*m_targets.migrations_dir, ordered_statements(m_migration), m_targets.now);
      if (files) {
        m_plan.files.insert(m_plan.files.end(), files->begin(), files->end());
        m_plan.notes.push_back(
            "the new migration builds its indexes without CONCURRENTLY, since migrators run "
            "each migration in a transaction: the table takes writes only after each build "
            "ends");
      } else {
        m_plan.notes.push_back(files.error().to_string());
      }
    }
    for (const auto& [folder, statements] : m_custom) {
      std::vector<std::string> body = statements;
      body.front() =
          "-- pgadvise fix: what the SQL migrations lack to match schema.ts (drift)\n" + body.front();
      auto files = custom_migration(folder, "pgadvise_drift", body, m_targets.now);
      if (files) {
        m_plan.files.insert(m_plan.files.end(), files->begin(), files->end());
      } else {
        m_plan.notes.push_back(files.error().to_string());
      }
    }
  }

  void add_closing_notes() {
    for (const auto& [rule, why] : m_unfixable) {
      m_plan.notes.push_back(rule + ": not fixed automatically (" + why + "); its report shows the fix");
    }
    const bool from_text = std::any_of(m_retyped_from.begin(), m_retyped_from.end(),
                                       [](const std::string& builder) { return builder != "json"; });
    if (m_type_change && from_text) {
      m_plan.notes.push_back(
          "json/text -> jsonb: drizzle-kit generates `ALTER COLUMN ... SET DATA TYPE jsonb` (and a separate "
          "SET DEFAULT); from text, PostgreSQL needs `USING \"column\"::jsonb`: add it to the generated "
          "migration before you apply it. The type change rewrites the table under an ACCESS EXCLUSIVE "
          "lock.");
    } else if (m_type_change) {
      m_plan.notes.push_back(
          "json -> jsonb: drizzle-kit generates `ALTER COLUMN ... SET DATA TYPE jsonb` (and a "
          "separate SET DEFAULT), which PostgreSQL applies as it is; the type change rewrites "
          "the table under an ACCESS EXCLUSIVE lock.");
    }
    if (m_migration_rewrite) {
      m_plan.notes.push_back(
          "the new migration's ALTER ... TYPE jsonb rewrites each table under an ACCESS "
          "EXCLUSIVE lock (reads and writes wait until it ends): on large tables, apply it at "
          "a quiet time, or keep the index fixes alone with --rule");
    }
    if (m_push && !has_migrations(m_project)) {
      m_plan.notes.push_back(
          "drizzle-kit migrate applies the committed migrations, and this project has none "
          "yet: generate the first one from the schema and commit it");
    }
    if (!m_unknown_size.empty()) {
      m_plan.notes.push_back(unknown_size_note(m_unknown_size));
    }
  }

  const model::Project& m_project;
  const FixTargets& m_targets;
  FixPlan m_plan;
  std::map<std::string, std::vector<SchemaEdit>> m_schema_edits; // file -> edits, in finding order
  std::map<std::string, std::vector<CommandEdit>> m_command_edits;
  std::map<std::string, std::string> m_unfixable; // rule -> why, said once per rule
  bool m_type_change = false;
  std::set<std::string> m_retyped_from; // the builders type changes replaced
  bool m_push = false;
  std::vector<std::string> m_schema_commands;
  std::vector<MigrationStatement> m_migration;                  // for a new migration (no schema.ts)
  bool m_migration_rewrite = false;                             // it changes a column's type
  std::map<std::string, const core::Finding*> m_index_findings; // added index -> its finding
  std::vector<ConcurrentIndex> m_concurrent;                    // built by the deploy script
  std::vector<std::string> m_unknown_size;                      // indexes on tables of unknown size
  std::map<fs::path, std::vector<std::string>> m_custom;        // migrations folder -> drift statements
  std::map<std::string, std::vector<model::Index>> m_added; // "schema.table" -> indexes added to schema.ts
};

} // namespace

FixPlan plan_fixes(const std::vector<core::Finding>& findings, const model::Project& project,
                   const FixTargets& targets) {
  Planner planner(project, targets);
  for (const core::Finding& finding : findings) {
    planner.add(finding);
  }
  return planner.finish();
}

void print_fix_plan(const FixPlan& plan, bool written, std::ostream& out, std::ostream& notes) {
  if (!written) {
    for (const FileChange& change : plan.files) {
      if (!change.summary.empty()) {
        out << "--- " << (change.created ? "/dev/null" : "a/" + change.label) << "\n+++ b/" << change.label
            << "\n# " << change.summary << "\n";
        continue;
      }
      out << core::unified_diff(change.label, change.before, change.after, change.created);
    }
  }
  if (plan.files.empty()) {
    notes << "pgadvise: fix: nothing to change"
          << (plan.fixed > 0 ? " (the fixes are already in the files)" : "") << "\n";
  } else {
    notes << "pgadvise: fix: " << (written ? "changed " : "would change ") << plan.files.size() << " file"
          << (plan.files.size() == 1 ? "" : "s");
    if (plan.fixed > 0) {
      notes << " for " << plan.fixed << " finding" << (plan.fixed == 1 ? "" : "s");
    }
    notes << (written ? "" : " (--write applies it)") << "\n";
  }
  for (const std::string& note : plan.notes) {
    notes << "  note: " << note << "\n";
  }
  if (!plan.files.empty()) {
    for (const std::string& step : plan.next) {
      notes << "  next: " << step << "\n";
    }
  }
}

namespace {

// Files git knows to have uncommitted changes (staged, unstaged, or
// untracked), among `files`; none outside a repository.
std::vector<std::string> dirty_files(const std::vector<FileChange>& files) {
  std::vector<std::string> dirty;
  for (const FileChange& change : files) {
    if (change.created) {
      continue;
    }
    std::error_code ec;
    const fs::path absolute = fs::absolute(change.path, ec);
    auto status =
        run_git(absolute.parent_path(), {"status", "--porcelain", "--", absolute.filename().string()});
    if (status && status->status == 0 && !core::trim(status->out).empty()) {
      dirty.push_back(change.label);
    }
  }
  return dirty;
}

} // namespace

namespace {

// The catalogs of one database load as a fix judges drift with them.
FixSchemas schemas_of(const loaders::SchemaLoad& load, const model::Catalog* applied,
                      const std::optional<fs::path>& migrations_dir) {
  FixSchemas out;
  out.applied = applied;
  out.migrations_dir = migrations_dir;
  const auto take = [&out](const model::Catalog& catalog) {
    if (catalog.source == model::SchemaSource::drizzle_schema && out.declared == nullptr) {
      out.declared = &catalog;
    } else if (catalog.source == model::SchemaSource::drizzle_snapshot && out.snapshot == nullptr) {
      out.snapshot = &catalog;
    }
  };
  take(load.catalog);
  for (const model::Catalog& other : load.other_schemas) {
    take(other);
  }
  return out;
}

} // namespace

int run_fix(const FixOptions& options, std::ostream& out, std::ostream& err) {
  // lint's first four stages (app/lint/lint_run.hpp): the findings a lint run
  // with the same flags would report.
  LintRun run;
  if (const std::optional<core::Error> error = collect_findings(options.lint, run, err)) {
    err << "pgadvise: " << error->to_string() << "\n";
    return k_exit_usage;
  }
  std::vector<core::Finding>& findings = run.report.findings;
  if (!options.fingerprints.empty()) {
    const std::set<std::string> wanted(options.fingerprints.begin(), options.fingerprints.end());
    std::erase_if(findings, [&](const core::Finding& f) { return wanted.count(f.fingerprint) == 0; });
  }
  FixTargets targets;
  targets.migrations_dir = run.sources.migrations_dir;
  targets.schema_ts = !run.sources.schema_ts.empty();
  targets.schemas = schemas_of(run.load, run.input.catalog, run.sources.migrations_dir);
  // Each further drizzle.config's schemas, read again (lint kept only its findings).
  std::vector<std::unique_ptr<loaders::SchemaLoad>> other_loads;
  for (std::size_t i = 1; i < run.sources.databases.size(); ++i) {
    auto other = discover({run.sources.databases[i]});
    if (!other) {
      continue;
    }
    other_loads.push_back(std::make_unique<loaders::SchemaLoad>(load_schema(*other)));
    targets.other_databases[loaders::display_path(run.sources.databases[i])] =
        schemas_of(*other_loads.back(), &other_loads.back()->catalog, other->migrations_dir);
  }
  if (run.input.catalog != nullptr) {
    for (const model::Table& table : run.input.catalog->tables) {
      if (const auto rows = rules::table_rows(table)) {
        targets.table_rows[(table.schema.empty() ? "public" : table.schema) + "." + table.name] = *rows;
      }
    }
  }
  const FixPlan plan = plan_fixes(findings, run.sources.project, targets);
  if (options.write && !options.allow_dirty) {
    if (const auto dirty = dirty_files(plan.files); !dirty.empty()) {
      err << "pgadvise: fix: " << core::join(dirty, ", ") << (dirty.size() == 1 ? " has" : " have")
          << " uncommitted changes; commit or stash them first (so the fix is its own diff), or pass "
             "--allow-dirty. Nothing was written.\n";
      return k_exit_usage;
    }
  }
  if (options.write) {
    for (const FileChange& change : plan.files) {
      if (auto written = write_file_change(change); !written) {
        err << "pgadvise: fix: " << written.error().message << "\n";
        return k_exit_usage;
      }
    }
  }
  print_fix_plan(plan, options.write, out, err);
  return k_exit_ok;
}

} // namespace pgadvise::app
