#include "app/inputs/discovery.hpp"
#include "app/inputs/discovery_files.hpp"
#include "core/file.hpp"
#include "core/hash.hpp"
#include "core/stage_timings.hpp"
#include "core/text.hpp"
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/identifiers.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"
#include "loaders/sql/replay_cache.hpp"
#include "loaders/typescript/module_resolver.hpp"

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>

// load_schema: the catalog from the sources discovery found.
namespace pgadvise::app {

namespace fs = std::filesystem;
using namespace loaders;         // NOLINT(google-build-using-namespace)
using namespace discovery_files; // NOLINT(google-build-using-namespace)

namespace {

// The journal's first entry when it has a snapshot but no SQL file
// (drizzle-kit pull's baseline, or *.sql kept out of git): the replay starts
// from that snapshot instead of an empty schema.
struct Baseline {
  std::string tag;
  fs::path snapshot;
  fs::path journal;
};

std::optional<Baseline> find_baseline(const fs::path& dir) {
  const fs::path journal = dir / "meta" / "_journal.json";
  const auto text = core::read_file(journal);
  if (!text) {
    return std::nullopt;
  }
  const nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains("entries") || !parsed["entries"].is_array() ||
      parsed["entries"].empty() || !parsed["entries"][0].is_object()) {
    return std::nullopt;
  }
  const nlohmann::json& first = parsed["entries"][0];
  const std::string tag = first.value("tag", std::string{});
  if (tag.empty() || is_file(dir / (tag + ".sql")) || is_file(dir / tag / "migration.sql")) {
    return std::nullopt;
  }
  const std::size_t digits = tag.find_first_not_of("0123456789");
  const std::string prefix = tag.substr(0, digits == std::string::npos ? tag.size() : digits);
  const fs::path snapshot = dir / "meta" / (prefix + "_snapshot.json");
  if (prefix.empty() || !is_file(snapshot)) {
    return std::nullopt;
  }
  return Baseline{tag, snapshot, journal};
}

// Starts `load` from the baseline's snapshot, saying so once.
void start_from_baseline(const Baseline& baseline, SchemaLoad& load) {
  auto snapshot = load_drizzle_snapshot(baseline.snapshot);
  if (!snapshot) {
    load.notes.push_back("cannot start from the baseline snapshot: " + snapshot.error().to_string());
    return;
  }
  load.catalog = std::move(snapshot->catalog);
  load.diagnostics.push_back(make_diagnostic(
      k_replay_warning, core::Severity::low,
      "the journal's first migration \"" + baseline.tag +
          "\" has no SQL file; the replay starts from its snapshot " + display_path(baseline.snapshot),
      {display_path(baseline.journal), 0, 0},
      "A baseline made by drizzle-kit pull, or SQL files kept out of the repository: commit the SQL so "
      "the history can be replayed from an empty database."));
}

// What the schema line of every report adds when the files alter tables
// they never create (a lone migration file: loaders/sql/replay_assumed):
// "; taken as existing before the files: parcels, depots" (the first five,
// then how many more), so that a user sees without -v what was assumed.
std::string assumed_tables_phrase(const model::Catalog& catalog) {
  constexpr std::size_t k_named = 5;
  std::vector<std::string> names;
  std::size_t count = 0;
  for (const model::Table& table : catalog.tables) {
    if (table.assumed && count++ < k_named) {
      names.push_back(core::qualified_name(table.schema, table.name));
    }
  }
  if (count == 0) {
    return {};
  }
  std::string phrase = "; taken as existing before the files: " + core::join(names, ", ");
  if (count > k_named) {
    phrase += " and " + std::to_string(count - k_named) + " more";
  }
  return phrase;
}

// A .sql file of a drizzle-kit folder that meta/_journal.json does not list:
// drizzle-kit migrate never applies it, so neither does the replay. Said as a
// located finding, not only a -v note: hand-written migrations (RLS policies,
// indexes, a backfill) dropped into the folder without a journal entry never
// run, and every finding of this report is judged without them.
constexpr std::string_view k_unjournaled_help =
    "drizzle-kit migrate applies the journal's entries and nothing else. If the file should run, put "
    "its SQL in a migration the journal lists (drizzle-kit generate --custom writes an empty one); if "
    "it was applied by hand, the database has changes no migration records; if it is obsolete, delete "
    "it.";
// Up to this many unjournaled files are a finding each; more are one
// finding naming them all (a real app kept 23 hand-written files beside
// its journal: 23 report lines saying the same thing).
constexpr std::size_t k_unjournaled_each = 3;
// How many of them the grouped finding's message names.
constexpr std::size_t k_unjournaled_named = 3;

// One replay-warning for many unjournaled files of `dir`: the count and the
// first names in the message, every file as evidence (so the JSON keeps each
// path), located at the first file. Its fingerprint is the folder's, so a
// baseline keeps it when one more file is added.
core::Finding unjournaled_group(const fs::path& dir, const std::vector<fs::path>& files) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < files.size() && i < k_unjournaled_named; ++i) {
    names.push_back(files[i].filename().string());
  }
  std::string named = core::join(names, ", ");
  if (files.size() > names.size()) {
    named += " and " + std::to_string(files.size() - names.size()) + " more";
  }
  core::Finding finding = make_diagnostic(
      k_replay_warning, core::Severity::medium,
      std::to_string(files.size()) + " SQL files in " + shown_dir(dir) + " are not in meta/_journal.json (" +
          named +
          "): drizzle-kit migrate never applies them, so they were not replayed and nothing they create "
          "(tables, indexes, policies) is in the schema checked",
      {display_path(files.front()), 0, 0}, std::string(k_unjournaled_help));
  for (const fs::path& file : files) {
    finding.evidence.push_back({core::Evidence::Kind::ddl,
                                file.filename().string() + " is not in meta/_journal.json",
                                {display_path(file), 0, 0}});
  }
  const std::string folder = display_path(dir);
  finding.compute_fingerprint(
      core::FingerprintIdentity{.constraint = folder, .discriminator = "not in meta/_journal.json"});
  return finding;
}

