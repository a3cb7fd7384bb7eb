#include "app/fix/fix_plan.hpp"

#include "app/fix/fix_commands.hpp"
#include "app/fix/fix_concurrent.hpp"
#include "app/fix/fix_docker.hpp"
#include "app/fix/fix_edits.hpp"
#include "app/fix/fix_migration.hpp"
#include "core/file.hpp"
#include "core/text.hpp"
#include "core/text_edit.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgadvise::app {

namespace {

namespace fs = std::filesystem;

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

// Whether `dir` is Prisma Migrate's folder: asked once per plan, not per finding.
bool prisma_folder(const std::optional<fs::path>& dir) {
  std::error_code ec;
  return dir && fs::exists(*dir / "migration_lock.toml", ec);
}

// plan_fixes, one finding at a time: where each fix goes (schema.ts, a
// command line, a new or custom migration), then the files and notes.
class Planner {
public:
  Planner(const model::Project& project, const FixTargets& targets)
      : m_project(project), m_targets(targets), m_prisma_folder(prisma_folder(targets.migrations_dir)) {}

  void add(const core::Finding& finding) {
    if (!finding.fix) {
      return;
    }
    switch (finding.fix->kind()) {
    case core::FixKind::code:
      // The application's code (a loop's queries as one): its rewrite
      // depends on what the code around it does with the rows.
      m_unfixable.emplace(finding.rule, "its fix is a change to the application's code, which `pgadvise fix` "
                                        "leaves to you");
      return;
    case core::FixKind::shell: add_command(finding); return;
    case core::FixKind::sql:
      if (add_migration_statement(finding) || finding.fix->code_text().empty()) {
        return;
      }
      add_schema_edit(finding);
      return;
    }
  }

