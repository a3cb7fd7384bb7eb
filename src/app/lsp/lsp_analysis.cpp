#include "app/lsp/lsp_analysis.hpp"

#include "app/config/config.hpp"
#include "app/fix/fix.hpp"
#include "app/lint/consolidate.hpp"
#include "core/file.hpp"
#include "core/sql_quoted.hpp"
#include "core/text.hpp"
#include "core/text_generation.hpp"
#include "engine/rule.hpp"
#include "model/catalog.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace pgadvise::app::lsp {

namespace fs = std::filesystem;
using ObjectColumns = std::vector<std::string>;

std::string file_key(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal().string();
}

Analysis::~Analysis() {
  run.reset();
  if (text_generation != 0) {
    core::text_generation::release(text_generation);
  }
  for (const std::uint32_t generation : later_generations) {
    core::text_generation::release(generation);
  }
}

bool code_file(const fs::path& file) {
  static const std::set<std::string, std::less<>> k_code = {".ts", ".tsx", ".mts", ".cts",
                                                            ".js", ".jsx", ".mjs", ".cjs"};
  return k_code.count(file.extension().native()) > 0;
}

const std::vector<PlacedFinding>& Analysis::findings_in(const fs::path& file) const {
  static const std::vector<PlacedFinding> none;
  if (!m_declared_placed && code_file(file)) {
    place_declared();
  }
  const auto found = m_by_file.find(file_key(file));
  return found == m_by_file.end() ? none : found->second;
}