void report_unjournaled(const fs::path& dir, const std::vector<fs::path>& files, SchemaLoad& load) {
  if (files.size() > k_unjournaled_each) {
    load.diagnostics.push_back(unjournaled_group(dir, files));
    return;
  }
  for (const fs::path& file : files) {
    load.diagnostics.push_back(make_diagnostic(
        k_replay_warning, core::Severity::medium,
        file.filename().string() +
            " is not in meta/_journal.json: drizzle-kit migrate never applies it, so it was not replayed "
            "and nothing it creates (tables, indexes, policies) is in the schema checked",
        {display_path(file), 0, 0}, std::string(k_unjournaled_help)));
  }
}

// What `load` holds before the SQL files are replayed into it (the notes
// and warnings on the folder, a baseline snapshot): a kept replay
// (ReplayCache) is of this start only.
std::uint64_t replay_start(const SchemaLoad& load, const std::optional<Baseline>& baseline) {
  std::uint64_t key = core::fnv1a64(core::join(load.notes, "\n"));
  for (const core::Finding& diagnostic : load.diagnostics) {
    key = core::fnv1a64(diagnostic.message, key);
  }
  if (baseline) {
    const auto snapshot = core::read_file(baseline->snapshot);
    key = core::fnv1a64(snapshot ? *snapshot : baseline->snapshot.string(), key);
  }
  return key;
}

