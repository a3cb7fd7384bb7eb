// Stage 3 of a lint run (app/lint/lint_run.hpp): every rule over what was read.
#include "advisor/drizzle_render.hpp"
#include "advisor/query_evidence.hpp"
#include "app/inputs/discovery_files.hpp"
#include "app/inputs/drizzle_configs.hpp"
#include "app/lint/consolidate.hpp"
#include "app/lint/lint_run.hpp"
#include "app/lint/run_rules.hpp"
#include "app/lint/show_literals.hpp"
#include "app/scope/lens.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <functional>
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

// The schema of each further drizzle.config found (packages/db, packages/auth,
// ...) linted on its own: its findings join the report, each
// saying which database it belongs to, with a fingerprint of its own (two
// projects of one folder both have an `organizations` table: a baseline or a
// code-scanning alert of one is not the other's). The findings of the rules
// that judge the project alone are located in its files, so they stay as
// they are.
void tag_database(std::vector<core::Finding>& findings, std::size_t from, const std::string& config,
                  const std::string& key) {
  for (std::size_t i = from; i < findings.size(); ++i) {
    if (!judges_project_alone(findings[i])) {
      findings[i].evidence.push_back({core::Evidence::Kind::database, config, {config, 0, 0}});
      findings[i].fingerprint = core::to_hex(core::fnv1a64(findings[i].fingerprint + '\x1f' + key));
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

std::size_t shared_folders(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::size_t out = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end() && *i == *j; ++i, ++j) {
    ++out;
  }
  return out;
}

// One database of a folder of projects (or of a monorepo's apps): the
// config that lints it, what discovery found for it (the first database's
// is the run's own), and the folder of every config that reads this schema:
// code below those folders is this database's.
struct PairedDatabase {
  std::filesystem::path config;
  std::optional<SchemaSources> sources;
  std::vector<std::filesystem::path> homes;
  // Its schema, when it was read before the rules ran to tell whose a
  // shared file's table is (Owners::tied); else read when its turn comes.
  std::optional<loaders::SchemaLoad> load;
};

// Each drizzle.config after the first: the database it is (npos when
// discovery failed for it), or why it is not linted on its own.
struct PairedConfig {
  std::size_t database = std::string::npos;
  std::string note;
};

struct Pairing {
  std::vector<PairedDatabase> databases;
  std::vector<PairedConfig> configs;
};

// Every further config discovered before any rule runs, so that the code
// can be shared out among the databases first: two configs of one schema
// (apps/web's and apps/api's, both pointing at packages/db's migrations; a
// dev and a prod config) are one database, linted once, with both folders
// its homes.
Pairing pair_databases(const SchemaSources& sources) {
  Pairing out;
  const auto home = [](const std::filesystem::path& config) {
    return discovery_files::absolute_normal(config).parent_path();
  };
  out.databases.push_back(
      {sources.databases.front(), std::nullopt, {home(sources.databases.front())}, std::nullopt});
  std::map<std::string, std::size_t> linted; // schema_identity() -> the database that lints it
  if (const std::string identity = schema_identity(sources); !identity.empty()) {
    linted.emplace(identity, 0);
  }
  for (std::size_t i = 1; i < sources.databases.size(); ++i) {
    const std::filesystem::path& config = sources.databases[i];
    const std::string shown = loaders::display_path(config);
    auto other = app::discover({config});
    if (!other) {
      out.configs.push_back({std::string::npos, "database " + shown + ": " + other.error().to_string()});
      continue;
    }
    if (const std::string identity = schema_identity(*other); !identity.empty()) {
      const auto [at, added] = linted.emplace(identity, out.databases.size());
      if (!added) {
        PairedDatabase& same = out.databases[at->second];
        same.homes.push_back(home(config));
        out.configs.push_back({at->second, "database " + shown + ": the same schema as " +
                                               loaders::display_path(same.config) + "'s, linted once"});
        continue;
      }
    }
    out.configs.push_back({out.databases.size(), {}});
    out.databases.push_back({config, std::move(*other), {home(config)}, std::nullopt});
  }
  return out;
}

// Whose a file is: the database with the home that shares the most leading
// folders with it (project05/apps/api/src/teams.ts is project05/packages/db's);
// for no file, the first. Memoized by file: a repository's thousands of
// calls sit in far fewer files.
class Owners {
public:
  explicit Owners(const std::vector<PairedDatabase>& databases) : m_databases(databases) {}

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
  const std::vector<PairedDatabase>& m_databases;
  std::map<std::string, std::vector<std::size_t>> m_known;
};

// The project's code shared out among the databases: while database d's
// rules run, the project holds only d's query calls (a loop is judged
// against its own app's tables) and d's relations() (its Drizzle fixes
// follow its own app's relations); restore() puts all back in their order.
class CodeShares {
public:
  // `declares(d, table)`: whether database d's schema has a table of that
  // Drizzle variable; it settles a tie.
  CodeShares(model::Project& project, Owners& owners,
             const std::function<bool(std::size_t, const std::string&)>& declares)
      : m_project(project), m_calls(std::move(project.query_calls)),
        m_relations(std::move(project.drizzle_relations)) {
    project.query_calls.clear();
    project.drizzle_relations.clear();
    const auto owner = [&](const core::SourceLocation& location, const std::string& table) {
      const std::vector<std::size_t>& tied = owners.tied(location);
      const auto found =
          std::find_if(tied.begin(), tied.end(), [&](std::size_t d) { return declares(d, table); });
      return found != tied.end() ? *found : tied.front();
    };
    for (const model::QueryCall& call : m_calls) {
      m_call_owner.push_back(
          owner(call.loop_location.known() ? call.loop_location : call.location, call.table));
    }
    for (const model::DrizzleRelation& relation : m_relations) {
      m_relation_owner.push_back(owner(relation.location, relation.table));
    }
  }

  // Whether a loop of the calls lent now is at `location` (a finding of
  // the code this database was lent, though its file is as near to another).
  [[nodiscard]] bool holds_loop_at(const core::SourceLocation& location) const {
    return std::any_of(
        m_project.query_calls.begin(), m_project.query_calls.end(), [&](const model::QueryCall& call) {
          return call.loop_location.file == location.file && call.loop_location.line == location.line;
        });
  }
  CodeShares(const CodeShares&) = delete;
  CodeShares& operator=(const CodeShares&) = delete;
  CodeShares(CodeShares&&) = delete;
  CodeShares& operator=(CodeShares&&) = delete;
  ~CodeShares() { restore(); }

  void lend(std::size_t database) {
    give_back();
    for (std::size_t i = 0; i < m_calls.size(); ++i) {
      if (m_call_owner[i] == database) {
        m_project.query_calls.push_back(std::move(m_calls[i]));
      }
    }
    for (std::size_t i = 0; i < m_relations.size(); ++i) {
      if (m_relation_owner[i] == database) {
        m_project.drizzle_relations.push_back(m_relations[i]);
      }
    }
    m_lent = database;
  }

  void restore() {
    give_back();
    if (!m_restored) {
      m_project.query_calls = std::move(m_calls);
      m_project.drizzle_relations = std::move(m_relations);
      m_restored = true;
    }
  }

private:
  void give_back() {
    if (m_lent == std::string::npos) {
      return;
    }
    std::size_t next = 0;
    for (std::size_t i = 0; i < m_calls.size(); ++i) {
      if (m_call_owner[i] == m_lent) {
        m_calls[i] = std::move(m_project.query_calls[next++]);
      }
    }
    m_project.query_calls.clear();
    m_project.drizzle_relations.clear();
    m_lent = std::string::npos;
  }

  model::Project& m_project;
  std::vector<model::QueryCall> m_calls;
  std::vector<model::DrizzleRelation> m_relations;
  std::vector<std::size_t> m_call_owner;
  std::vector<std::size_t> m_relation_owner;
  std::size_t m_lent = std::string::npos;
  bool m_restored = false;
};

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
std::vector<model::Workload> share_workload(const model::Workload& workload,
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
  std::vector<model::Workload> out;
  for (std::size_t d = 0; d < catalogs.size(); ++d) {
    out.push_back(workload.share(
        [&](std::uint64_t fingerprint) {
          const auto found = owner.find(fingerprint);
          return (found != owner.end() ? found->second : whole_log) == d;
        },
        d == whole_log));
  }
  return out;
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

// One database's rules. Those that judge the project alone follow scripts,
// CI and containers across the whole tree, so they run on their own, with
// no severity floor, and this database keeps the findings located in its
// own projects' files: each is reported once, by the database whose
// project holds it, with that database's folder and commands, and only
// those are counted hidden below --min-severity.
engine::RunReport run_database_rules(const engine::RunInput& input, const core::Settings& settings,
                                     const RuleSplit& split, std::size_t database, Owners& owners,
                                     const CodeShares& shares) {
  engine::RunReport report = app::run_rules(input, settings, split.others);
  engine::RunInput alone_input = input;
  alone_input.diagnostics.clear(); // the first run reported them
  core::Settings every = settings;
  every.min_severity = core::Severity::info;
  engine::RunReport alone = app::run_rules(alone_input, every, split.project_alone);
  for (core::Finding& finding : alone.findings.vec()) {
    if (owners.of(finding.location) != database && !shares.holds_loop_at(finding.location)) {
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

// Each further database linted on its own, with every rule: its schema, and
// the project as its config sees it holding its own share of the code (the
// first database's run has already taken its share).
void lint_other_databases(LintRun& run, Pairing& pairing, const RuleSplit& split, CodeShares& shares,
                          Owners& owners, const std::vector<model::Workload>& workloads) {
  const SchemaSources& sources = run.sources;
  engine::RunReport& report = run.report;
  std::vector<std::string>& notes = run.load.notes;
  model::Project& project = run.sources.project;
  // The first database's Drizzle facts, put back once the others ran.
  const std::filesystem::path first_config = project.drizzle_config;
  const std::string first_out = project.drizzle_out;
  const std::vector<std::string> first_schema_paths = project.drizzle_schema_paths;
  const std::string first_casing = project.casing;
  const std::string first = loaders::display_path(sources.databases.front());
  tag_database(report.findings, 0, first, database_key(sources.databases.front(), project));
  for (std::size_t i = 1; i < sources.databases.size(); ++i) {
    const PairedConfig& paired = pairing.configs[i - 1];
    if (!paired.note.empty()) {
      notes.push_back(paired.note);
      continue;
    }
    PairedDatabase& database = pairing.databases[paired.database];
    const std::string config = loaders::display_path(database.config);
    loaders::SchemaLoad load =
        database.load ? std::move(*database.load) : app::load_schema(*database.sources);
    database.load.reset();
    run.other_migrations.push_back(load.replayed_files);
    run.other_databases.configs.push_back(config);
    count_schema(load.catalog, run.other_databases);
    for (const std::string& note : load.notes) {
      notes.push_back("database " + config + ": " + note);
    }
    see_as(project, database.sources->project);
    shares.lend(paired.database);
    engine::RunInput input;
    input.catalog = &load.catalog;
    input.project = &project;
    input.workload = workloads.empty() ? nullptr : &workloads[paired.database];
    input.diagnostics = load.diagnostics;
    input.other_schemas = &load.other_schemas;
    input.files_catalog = &load.catalog;
    input.suppressions = load.suppressions;
    engine::RunReport more = run_database_rules(input, run.settings, split, paired.database, owners, shares);
    const std::size_t from = report.findings.size();
    report.findings.insert(report.findings.end(), more.findings.begin(), more.findings.end());
    tag_database(report.findings, from, config, database_key(database.config, project));
    report.suppressed += more.suppressed;
    report.hidden += more.hidden;
  }
  project.drizzle_config = first_config;
  project.drizzle_out = first_out;
  project.drizzle_schema_paths = first_schema_paths;
  project.casing = first_casing;
  shares.restore();
}

// The workload read, shared out by the databases' schemas (all read now);
// none when no workload was read.
std::vector<model::Workload> database_workloads(const engine::RunInput& input, Pairing& pairing) {
  if (input.workload == nullptr) {
    return {};
  }
  std::vector<const model::Catalog*> catalogs = {input.catalog};
  for (std::size_t d = 1; d < pairing.databases.size(); ++d) {
    PairedDatabase& database = pairing.databases[d];
    if (!database.load) {
      database.load = app::load_schema(*database.sources);
    }
    catalogs.push_back(&database.load->catalog);
  }
  return share_workload(*input.workload, catalogs);
}

} // namespace

std::optional<core::Error> check_lint_inputs(LintRun& run, std::ostream& err) {
  engine::RunInput& input = run.input;
  input.catalog = &run.load.catalog;
  input.project = &run.sources.project;
  input.diagnostics = run.load.diagnostics;
  input.other_schemas = &run.load.other_schemas; // snapshot-drift
  input.files_catalog = &run.load.catalog; // stays the files' schema when --db makes the live one primary
  if (run.workload) {
    input.workload = &run.workload->workload;
    input.diagnostics.insert(input.diagnostics.end(), run.workload->diagnostics.begin(),
                             run.workload->diagnostics.end());
  }
  if (run.live) {
    LiveRun& live = *run.live;
    if (!live.pending_tables.empty() && live.catalog.drizzle_migrations) {
      mark_tables_pending_migrations_create(
          run.load.catalog, live.pending_tables,
          pending_migrations(run.load.replayed_files, *live.catalog.drizzle_migrations));
    }
    input.catalog = &live.catalog;
    input.workload = choose_workload(input.workload, live);
    input.diagnostics.insert(input.diagnostics.end(), live.diagnostics.begin(), live.diagnostics.end());
    analyze_live(run.options.live, live, input.workload, run.sources.project, err); // EXPLAIN, index advisor
    input.live_analysis = live.analysis ? &*live.analysis : nullptr;
  }
  input.suppressions = run.load.suppressions;
  // A folder of projects: each database's rules judge its own projects'
  // code, the first's included.
  std::optional<Pairing> pairing;
  std::optional<Owners> owners;
  std::optional<CodeShares> shares;
  if (run.sources.databases.size() > 1) {
    pairing.emplace(pair_databases(run.sources));
    owners.emplace(pairing->databases);
    // A file as near to several databases goes to the one whose schema has
    // the call's table; their schemas are read now, once, for that.
    const auto declares = [&run, &pairing](std::size_t d, const std::string& table) {
      PairedDatabase& database = pairing->databases[d];
      if (d != 0 && !database.load) {
        database.load = app::load_schema(*database.sources);
      }
      const model::Catalog& catalog = d == 0 ? run.load.catalog : database.load->catalog;
      return std::any_of(catalog.tables.begin(), catalog.tables.end(),
                         [&](const model::Table& t) { return t.property == table; });
    };
    shares.emplace(run.sources.project, *owners, declares);
    shares->lend(0);
  }
  if (pairing) {
    const std::vector<model::Workload> workloads = database_workloads(input, *pairing);
    engine::RunInput first = input;
    first.workload = workloads.empty() ? input.workload : &workloads.front();
    const RuleSplit split;
    run.report = run_database_rules(first, run.settings, split, 0, *owners, *shares);
    lint_other_databases(run, *pairing, split, *shares, *owners, workloads);
  } else {
    run.report = app::run_rules(input, run.settings);
  }
  if (run.load.catalog.source == model::SchemaSource::none && !run.live && !run.database_only) {
    run.load.notes.push_back("no schema found: only the project's scripts, CI and containers were linted");
  }
  if (run.live) {
    if (auto finished = finish_live(run.options.live, *run.live, run.report.findings, input.workload,
                                    run.sources.project);
        !finished) {
      return finished.error();
    }
  }
  // One finding per problem: after the live pass, whose plan evidence it merges too.
  app::consolidate_findings(run.report.findings,
                            run.live && run.live->analysis ? &*run.live->analysis : nullptr);
  if (run.options.show_literals && input.workload != nullptr) {
    add_literal_examples(run.report.findings, *input.workload);
  }
  return std::nullopt;
}

} // namespace pgadvise::app
