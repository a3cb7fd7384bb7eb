// A run over several drizzle.configs: each database's input built in stage 2,
// its rules run in stage 3 (app/lint/lint_run.hpp).
#include "app/lint/multi_database.hpp"

#include "advisor/query_evidence.hpp"
#include "app/inputs/discovery_files.hpp"
#include "app/inputs/drizzle_configs.hpp"
#include "app/lint/lint_run.hpp"
#include "app/lint/run_rules.hpp"
#include "core/hash.hpp"
#include "core/parallel.hpp"
#include "core/stage_timings.hpp"
#include "core/text.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace pgadvise::app {

namespace {

// Where a database's drizzle.config sits, from the project root: what its
// findings' fingerprints are made distinct by, the same wherever pgadvise
// runs.
std::string database_key(const std::filesystem::path& config, const model::Project& project) {
  const std::filesystem::path relative =
      discovery_files::absolute_normal(config).lexically_relative(project.root);
  return relative.empty() ? config.generic_string() : relative.generic_string();
}

bool judges_project_alone(const core::Finding& finding) {
  const engine::Rule* rule = rules::find_rule(finding.rule);
  return rule != nullptr && rule->meta().inputs == std::vector{engine::Input::project};
}

// Each database's findings say which database they belong to, with a
// fingerprint of its own (two projects of one folder both have an
// `organizations` table: a baseline or a code-scanning alert of one is not
// the other's). The findings of the rules that judge the project alone are
// located in its files, so they stay as they are.
void tag_database(std::vector<core::Finding>& findings, std::size_t from, const DatabaseInput& database) {
  for (std::size_t i = from; i < findings.size(); ++i) {
    if (!judges_project_alone(findings[i])) {
      findings[i].evidence.push_back(
          {core::Evidence::Kind::database, database.shown, {database.shown, 0, 0}});
      findings[i].fingerprint = core::to_hex(core::fnv1a64(findings[i].fingerprint + '\x1f' + database.key));
    }
  }
}

// What a database's schema is read from: two configs of one migrations
// folder (apps/web's pointing at packages/db's `out`, a dev and a prod
// config) are one database, linted once.
std::string schema_identity(const SchemaSources& sources) {
  if (sources.migrations_dir) {
    return "sql:" + discovery_files::absolute_normal(*sources.migrations_dir).generic_string();
  }
  if (sources.snapshot) {
    return "snapshot:" + discovery_files::absolute_normal(*sources.snapshot).generic_string();
  }
  std::vector<std::string> files;
  for (const std::filesystem::path& file : sources.schema_ts) {
    files.push_back(discovery_files::absolute_normal(file).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files.empty() ? std::string() : "schema:" + core::join(files, "\x1e");
}

void count_schema(const model::Catalog& catalog, DatabaseCounts& counts) {
  counts.tables += catalog.tables.size();
  for (const model::Table& table : catalog.tables) {
    counts.indexes += table.indexes.size();
    counts.foreign_keys += table.foreign_keys.size();
  }
}

std::filesystem::path home_of(const std::filesystem::path& config) {
  return discovery_files::absolute_normal(config).parent_path();
}

// Every further config discovered and paired with a database, in the
// configs' order: two configs of one schema (apps/web's and apps/api's,
// both pointing at packages/db's migrations; a dev and a prod config) are
// one database, linted once, with both folders its homes. Each linted
// database's schema is read; the notes say what was not linted and why.
// Each further config discovered and paired, in order; the schemas of the
// databases that are new read after, on every core (a folder of 20 apps
// read 1.8 s of them one after another), and what each says added in the
// configs' order.
void pair_databases(LintRun& run) {
  const SchemaSources& sources = run.sources;
  std::deque<DatabaseInput>& databases = run.databases;
  DatabaseInput& first = databases.emplace_back();
  first.config = sources.databases.front();
  first.homes = {home_of(first.config)};
  std::map<std::string, std::size_t> linted; // schema_identity() -> the database that lints it
  if (const std::string identity = schema_identity(sources); !identity.empty()) {
    linted.emplace(identity, 0);
  }
  // In the configs' order: a note, or (with no note) the database to read.
  std::vector<std::pair<std::string, std::size_t>> said;
  for (std::size_t i = 1; i < sources.databases.size(); ++i) {
    const std::filesystem::path& config = sources.databases[i];
    const std::string shown = loaders::display_path(config);
    auto other = app::discover({config});
    if (!other) {
      said.emplace_back("database " + shown + ": " + other.error().to_string(), 0);
      continue;
    }
    if (const std::string identity = schema_identity(*other); !identity.empty()) {
      const auto [at, added] = linted.emplace(identity, databases.size());
      if (!added) {
        DatabaseInput& same = databases[at->second];
        same.homes.push_back(home_of(config));
        said.emplace_back("database " + shown + ": the same schema as " + loaders::display_path(same.config) +
                              "'s, linted once",
                          0);
        continue;
      }
    }
    said.emplace_back(std::string(), databases.size());
    DatabaseInput& database = databases.emplace_back();
    database.config = config;
    database.homes = {home_of(config)};
    database.sources = std::move(*other);
  }
  {
    const core::StageTimer timer(core::Stage::schema_replay); // the workers' time is the wait for them
    core::parallel_for(databases.size() - 1, [&databases](std::size_t i) {
      DatabaseInput& database = databases[i + 1];
      database.load = app::load_schema(*database.sources);
    });
  }
  for (const auto& [note, index] : said) {
    if (!note.empty()) {
      run.load.notes.push_back(note);
      continue;
    }
    const DatabaseInput& database = databases[index];
    const std::string shown = loaders::display_path(database.config);
    run.other_migrations.push_back(database.load->replayed_files);
    run.other_databases.configs.push_back(shown);
    count_schema(database.load->catalog, run.other_databases);
    for (const std::string& its : database.load->notes) {
      run.load.notes.push_back("database " + shown + ": " + its);
    }
  }
  for (DatabaseInput& database : databases) {
    database.shown = loaders::display_path(database.config);
    database.key = database_key(database.config, sources.project);
  }
}

std::size_t shared_folders(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::size_t out = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end() && *i == *j; ++i, ++j) {
    ++out;
  }
  return out;
}

// Whose a file is: the database with the home that shares the most leading
// folders with it (project05/apps/api/src/teams.ts is project05/packages/db's);
// for no file, the first. Memoized by file: a repository's thousands of
// calls sit in far fewer files.
class Owners {
public:
  explicit Owners(const std::deque<DatabaseInput>& databases) : m_databases(databases) {}

  // The nearest databases, in order: more than one when the file is as near
  // to several (apps/web's code beside packages/db and packages/auth).
  const std::vector<std::size_t>& tied(const core::SourceLocation& location) {
    static const std::vector<std::size_t> k_first = {0};
    if (!location.known()) {
      return k_first;
    }
    const std::string file(location.file.str());
    if (const auto found = m_known.find(file); found != m_known.end()) {
      return found->second;
    }
    const std::filesystem::path path = discovery_files::absolute_normal(file);
    std::vector<std::size_t> best = {0};
    std::size_t best_shared = 0;
    for (std::size_t d = 0; d < m_databases.size(); ++d) {
      std::size_t shared = 0;
      for (const std::filesystem::path& home : m_databases[d].homes) {
        shared = std::max(shared, shared_folders(path, home));
      }
      if (shared > best_shared) {
        best = {d};
        best_shared = shared;
      } else if (shared == best_shared && d != 0) {
        best.push_back(d);
      }
    }
    return m_known.emplace(file, std::move(best)).first->second;
  }

  // On a tie, the first of them.
  std::size_t of(const core::SourceLocation& location) { return tied(location).front(); }

private:
  const std::deque<DatabaseInput>& m_databases;
  std::map<std::string, std::vector<std::size_t>> m_known;
};

// The project's Drizzle facts as database d's drizzle.config sees them: its
// own schema files and migrations, so its Drizzle fixes name its schema file
// and the scripts that generate for its config (not the first one's).
void see_as(model::Project& project, const model::Project& other) {
  project.drizzle_config = other.drizzle_config;
  // Its `out` and schema entries are relative to its own discovery's root.
  project.drizzle_out =
      other.drizzle_out.empty() ? std::string() : relative_out(project.root, other.root, other.drizzle_out);
  project.drizzle_schema_paths.clear();
  for (const std::string& entry : other.drizzle_schema_paths) {
    project.drizzle_schema_paths.push_back(relative_out(project.root, other.root, entry));
  }
  project.casing = other.casing;
}

const model::Catalog& files_catalog(const LintRun& run, std::size_t database) {
  return database == 0 ? run.load.catalog : run.databases[database].load->catalog;
}

// The project's code shared out among the databases, each given a copy of
// the project as its config sees it with its own query calls and
// relations. A file as near to several databases goes to the one whose
// schema has the call's table.
void share_code(LintRun& run, Owners& owners) {
  const model::Project& whole = run.sources.project;
  model::Project tree; // the project without its code, copied for each database
  const auto declares = [&run](std::size_t d, const std::string& table) {
    const model::Catalog& catalog = files_catalog(run, d);
    return std::any_of(catalog.tables.begin(), catalog.tables.end(),
                       [&](const model::Table& t) { return t.property == table; });
  };
  const auto owner = [&](const core::SourceLocation& location, const std::string& table) {
    const std::vector<std::size_t>& tied = owners.tied(location);
    const auto found =
        std::find_if(tied.begin(), tied.end(), [&](std::size_t d) { return declares(d, table); });
    return found != tied.end() ? *found : tied.front();
  };
  std::vector<std::size_t> call_owner;
  for (const model::QueryCall& call : whole.query_calls) {
    call_owner.push_back(owner(call.loop_location.known() ? call.loop_location : call.location, call.table));
  }
  std::vector<std::size_t> relation_owner;
  for (const model::DrizzleRelation& relation : whole.drizzle_relations) {
    relation_owner.push_back(owner(relation.location, relation.table));
  }
  tree = whole;
  tree.query_calls.clear();
  tree.query_calls.shrink_to_fit();
  tree.drizzle_relations.clear();
  for (std::size_t d = 0; d < run.databases.size(); ++d) {
    DatabaseInput& database = run.databases[d];
    database.project = tree;
    if (database.sources) {
      see_as(database.project, database.sources->project);
    }
    for (std::size_t i = 0; i < call_owner.size(); ++i) {
      if (call_owner[i] == d) {
        database.project.query_calls.push_back(whole.query_calls[i]);
      }
    }
    for (std::size_t i = 0; i < relation_owner.size(); ++i) {
      if (relation_owner[i] == d) {
        database.project.drizzle_relations.push_back(whole.drizzle_relations[i]);
      }
    }
  }
}

// How well a statement fits a database's schema: the tables it names that
// the schema has, then the columns it filters, joins or sorts on that those
// tables have (blog's `comments` has post_id, helpdesk's ticket_id).
std::pair<std::size_t, std::size_t> fit(const model::Catalog& catalog, const model::QueryShape& shape) {
  std::pair<std::size_t, std::size_t> out{0, 0};
  for (const model::TableUse& use : shape.tables) {
    out.first += advisor::find_table(&catalog, use.schema, use.name) != nullptr ? 1U : 0U;
  }
  for (const model::ColumnUsage& usage : shape.columns) {
    const model::Table* table =
        usage.table.empty() ? nullptr : advisor::find_table(&catalog, usage.schema, usage.table);
    out.second += table != nullptr && table->find_column(usage.column) != nullptr ? 1U : 0U;
  }
  return out;
}

// A log (or pg_stat_statements) read with several databases, shared out
// among them: each statement goes to the database whose schema fits it best
// (a tie to the first of them: one finding per problem when two projects
// declare one table), and what belongs to no database's tables (sessions,
// connections, warnings, transaction control) to the database that ran
// the most. Each database's rules then judge its own traffic, and its own
// code's loops are matched against the statements on its own tables.
void share_workload(const model::Workload& workload, std::deque<DatabaseInput>& databases,
                    const std::vector<const model::Catalog*>& catalogs) {
  std::unordered_map<std::uint64_t, std::size_t> owner;
  std::vector<std::uint64_t> calls(catalogs.size(), 0);
  for (const model::QueryStats& query : workload.queries) {
    std::pair<std::size_t, std::size_t> best{0, 0};
    std::size_t at = std::string::npos;
    for (std::size_t d = 0; d < catalogs.size(); ++d) {
      const std::pair<std::size_t, std::size_t> score = fit(*catalogs[d], query.shape);
      if (score.first > 0 && score > best) {
        best = score;
        at = d;
      }
    }
    if (at != std::string::npos) {
      owner.emplace(query.fingerprint, at);
      calls[at] += query.calls;
    }
  }
  const std::size_t whole_log =
      static_cast<std::size_t>(std::max_element(calls.begin(), calls.end()) - calls.begin());
  for (std::size_t d = 0; d < catalogs.size(); ++d) {
    databases[d].workload = workload.share(
        [&](std::uint64_t fingerprint) {
          const auto found = owner.find(fingerprint);
          return (found != owner.end() ? found->second : whole_log) == d;
        },
        d == whole_log);
  }
}

// The rule list split: the rules that judge the project alone (drizzle-
// push-in-production, seed-in-production, query-in-loop) apart from the rest.
struct RuleSplit {
  std::vector<const engine::Rule*> others;
  std::vector<const engine::Rule*> project_alone;

  RuleSplit() {
    for (const engine::Rule* rule : rules::rule_set()) {
      (rule->meta().inputs == std::vector{engine::Input::project} ? project_alone : others).push_back(rule);
    }
  }
};

// Each entry of `from` not yet in `into`, in rule_set()'s order: the report
// of two runs lists its rules as one run would.
void merge_rule_lists(std::vector<std::string>& into, const std::vector<std::string>& from) {
  std::map<std::string, std::size_t> ranks;
  for (const engine::Rule* rule : rules::rule_set()) {
    ranks.emplace(rule->meta().id, ranks.size());
  }
  const auto rank = [&ranks](const std::string& entry) {
    const auto found = ranks.find(entry.substr(0, entry.find(':')));
    return found != ranks.end() ? found->second : ranks.size();
  };
  for (const std::string& entry : from) {
    if (std::find(into.begin(), into.end(), entry) == into.end()) {
      into.push_back(entry);
    }
  }
  std::stable_sort(into.begin(), into.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
}

// Whether a loop of database d's own code is at `location` (a finding of
// its code, though the file is as near to another database).
bool holds_loop_at(const model::Project& project, const core::SourceLocation& location) {
  return std::any_of(
      project.query_calls.begin(), project.query_calls.end(), [&](const model::QueryCall& call) {
        return call.loop_location.file == location.file && call.loop_location.line == location.line;
      });
}

// One database's rules. Those that judge the project alone follow scripts,
// CI and containers across the whole tree, so they run on their own, with
// no severity floor, and this database keeps the findings located in its
// own projects' files: each is reported once, by the database whose
// project holds it, with that database's folder and commands, and only
// those are counted hidden below --min-severity.
engine::RunReport run_database_rules(const engine::RunInput& input, const core::Settings& settings,
                                     const RuleSplit& split, std::size_t database, Owners& owners) {
  engine::RunReport report = app::run_rules(input, settings, split.others);
  engine::RunInput alone_input = input;
  alone_input.diagnostics.clear(); // the first run reported them
  core::Settings every = settings;
  every.min_severity = core::Severity::info;
  engine::RunReport alone = app::run_rules(alone_input, every, split.project_alone);
  for (core::Finding& finding : alone.findings.vec()) {
    if (owners.of(finding.location) != database && !holds_loop_at(*input.project, finding.location)) {
      continue;
    }
    if (finding.severity < settings.min_severity) {
      ++report.hidden;
      continue;
    }
    report.findings.push_back(std::move(finding));
  }
  report.findings.sort();
  report.suppressed += alone.suppressed;
  merge_rule_lists(report.rules_run, alone.rules_run);
  merge_rule_lists(report.skipped, alone.skipped);
  return report;
}

} // namespace

void build_database_inputs(LintRun& run) {
  pair_databases(run);
  finish_code_scan(run); // the code is shared out below
  Owners owners(run.databases);
  share_code(run, owners);
  if (run.input.workload != nullptr) {
    std::vector<const model::Catalog*> catalogs = {run.input.catalog};
    for (std::size_t d = 1; d < run.databases.size(); ++d) {
      catalogs.push_back(&run.databases[d].load->catalog);
    }
    share_workload(*run.input.workload, run.databases, catalogs);
  }
  for (std::size_t d = 1; d < run.databases.size(); ++d) {
    DatabaseInput& database = run.databases[d];
    loaders::SchemaLoad& load = *database.load;
    engine::RunInput& input = database.input;
    input.catalog = &load.catalog;
    input.project = &database.project;
    input.workload = database.workload ? &*database.workload : nullptr;
    input.diagnostics = load.diagnostics;
    input.other_schemas = &load.other_schemas;
    input.files_catalog = &load.catalog;
    input.suppressions = load.suppressions;
  }
}

void lint_databases(LintRun& run) {
  const RuleSplit split;
  Owners owners(run.databases);
  DatabaseInput& first = run.databases.front();
  first.input = run.input;
  first.input.project = &first.project;
  if (first.workload) {
    first.input.workload = &*first.workload;
  }
  run.report = run_database_rules(first.input, run.settings, split, 0, owners);
  tag_database(run.report.findings.vec(), 0, first);
  for (std::size_t d = 1; d < run.databases.size(); ++d) {
    DatabaseInput& database = run.databases[d];
    engine::RunReport more = run_database_rules(database.input, run.settings, split, d, owners);
    const std::size_t from = run.report.findings.size();
    run.report.findings.insert(run.report.findings.end(), more.findings.begin(), more.findings.end());
    tag_database(run.report.findings.vec(), from, database);
    run.report.suppressed += more.suppressed;
    run.report.hidden += more.hidden;
    if (!run.keep_databases) { // its findings hold what they need: its schema and code go now
      database.input = engine::RunInput();
      database.load.reset();
      database.workload.reset();
      database.project = model::Project();
    }
  }
}

} // namespace pgadvise::app