// The SQL replay of the migrations folder and the explicit .sql files into
// `load`; false when there is no SQL.
bool load_sql(const SchemaSources& sources, SchemaLoad& load, ReplayCache* cache) {
  std::vector<fs::path> files;
  std::string description;
  if (sources.migrations_dir && count_sql_files(*sources.migrations_dir) > 0) {
    std::vector<fs::path> unjournaled;
    auto order = migration_order(*sources.migrations_dir, &load.notes, &unjournaled);
    report_unjournaled(*sources.migrations_dir, unjournaled, load);
    if (order) {
      files = std::move(*order);
      const bool journal = is_file(*sources.migrations_dir / "meta" / "_journal.json");
      description = "SQL replay of " + shown_dir(*sources.migrations_dir) + " (" +
                    core::plural(files.size(), "migration") +
                    (journal ? ", journal order)" : ", file name order)");
    } else {
      load.notes.push_back(order.error().to_string());
    }
  }
  if (!sources.sql_files.empty()) {
    const std::string extra = sources.sql_files.size() == 1
                                  ? display_path(sources.sql_files.front())
                                  : core::plural(sources.sql_files.size(), "SQL file");
    description = description.empty() ? "SQL replay of " + extra : description + " and " + extra;
    files.insert(files.end(), sources.sql_files.begin(), sources.sql_files.end());
  }
  if (files.empty()) {
    return false;
  }
  std::optional<Baseline> baseline;
  if (sources.migrations_dir) {
    baseline = find_baseline(*sources.migrations_dir);
    if (baseline) {
      start_from_baseline(*baseline, load);
    }
  }
  if (cache != nullptr) {
    cache->replay(files, replay_start(load, baseline), load);
  } else {
    replay_sql_files(files, load);
  }
  load.catalog.source = model::SchemaSource::sql_replay;
  load.catalog.source_description = description + assumed_tables_phrase(load.catalog);
  std::string note = "schema source: " + description;
  if (sources.snapshot) {
    note += "; snapshot " + display_path(*sources.snapshot) +
            " not used because SQL migrations are present (snapshot-drift compares it)";
  }
  load.notes.push_back(std::move(note));
  return true;
}

// The newest snapshot as the schema into `load`; false when there is none
// or it cannot be used (a located parse-error then says why).
bool load_snapshot(const SchemaSources& sources, SchemaLoad& load) {
  if (!sources.snapshot) {
    return false;
  }
  auto snapshot = load_drizzle_snapshot(*sources.snapshot);
  if (!snapshot) {
    load.notes.push_back("cannot use drizzle-kit snapshot: " + snapshot.error().to_string());
    load.diagnostics.push_back(make_diagnostic(k_parse_error, core::Severity::high, snapshot.error().message,
                                               snapshot.error().location));
    return false;
  }
  SchemaLoad out = std::move(*snapshot);
  out.notes.insert(out.notes.begin(), load.notes.begin(), load.notes.end());
  out.diagnostics.insert(out.diagnostics.begin(), load.diagnostics.begin(), load.diagnostics.end());
  out.notes.push_back("schema source: " + out.catalog.source_description + " (no SQL migrations found)");
  load = std::move(out);
  return true;
}

// Copies what the Drizzle schema knows -- variable and property names, where
// each table is declared -- onto a catalog built from SQL or a snapshot,
// matching tables, columns and indexes by name.
void adopt_drizzle_names(model::Catalog& catalog, const model::Catalog& drizzle) {
  for (model::Table& table : catalog.tables) {
    const model::Table* declared = drizzle.find_table(table.schema, table.name);
    if (declared == nullptr) {
      continue;
    }
    loaders::adopt_drizzle_facts(table, *declared);
  }
}

// The monorepo the schema files lie in, for following their imports: the
// packages the project scan listed when the scan covered it, else a walk
// of the monorepo's own root (a drizzle.config in one app of it).
ts::Workspace workspace_of(const SchemaSources& sources) {
  fs::path root = ts::find_workspace_root(sources.schema_ts.front());
  std::error_code ec;
  // Without a trailing separator: "." is "/abs/root/." before lexically_normal.
  const fs::path project_root =
      (fs::absolute(sources.project.root, ec) / "").lexically_normal().parent_path();
  // No monorepo above the schema (the search gave the schema's own folder):
  // the project's root bounds the tsconfig.json search instead, so the
  // `paths` aliases of its tsconfig (`@/db/helpers`) resolve.
  const fs::path entry_dir = fs::absolute(sources.schema_ts.front(), ec).lexically_normal().parent_path();
  const auto [inside, rest] =
      std::mismatch(project_root.begin(), project_root.end(), entry_dir.begin(), entry_dir.end());
  if (root == entry_dir && inside == project_root.end() && project_root != entry_dir) {
    root = project_root;
  }
  if (sources.project.packages.empty() || root != project_root) {
    return ts::find_workspace(root);
  }
  ts::Workspace workspace;
  workspace.root = root;
  workspace.complete = true; // the scan read every package.json below the root
  for (const model::Package& package : sources.project.packages) {
    if (!package.name.empty()) {
      workspace.packages.push_back({package.name, (root / package.dir).lexically_normal()});
    }
  }
  return workspace;
}

} // namespace