namespace {

// The schemas of the database a finding belongs to: with several
// drizzle.configs, the one its "database" evidence names (two apps'
// `sessions` tables are each in their own schema file).
const FixSchemas& schemas_of_finding(const core::Finding& finding, const FixSchemas& first,
                                     const std::map<std::string, FixSchemas>& others) {
  for (const core::Evidence& evidence : finding.evidence) {
    if (evidence.kind == core::Evidence::Kind::database) {
      const auto found = others.find(evidence.detail);
      return found != others.end() ? found->second : first;
    }
  }
  return first;
}

// The declared table a finding is about, the last one found kept: a run's
// findings come table by table (35,000 at 10,000 tables, each asked for
// twice at every keystroke).
class DeclaredTables {
public:
  const model::Table* find(const model::Catalog& declared, const core::Finding& finding) {
    const std::string& schema = finding.object.schema.empty() ? k_public : finding.object.schema;
    if (&declared != m_catalog || schema != m_schema || finding.object.table != m_table) {
      m_catalog = &declared;
      m_schema = schema;
      m_table = finding.object.table;
      m_found = declared.find_table(m_schema, m_table);
    }
    return m_found;
  }

private:
  inline static const std::string k_public = "public";
  const model::Catalog* m_catalog = nullptr;
  std::string m_schema;
  std::string m_table;
  const model::Table* m_found = nullptr;
};

// Where the Drizzle schema declares what a state finding is about: its
// foreign key (by name, else by columns), its one column, else its table.
// Change findings stay on the migration statement they judge; a finding
// about the code (a query in a loop, a query's shape) stays at the code,
// unless its fix is the schema's (the index a query's filter needs): on a
// real monorepo, 352 loops shown at schema.ts's tables buried its foreign keys.
std::optional<core::SourceLocation> declared_place(const core::Finding& finding,
                                                   const model::Catalog& declared, DeclaredTables& tables) {
  const engine::Rule* rule = rules::find_rule(finding.rule);
  if (rule == nullptr || rule->meta().lens != engine::Lens::state || finding.object.table.empty()) {
    return std::nullopt;
  }
  const engine::Category category = rule->meta().category;
  const bool about_code = category == engine::Category::query || category == engine::Category::project;
  if (about_code &&
      !(finding.fix && finding.fix->kind() == core::FixKind::sql && !finding.fix->statements().empty())) {
    return std::nullopt;
  }
  const model::Table* table = tables.find(declared, finding);
  if (table == nullptr) {
    return std::nullopt;
  }
  const auto usable = [](const core::SourceLocation& at) { return at.known() && at.line > 0; };
  const std::string& name = finding.object.constraint;
  const ObjectColumns& columns = finding.object.columns;
  if (!name.empty()) {
    for (const model::ForeignKey& fk : table->foreign_keys) {
      if (fk.name == name && usable(fk.location)) {
        return fk.location;
      }
    }
    for (const model::Index& index : table->indexes) {
      if (index.name == name) {
        return usable(index.location) ? std::optional(index.location) : std::nullopt;
      }
    }
  }
  // A foreign key schema.ts names otherwise (drizzle-kit's default name, an
  // older migration's): the one on the same columns.
  for (const model::ForeignKey& fk : table->foreign_keys) {
    if (!columns.empty() && fk.columns == columns && usable(fk.location)) {
      return fk.location;
    }
  }
  if (columns.size() == 1) {
    if (const model::Column* column = table->find_column(columns.front());
        column && usable(column->location)) {
      return column->location;
    }
  }
  if (usable(table->location)) {
    return table->location;
  }
  return std::nullopt;
}

// What a finding says where: two databases of one schema file (apps/web's
// and packages/db's configs over packages/db/src/schema.ts, each with its
// own migrations) both lack the index; the schema file shows it once, and
// its one edit fixes both. Hashed, as 35,000 findings may be placed in one
// schema file.
struct PlacedKey {
  int line = 0;
  int column = 0;
  std::string_view rule;
  std::string_view message;
  bool operator==(const PlacedKey&) const = default;
};

struct PlacedKeyHash {
  std::size_t operator()(const PlacedKey& key) const {
    const std::size_t text =
        std::hash<std::string_view>{}(key.rule) * 31 + std::hash<std::string_view>{}(key.message);
    return text ^ (static_cast<std::size_t>(key.line) << 20U) ^ static_cast<std::size_t>(key.column);
  }
};

// The column a proposed index's first key names (`"team_id"`,
// `created_at DESC`, `"createdAt" text_pattern_ops`); nullopt for an
// expression key.
std::optional<std::string> first_key_column(std::string_view key) {
  key = core::trim(key);
  std::string name;
  std::size_t end = 0;
  if (!key.empty() && key.front() == '"') {
    end = core::sql_quoted_end(key, 0);
    if (end < 2 || key[end - 1] != '"') {
      return std::nullopt;
    }
    for (std::size_t i = 1; i + 1 < end; ++i) {
      name += key[i];
      if (key[i] == '"') {
        ++i; // a doubled quote is one
      }
    }
  } else {
    while (end < key.size() &&
           (std::isalnum(static_cast<unsigned char>(key[end])) != 0 || key[end] == '_' || key[end] == '$')) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(key[end])));
      ++end;
    }
  }
  if (name.empty() || (end < key.size() && key[end] != ' ')) {
    return std::nullopt; // lower(email), (a + b), "t"."a"
  }
  return name;
}

// Whether schema.ts may declare the index a finding's fix adds: every index
// that serves it (the same one, a unique twin, a longer one it leads)
// starts with the fix's first key, so a declared table without an index on
// that column needs no replay of the fix (25,000 of them at every keystroke
// of a 10,000-table project).
bool may_declare(const core::Finding& finding, const model::Catalog& declared, DeclaredTables& tables) {
  const model::Table* table = tables.find(declared, finding);
  if (table == nullptr || table->indexes.empty()) {
    return false;
  }
  const std::optional<ProposedIndex> proposed = parse_proposed_index(finding.fix->statements());
  const std::optional<std::string> column =
      proposed ? first_key_column(proposed->columns.front()) : std::nullopt;
  return !column || std::any_of(table->indexes.begin(), table->indexes.end(), [&](const model::Index& index) {
    return !index.keys.empty() && index.keys.front().column.str() == *column;
  });
}