  FixPlan finish() {
    write_schema_files();
    for (FileChange& change : plan_command_edits(m_command_edits, m_plan.notes)) {
      m_plan.files.push_back(std::move(change));
    }
    write_migrations();
    add_shared_notes();
    add_answer_notes();
    add_closing_notes();
    const fs::path script =
        (m_project.root.empty() ? fs::current_path() : m_project.root) / k_concurrent_script;
    add_concurrent_builds(m_plan, script, m_concurrent, m_targets, m_schema_commands);
    return std::move(m_plan);
  }

private:
  // Without schema.ts: the DDL goes into a new migration.
  bool add_migration_statement(const core::Finding& finding) {
    if (m_targets.schema_ts || !m_targets.migrations_dir) {
      return false;
    }
    auto statement = migration_statement(finding);
    if (!statement) {
      return false;
    }
    // Prisma Migrate's folder: schema.prisma is the schema there, and the
    // next `prisma migrate dev` undoes what only a migration declares.
    if (m_prisma_folder) {
      m_unfixable.emplace(finding.rule,
                          "the migrations are Prisma Migrate's: a migration alone would be drift, which the "
                          "next `prisma migrate dev` undoes; make the change in schema.prisma (the model's "
                          "@@index or @@unique) and `prisma migrate dev` writes the migration");
      return true;
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
  void add_command(const core::Finding& finding) {
    if (fix_edit(finding) != engine::FixEdit::push_command) {
      m_unfixable.emplace(finding.rule, "pgadvise does not write this kind of change yet");
      return;
    }
    if (auto edit = command_edit_for(finding.fix->shell())) {
      m_command_edits[edit->file].push_back(*edit);
      m_push = true;
      const std::string root_file = finding.location.file;
      const std::string name = fs::path(root_file).filename().string();
      if (name.find("Dockerfile") != std::string::npos || name.find("Containerfile") != std::string::npos) {
        m_images.insert(root_file); // its container runs the migrate now
      }
      ++m_plan.fixed;
    } else {
      m_unfixable.emplace(finding.rule, "its fix names no line to change");
    }
  }

  void add_schema_edit(const core::Finding& finding) {
    const core::SqlChange& fix = finding.fix->sql();
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
    if (schemas.declared != nullptr) {
      const model::Table* declared = schemas.declared->find_table(
          finding.object.schema.empty() ? std::string("public") : finding.object.schema,
          finding.object.table);
      edit->factory = declared != nullptr && declared->drizzle_factory;
    }
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
    const std::string file = schema_file(fix);
    if (edit->kind == SchemaEditKind::add_index) {
      // One edit per definition in one schema file, whichever finding,
      // rule or drizzle.config reached it (two configs may share the file).
      std::string earlier;
      const bool first = first_of_definition(finding, *edit, schemas, m_added[file], &earlier);
      std::vector<std::string>& answers = m_answers[file + '\x1f' + (first ? edit->name : earlier)];
      add_once(answers, answered(finding));
      if (!first) {
        ++m_plan.fixed; // another finding's index has this definition
        return;
      }
    }
    if (edit->kind == SchemaEditKind::replace_column || edit->kind == SchemaEditKind::set_column_option) {
      if (edit->table != table_variable(finding, schemas)) {
        edit->factory = false; // a shared object of columns: no table call of its own
      }
      if (note_shared_column(file, *edit, finding, schemas)) {
        add_once(m_schema_commands, fix.commands);
        ++m_plan.fixed; // the same line of a shared object, already edited for another table
        return;
      }
      if (same_column_edit(file, *edit)) {
        add_once(m_schema_commands, fix.commands);
        ++m_plan.fixed; // two drizzle.configs over one schema file: the column is changed once
        return;
      }
    }
    m_type_change = m_type_change || edit->kind == SchemaEditKind::replace_column;
    if (edit->kind == SchemaEditKind::add_index) {
      m_index_findings.emplace(file + '\x1f' + edit->name, &finding);
    }
    if (edit->kind == SchemaEditKind::remove_index && removes_already(file, *edit)) {
      ++m_plan.fixed; // the same entry, reached through another drizzle.config
      return;
    }
    m_schema_edits[file].push_back(std::move(*edit));
    add_once(m_schema_commands, fix.commands);
    ++m_plan.fixed;
  }

  // The schema file a fix edits, spelled as the first fix that named it
  // spelled it: two drizzle.configs may reach one file by two paths.
  std::string schema_file(const core::SqlChange& fix) {
    const std::string file = strip_line(fix.drizzle_file);
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(fs::absolute(file, ec), ec);
    if (ec) {
      canonical = file;
    }
    return m_file_spelling.emplace(canonical.string(), file).first->second;
  }

  // "unindexed-foreign-key on sessions (drizzle.config.ts)": a finding as
  // the note of a shared edit names it.
  static std::string answered(const core::Finding& finding) {
    std::string where;
    for (const core::Evidence& evidence : finding.evidence) {
      if (evidence.kind == core::Evidence::Kind::database) {
        where = evidence.detail;
        break;
      }
    }
    if (where.empty()) {
      where = finding.location.to_string();
    }
    std::string table = finding.object.table;
    if (!finding.object.columns.empty()) {
      table += "(" + core::join(finding.object.columns, ", ") + ")";
    }
    return finding.rule + " on " + table + (where.empty() ? "" : " (" + where + ")");
  }

  // Whether this very column edit is already planned for the file.
  bool same_column_edit(const std::string& file, const SchemaEdit& edit) const {
    const auto it = m_schema_edits.find(file);
    return it != m_schema_edits.end() &&
           std::any_of(it->second.begin(), it->second.end(), [&](const SchemaEdit& other) {
             return other.kind == edit.kind && other.table == edit.table && other.name == edit.name &&
                    other.entry == edit.entry;
           });
  }

  // Whether the file's edits already remove this index from this table.
  bool removes_already(const std::string& file, const SchemaEdit& edit) const {
    const auto it = m_schema_edits.find(file);
    return it != m_schema_edits.end() &&
           std::any_of(it->second.begin(), it->second.end(), [&](const SchemaEdit& other) {
             return other.kind == SchemaEditKind::remove_index && other.table == edit.table &&
                    other.name == edit.name;
           });
  }

  // One index edit that answers several findings: the note names each.
  void add_answer_notes() {
    for (const auto& [key, findings] : m_answers) {
      if (findings.size() < 2) {
        continue;
      }
      const std::string file = key.substr(0, key.find('\x1f'));
      const std::string name = key.substr(key.find('\x1f') + 1);
      m_plan.notes.push_back(shown(file) + ": " + name + " is added once, for " +
                             core::plural(findings.size(), "finding") + ": " + core::join(findings, "; "));
    }
  }

  // The variable schema.ts declares the finding's table as; empty when unknown.
  static std::string table_variable(const core::Finding& finding, const FixSchemas& schemas) {
    if (schemas.declared == nullptr) {
      return {};
    }
    const model::Table* table = schemas.declared->find_table(
        finding.object.schema.empty() ? std::string("public") : finding.object.schema, finding.object.table);
    return table != nullptr ? table->property.str() : std::string();
  }

  // A column edit of an object of columns many tables spread (`createdAt`
  // of `baseColumns`): the line is edited once; the tables it reaches are
  // named in one note per object. True when another table's finding made
  // this very edit already.
  bool note_shared_column(const std::string& file, const SchemaEdit& edit, const core::Finding& finding,
                          const FixSchemas& schemas) {
    const std::string variable = table_variable(finding, schemas);
    if (variable.empty() || variable == edit.table) {
      return false; // the table's own column
    }
    SharedObject& shared = m_shared[file + '\x1f' + edit.table];
    shared.declared = schemas.declared;
    add_once(shared.tables, finding.object.table);
    add_once(shared.columns, edit.name);
    const auto& edits = m_schema_edits[file];
    return std::any_of(edits.begin(), edits.end(), [&](const SchemaEdit& other) {
      return other.kind == edit.kind && other.table == edit.table && other.name == edit.name &&
             other.entry == edit.entry;
    });
  }

  void add_shared_notes() {
    for (const auto& [key, shared] : m_shared) {
      const std::string file = key.substr(0, key.find('\x1f'));
      const std::string object = key.substr(key.find('\x1f') + 1);
      // Tables that spread the same entries without a finding of their own change too.
      std::vector<std::string> others;
      static const model::Tables k_none;
      for (const model::Table& table : shared.declared != nullptr ? shared.declared->tables : k_none) {
        for (const model::Column& column : table.columns) {
          const model::DrizzleSharedColumn* from = column.drizzle_shared();
          if (from != nullptr && from->object == object && strip_line(from->location.file.str()) == file &&
              std::find(shared.columns.begin(), shared.columns.end(), column.property()) !=
                  shared.columns.end() &&
              std::find(shared.tables.begin(), shared.tables.end(), table.name.str()) ==
                  shared.tables.end()) {
            add_once(others, table.name.str());
          }
        }
      }
      m_plan.notes.push_back(
          shown(file) + ": " + object + ", shared by " + core::plural(shared.tables.size(), "table") + " (" +
          core::join(shared.tables, ", ") + "): " + core::join(shared.columns, ", ") +
          " changed there once, for every table that uses it" +
          (others.empty() ? std::string()
                          : "; this also changes " + core::join(others, ", ") +
                                ", which use it without such a finding: check those tables' data too"));
    }
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
        if (auto index = choose_index_build(*m_index_findings.at(file + '\x1f' + edit.name), edit.name,
                                            m_targets.table_rows, m_plan.notes, m_unknown_size)) {
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
      // Each problem is one finding's edit left out: not counted as fixed,
      // and its index is neither built by a deploy script nor said to block writes.
      m_plan.fixed -= std::min(m_plan.fixed, edit_plan.problems.size());
      m_plan.left_out += edit_plan.problems.size();
      const auto left_out = [&](const std::string& name) { return edit_plan.left_out.count(name) > 0; };
      m_unknown_size.erase(std::remove_if(m_unknown_size.begin(), m_unknown_size.end(), left_out),
                           m_unknown_size.end());
      m_concurrent.erase(std::remove_if(m_concurrent.begin(), m_concurrent.end(),
                                        [&](const ConcurrentIndex& index) { return left_out(index.name); }),
                         m_concurrent.end());
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
    for (const std::string& dockerfile : m_images) {
      if (auto note = migrations_copy_note(m_project.root, dockerfile, m_project.drizzle_out)) {
        m_plan.notes.push_back(std::move(*note));
      }
    }
    if (m_push && !has_migrations(m_project)) {
      m_plan.notes.push_back(
          "drizzle-kit migrate applies the committed migrations, and this project has none "
          "yet: generate the first one from the schema and commit it");
    } else if (!m_schema_edits.empty() && !has_migrations(m_project)) {
      // A push-only project: `generate && migrate` would recreate every table.
      m_plan.notes.push_back(
          "this project has no migrations yet (its databases were built by drizzle-kit push): the first "
          "drizzle-kit generate writes every table, which migrate cannot apply where push already made "
          "them; mark that migration applied there (or apply only its new indexes by hand) before the "
          "first migrate, or keep using push on development databases");
    }
    if (!m_unknown_size.empty()) {
      m_plan.notes.push_back(unknown_size_note(m_unknown_size));
    }
  }

  const model::Project& m_project;
  const FixTargets& m_targets;
  FixPlan m_plan;
  std::map<std::string, std::vector<SchemaEdit>> m_schema_edits; // file -> edits, in finding order
  struct SharedObject {
    const model::Catalog* declared = nullptr; // schema.ts, for the tables that spread it without a finding
    std::vector<std::string> tables;
    std::vector<std::string> columns;
  };
  std::map<std::string, SharedObject> m_shared; // file + '\x1f' + object of columns -> what its edits reach
  std::map<std::string, std::vector<CommandEdit>> m_command_edits;
  std::map<std::string, std::string> m_unfixable; // rule -> why, said once per rule
  bool m_type_change = false;
  std::set<std::string> m_retyped_from; // the builders type changes replaced
  bool m_push = false;
  std::set<std::string> m_images; // Dockerfiles whose containers ran the push
  std::vector<std::string> m_schema_commands;
  std::vector<MigrationStatement> m_migration; // for a new migration (no schema.ts)
  const bool m_prisma_folder;       // the migrations folder is Prisma Migrate's (migration_lock.toml)
  bool m_migration_rewrite = false; // it changes a column's type
  std::map<std::string, const core::Finding*> m_index_findings; // schema file and added index -> its finding
  std::vector<ConcurrentIndex> m_concurrent;                    // built by the deploy script
  std::vector<std::string> m_unknown_size;                      // indexes on tables of unknown size
  std::map<fs::path, std::vector<std::string>> m_custom;        // migrations folder -> drift statements
  // Each schema file's: "schema.table" -> indexes added to it. Two apps'
  // `sessions` tables (two files) are two tables; two drizzle.configs over
  // one file reach one table.
  std::map<std::string, std::map<std::string, std::vector<model::Index>>> m_added;
  std::map<std::string, std::vector<std::string>>
      m_answers;                                      // file + '\x1f' + index -> the findings it answers
  std::map<std::string, std::string> m_file_spelling; // canonical path -> the spelling used
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

} // namespace pgadvise::app