SchemaLoad load_schema(const SchemaSources& sources, const KeptLoads& kept) {
  const core::StageTimer timer(core::Stage::schema_replay);
  // The SQL replay on a thread of its own while schema.ts is read: the two
  // share nothing until the names are adopted, and the language server's
  // keystroke in a 10,000-table schema.ts waited for both in turn (the
  // kept replay's copy, 15 to 25 ms). Without a schema.ts it runs here, when
  // waited for: on a thread of its own, the catalog it builds went to
  // another malloc arena, 1 to 2 MB more at 100,000 tables for nothing. The
  // future waits for it whatever happens.
  SchemaLoad load;
  std::future<bool> sql_read =
      std::async(sources.schema_ts.empty() ? std::launch::deferred : std::launch::async,
                 [&sources, &load, &kept] { return load_sql(sources, load, kept.replay); });
  std::optional<SchemaLoad> drizzle;
  if (!sources.schema_ts.empty()) {
    ts::ModuleResolver resolver(workspace_of(sources));
    drizzle = kept.schema_ts != nullptr ? kept.schema_ts->load(sources.schema_ts, sources.project.casing,
                                                               sources.drizzle_kit_1, &resolver)
                                        : load_drizzle_schema(sources.schema_ts, sources.project.casing,
                                                              sources.drizzle_kit_1, &resolver);
    truncate_identifiers(drizzle->catalog); // as the database would keep its names
    const bool any_callback =
        std::any_of(drizzle->catalog.tables.begin(), drizzle->catalog.tables.end(),
                    [](const model::Table& t) { return !t.drizzle_config_param.empty(); });
    if (sources.drizzle_object_config && !any_callback) {
      for (model::Table& table : drizzle->catalog.tables) {
        table.drizzle_config_object = true; // drizzle-orm before 0.36 takes no other form
      }
    }
  }
  if (sql_read.get()) {
    // The snapshot is not the schema, but snapshot-drift compares it.
    if (sources.snapshot) {
      if (auto snapshot = load_drizzle_snapshot(*sources.snapshot)) {
        load.other_schemas.push_back(std::move(snapshot->catalog));
      } else {
        load.notes.push_back("cannot compare with drizzle-kit snapshot: " + snapshot.error().to_string());
      }
    }
  } else if (!load_snapshot(sources, load) && !drizzle) {
    // Nothing to load: the discovery notes say where pgadvise looked.
    load.notes.insert(load.notes.end(), sources.notes.begin(), sources.notes.end());
    load.notes.push_back("no schema source: no SQL migrations, .sql files, drizzle-kit snapshot or Drizzle "
                         "schema file were found");
    return load;
  }

  if (!drizzle) {
    return load;
  }
  if (load.catalog.source == model::SchemaSource::none) {
    // A push-only project: schema.ts is the schema, every finding located in it.
    SchemaLoad out = std::move(*drizzle);
    out.notes.insert(out.notes.begin(), load.notes.begin(), load.notes.end());
    out.diagnostics.insert(out.diagnostics.begin(), load.diagnostics.begin(), load.diagnostics.end());
    out.notes.push_back("schema source: " + out.catalog.source_description +
                        " (no SQL migrations or drizzle-kit snapshot found)");
    return out;
  }
  adopt_drizzle_names(load.catalog, drizzle->catalog);
  // Its pgadvise-ignore comments still silence findings located in it.
  load.suppressions.merge(drizzle->suppressions);
  const std::size_t unresolved = drizzle->unresolved_constructs;
  load.notes.push_back(drizzle->catalog.source_description +
                       " read for Drizzle property names and compared by snapshot-drift" +
                       (unresolved == 0
                            ? std::string{}
                            : "; " + core::plural(unresolved, "construct") + " it could not resolve"));
  load.other_schemas.push_back(std::move(drizzle->catalog));
  return load;
}

} // namespace pgadvise::app