// Whether schema.ts already declares the index a finding's fix adds (the
// edit is made, drizzle-kit generate has not run): the schema file is right,
// the finding stays on its migration.
bool declares_fix(const core::Finding& finding, const FixSchemas& schemas, DeclaredTables& tables) {
  if (!finding.fix || finding.fix->code_text().empty() || schemas.applied == nullptr ||
      schemas.declared == nullptr || !may_declare(finding, *schemas.declared, tables)) {
    return false;
  }
  const std::optional<model::Index> proposed = proposed_index(finding, *schemas.applied);
  if (!proposed) {
    return false;
  }
  const std::string schema = finding.object.schema.empty() ? "public" : finding.object.schema;
  return place_index(schemas, schema, finding.object.table, *proposed).drift != IndexDrift::undeclared;
}

} // namespace

namespace {

// file_key of each file a run names, computed once: it asks the system for
// the working directory, and 10,000 tables or 35,000 findings name a few
// hundred files.
class FileKeys {
public:
  const std::string& of(const std::string& file) {
    auto [at, added] = m_keys.try_emplace(file);
    if (added) {
      at->second = file_key(file);
    }
    return at->second;
  }

private:
  std::unordered_map<std::string, std::string> m_keys;
};

// The files of the run's Drizzle schema (Analysis::schema_files).
std::set<std::string> schema_files(const LintRun& run, FileKeys& keys) {
  std::set<std::string> files;
  for (const fs::path& file : run.sources.schema_ts) {
    files.insert(file_key(file));
  }
  const model::Catalog* declared = run_fix_schemas(run).declared;
  if (declared == nullptr) {
    return files;
  }
  const auto add = [&files, &keys](const core::SourceLocation& at) {
    if (at.known()) {
      files.insert(keys.of(at.file.str()));
    }
  };
  for (const model::Table& table : declared->tables) {
    add(table.location);
  }
  for (const model::Enum& declared_enum : declared->enums) {
    add(declared_enum.location);
  }
  return files;
}

// lint's stages 1-4 (collect_findings), with `previous`'s inputs when given.
std::optional<core::Error> run_stages(const LintOptions& options, LintRun& run, LintRun* previous,
                                      std::ostream& err) {
  const core::StageTimings::Current timed(run.timings);
  {
    const core::StageTimer timer(core::Stage::discovery);
    if (std::optional<core::Error> error = plan_lint(options, run, err)) {
      return error;
    }
    if (run.options.live.requested()) {
      err << "pgadvise lsp: the database .pgadvise.toml names (inputs.database_env) is not read: the "
             "editor's diagnostics come from the files alone; `pgadvise lint` checks the database\n";
      run.options.live = LiveOptions{};
    }
    const bool reuse_workload = previous != nullptr && previous->workload && run.options.workload.requested();
    if (previous != nullptr) {
      run.known_sources = std::move(previous->sources);
      if (reuse_workload) {
        run.options.workload = WorkloadOptions{}; // taken below from the run before
      }
    }
    if (std::optional<core::Error> error = read_lint_inputs(run, err)) {
      return error;
    }
    if (reuse_workload) {
      run.workload = std::move(previous->workload);
    }
  }
  const core::StageTimer timer(core::Stage::rules);
  if (std::optional<core::Error> error = check_lint_inputs(run, err)) {
    return error;
  }
  return select_findings(run, err);
}

// The table memo, cleared unless `earlier` (alive until this run is done)
// is the run that filled it: it compares with that run's catalog.
engine::TableMemo* usable_memo(engine::TableMemo* memo, const LintRun* earlier) {
  if (memo != nullptr && (earlier == nullptr || memo->catalog() != &earlier->load.catalog)) {
    memo->clear();
  }
  return memo;
}

} // namespace

namespace {

// While a run goes on, the texts stored once the SQL replay kept its state
// anew go to a generation of their own, which the analysis holds
// (ReplayCache::after_keep).
class LaterGenerations {
public:
  LaterGenerations(loaders::ReplayCache* replay, std::vector<std::uint32_t>& generations) : m_replay(replay) {
    if (m_replay != nullptr) {
      m_replay->after_keep = [&generations] { generations.push_back(core::text_generation::begin()); };
    }
  }
  ~LaterGenerations() {
    if (m_replay != nullptr) {
      m_replay->after_keep = nullptr;
    }
  }
  LaterGenerations(const LaterGenerations&) = delete;
  LaterGenerations& operator=(const LaterGenerations&) = delete;
  LaterGenerations(LaterGenerations&&) = delete;
  LaterGenerations& operator=(LaterGenerations&&) = delete;

private:
  loaders::ReplayCache* m_replay;
};

} // namespace

std::unique_ptr<Analysis> analyse(const fs::path& target, const LintOptions& base, const AnalysisPass& pass) {
  auto analysis = std::make_unique<Analysis>();
  analysis->text_generation = core::text_generation::begin();
  analysis->target = target;
  loaders::ReplayCache* replay = pass.replay;
  LintRun* earlier = pass.previous != nullptr && pass.previous->run ? pass.previous->run.get() : nullptr;
  analysis->reused_inputs = earlier != nullptr;
  const auto started = std::chrono::steady_clock::now();
  LintOptions options = base;
  options.paths = {target.string()};
  // .pgadvise.toml from the linted folder up (a file's own folder for a
  // file opened without a project), whatever the server's working directory.
  if (options.config.empty()) {
    if (auto config = find_config(core::is_dir(target) ? target : target.parent_path())) {
      options.config = config->string();
    }
  }
  std::ostringstream err;
  FileKeys keys;
  const LaterGenerations later(replay, analysis->later_generations);
  try {
    auto run = std::make_unique<LintRun>();
    run->keep_databases = true; // each database's schemas are where its quick fixes go
    run->kept = {replay, pass.schema_ts};
    if (earlier == nullptr && pass.first_pass_files > 0) {
      run->code_scan = loaders::CodeScan::deferred;
      run->defer_code_files = pass.first_pass_files;
    }
    if (pass.open_migrations != nullptr && !pass.open_migrations->empty()) {
      run->checks_tables_in = [open = pass.open_migrations, keys = std::make_shared<FileKeys>(),
                               known = std::make_shared<std::unordered_map<const std::string*, bool>>()](
                                  const core::FilePath& file) {
        auto [at, added] = known->try_emplace(&file.str(), false);
        if (added) {
          at->second = open->count(keys->of(file.str())) > 0;
        }
        return at->second;
      };
    }
    run->table_memo = usable_memo(pass.table_memo, earlier);
    if (std::optional<core::Error> error = run_stages(options, *run, earlier, err)) {
      analysis->error = std::move(error);
      if (pass.table_memo != nullptr) {
        pass.table_memo->clear(); // it may hold this run's catalog, which goes now
      }
    } else {
      analysis->timings = run->timings.snapshot();
      analysis->schema_files = schema_files(*run, keys);
      analysis->replay_reused = replay != nullptr ? replay->reused() : 0;
      analysis->tables_reused = pass.table_memo != nullptr ? pass.table_memo->tables_reused() : 0;
      analysis->schema_ts_tables_kept = pass.schema_ts != nullptr ? pass.schema_ts->tables_kept() : 0;
      for (const std::string& migration : run->load.replayed_files) {
        analysis->migration_files.insert(keys.of(migration));
      }
      if (!run->input.checked_tables.empty()) {
        analysis->scoped_to = *pass.open_migrations;
      }
      const auto& deferred = run->sources.project.deferred_query_files;
      analysis->code_pending = deferred ? deferred->size() : 0;
      analysis->run = std::move(run);
    }
  } catch (const std::exception& e) {
    if (pass.table_memo != nullptr) {
      pass.table_memo->clear();
    }
    analysis->run.reset();
    analysis->error = core::Error(std::string("the analysis stopped: ") + e.what());
  }
  analysis->log = err.str();
  if (analysis->run) {
    const auto placing = std::chrono::steady_clock::now();
    analysis->place_located();
    analysis->placing_milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - placing).count();
  }
  analysis->milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return analysis;
}

// Each finding in the file lint locates it in: the findings grouped by
// their file's one copy of its path first, so each file's key is worked
// out once, not once per finding.
void Analysis::place_located() {
  m_by_file.clear();
  m_declared_placed = false;
  if (!run) {
    return;
  }
  FileKeys keys;
  std::unordered_map<const std::string*, std::vector<PlacedFinding>*> by_path;
  for (const core::Finding& finding : run->report.findings) {
    if (!finding.location.known()) {
      continue;
    }
    const std::string& path = finding.location.file.str();
    auto [at, added] = by_path.try_emplace(&path, nullptr);
    if (added) {
      at->second = &m_by_file[keys.of(path)];
    }
    at->second->push_back({&finding, finding.location});
  }
}

// Each state finding also where the Drizzle schema declares what it is
// about, unless lint locates it in that file already, or the same rule says
// the same there for another finding (two databases of one schema file:
// its one edit fixes both). Each file keeps the run's order.
void Analysis::place_declared() const {
  m_declared_placed = true;
  if (!run) {
    return;
  }
  const FixSchemas first = run_fix_schemas(*run);
  const std::map<std::string, FixSchemas> others = other_fix_schemas(*run);
  FileKeys keys;
  std::unordered_map<std::string, std::unordered_set<PlacedKey, PlacedKeyHash>> placed; // by file key
  const auto placed_in = [&](const std::string& key) -> std::unordered_set<PlacedKey, PlacedKeyHash>& {
    auto [at, added] = placed.try_emplace(key);
    if (added) {
      if (const auto shown = m_by_file.find(key); shown != m_by_file.end()) {
        for (const PlacedFinding& entry : shown->second) {
          at->second.insert({entry.at.line, entry.at.column, entry.finding->rule, entry.finding->message});
        }
      }
    }
    return at->second;
  };
  std::set<std::string> added_to;
  DeclaredTables tables;
  for (const core::Finding& finding : run->report.findings) {
    const FixSchemas& schemas = schemas_of_finding(finding, first, others);
    if (schemas.declared == nullptr || declares_fix(finding, schemas, tables)) {
      continue;
    }
    const std::optional<core::SourceLocation> at = declared_place(finding, *schemas.declared, tables);
    if (!at) {
      continue;
    }
    const std::string& there = keys.of(at->file.str());
    if (finding.location.known() && keys.of(finding.location.file.str()) == there) {
      continue;
    }
    if (placed_in(there).insert({at->line, at->column, finding.rule, finding.message}).second) {
      m_by_file[there].push_back({&finding, *at});
      added_to.insert(there);
    }
  }
  // The findings are one vector: their addresses are the run's order.
  for (const std::string& key : added_to) {
    std::vector<PlacedFinding>& shown = m_by_file[key];
    std::stable_sort(shown.begin(), shown.end(), [](const PlacedFinding& a, const PlacedFinding& b) {
      return std::less<const core::Finding*>()(a.finding, b.finding);
    });
  }
}

bool changes_project(const fs::path& file, const Analysis& last) {
  if (!last.run) {
    return true;
  }
  const SchemaSources& sources = last.run->sources;
  if (last.schema_files.count(file.string()) > 0) {
    return false;
  }
  if (sources.migrations_dir) {
    const fs::path relative = file.lexically_relative(fs::path(file_key(*sources.migrations_dir)));
    if (!relative.empty() && *relative.begin() != ".." && !relative.is_absolute()) {
      return false;
    }
  }
  if (sources.snapshot && fs::path(file_key(*sources.snapshot)) == file) {
    return false;
  }
  return std::none_of(sources.sql_files.begin(), sources.sql_files.end(),
                      [&file](const fs::path& each) { return fs::path(file_key(each)) == file; });
}

FixPlan plan_analysis_fixes(const Analysis& analysis, const std::vector<core::Finding>& findings) {
  if (!analysis.run) {
    return {};
  }
  const LintRun& run = *analysis.run;
  const FixTargets targets = fix_targets(run);
  return plan_fixes(findings, run.sources.project, targets);
}

} // namespace pgadvise::app::lsp
