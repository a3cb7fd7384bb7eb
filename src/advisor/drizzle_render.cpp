#include "advisor/drizzle_render.hpp"

#include "advisor/drizzle_lines.hpp"
#include "core/json_string.hpp"
#include "core/text.hpp"
#include "model/project_graph.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <limits>

namespace pgadvise::advisor {

namespace {

bool is_js_identifier(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front())) != 0) {
    return false;
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0 && c != '_' && c != '$') {
      return false;
    }
  }
  return true;
}

namespace fs = std::filesystem;

// Config names drizzle-kit picks up without --config.
constexpr std::array<std::string_view, 4> k_default_config_names = {
    "drizzle.config.ts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.json"};

std::string run_script(const std::string& manager, const std::string& script) {
  if (manager == "npm" || manager == "bun") {
    return manager + " run " + script;
  }
  return manager + " " + script; // pnpm db:generate, yarn db:generate
}

// The drizzle.config `invocation` reads when run in `dir` (absolute): its
// --config, or the first default name found there.
fs::path config_read(const fs::path& dir, const std::string& config) {
  if (!config.empty()) {
    return (dir / config).lexically_normal();
  }
  std::error_code ec;
  for (std::string_view name : k_default_config_names) {
    if (fs::is_regular_file(dir / name, ec)) {
      return (dir / name).lexically_normal();
    }
  }
  return (dir / k_default_config_names.front()).lexically_normal();
}

// The `--config X` / `--config=X` of a command line that pgadvise could not
// split into invocations (`pnpm with-env drizzle-kit generate --config x`).
std::string config_in_text(std::string_view text) {
  const auto at = text.find("--config");
  if (at == std::string_view::npos) {
    return {};
  }
  std::size_t start = at + 8;
  while (start < text.size() && (text[start] == '=' || text[start] == ' ')) {
    ++start;
  }
  std::size_t stop = start;
  while (stop < text.size() && text[stop] != ' ' && text[stop] != '&' && text[stop] != ';') {
    ++stop;
  }
  std::string out(text.substr(start, stop - start));
  if (out.size() >= 2 && (out.front() == '"' || out.front() == '\'') && out.back() == out.front()) {
    out = out.substr(1, out.size() - 2);
  }
  return out;
}

// Whether `script` (of the package in `package_dir`, absolute) runs
// `drizzle-kit <verb>` with the config `config` (absolute): a package with
// one config per dialect has a generate script for each, and only the one
// reading this config applies to it.
bool script_runs(const model::Script& script, const fs::path& package_dir, std::string_view verb,
                 const fs::path& config, const fs::path& root) {
  const model::InvocationKind kind =
      verb == "generate" ? model::InvocationKind::drizzle_generate : model::InvocationKind::drizzle_migrate;
  bool split = false;
  for (const model::Invocation& invocation : script.command.invocations) {
    if (invocation.kind != kind) {
      continue;
    }
    split = true;
    const fs::path dir = invocation.package_dir.empty() ? package_dir : (root / invocation.package_dir);
    if (config_read(dir.lexically_normal(), invocation.config) == config) {
      return true;
    }
  }
  if (split) {
    return false;
  }
  // A command the scanner did not split (a wrapper script in front):
  // `drizzle-kit generate` in its text, but not `generate:sqlite`-style
  // variants of another dialect, nor a longer word.
  const std::string& text = script.command.text;
  const std::string needle = "drizzle-kit " + std::string(verb);
  const auto at = text.find(needle);
  if (at == std::string::npos) {
    return false;
  }
  const std::size_t end = at + needle.size();
  if (end != text.size() && text[end] != ' ' && text[end] != ':' && text[end] != '&' && text[end] != ';') {
    return false;
  }
  return config_read(package_dir, config_in_text(text.substr(end))) == config;
}

// The first script of `package` that runs `drizzle-kit <verb>` with `config`.
const model::Script* script_running(const model::Package& package, std::string_view verb,
                                    const fs::path& config, const fs::path& root) {
  const fs::path dir = (root / package.dir).lexically_normal();
  for (const model::Script& script : package.scripts) {
    if (script_runs(script, dir, verb, config, root)) {
      return &script;
    }
  }
  return nullptr;
}

// Whether a script's name says it applies migrations: a word starting
// "migrat" (migrate, migration:run, db:migrate, migrations:apply) and none
// that says it writes, drops or inspects them instead.
bool applies_migrations(std::string_view name) {
  static constexpr std::array<std::string_view, 15> k_other = {
      "generate", "gen",  "create", "new",   "make", "drop", "check", "status",
      "rollback", "down", "revert", "reset", "undo", "push", "studio"};
  std::string words = core::to_lower(name);
  std::replace_if(
      words.begin(), words.end(), [](char c) { return c == '-' || c == '_' || c == '.'; }, ':');
  bool migrates = false;
  for (const std::string& word : core::split(words, ':')) {
    if (std::find(k_other.begin(), k_other.end(), word) != k_other.end()) {
      return false;
    }
    migrates = migrates || word.rfind("migrat", 0) == 0;
  }
  return migrates;
}

// A script of `package` that applies the migrations with the app's own
// migrator (drizzle-orm's migrate() in a program: Dokploy's "migration:run"
// is `tsx -r dotenv/config migration.ts`): its name says it migrates and it
// runs a program. What the project runs beats a drizzle-kit migrate of ours.
const model::Script* migrator_script(const model::Package& package) {
  for (const model::Script& script : package.scripts) {
    const auto& invocations = script.command.invocations;
    if (applies_migrations(script.name) &&
        std::any_of(invocations.begin(), invocations.end(), [](const model::Invocation& inv) {
          return inv.kind == model::InvocationKind::run_program;
        })) {
      return &script;
    }
  }
  return nullptr;
}

// A path relative to the working directory when it is below it (as
// locations are shown), else as it is.
std::string shown_path(const fs::path& path) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (!ec) {
    const fs::path relative = path.lexically_normal().lexically_relative(cwd);
    if (!relative.empty() && *relative.begin() != "..") {
      return relative.generic_string();
    }
  }
  return path.lexically_normal().generic_string();
}

} // namespace

std::string drizzle_migration_commands(const model::Project& project) {
  std::string config_dir;
  std::string config_flag;
  fs::path config;
  if (!project.drizzle_config.empty()) {
    config = (project.drizzle_config.is_absolute() ? project.drizzle_config
                                                   : project.root / project.drizzle_config)
                 .lexically_normal();
    config_dir = config.parent_path().lexically_relative(project.root).generic_string();
    if (config_dir == ".") {
      config_dir.clear();
    }
    const std::string name = project.drizzle_config.filename().string();
    if (std::find(k_default_config_names.begin(), k_default_config_names.end(), name) ==
        k_default_config_names.end()) {
      config_flag = " --config " + name;
    }
  }
  // The scripts of the package holding the config (or of a package above
  // it: `apps/x` for `apps/x/server/db/drizzle.config.ts`) that run
  // drizzle-kit with this very config; run where they are declared.
  const model::Package* owner = model::package_for_dir(project, config_dir);
  const std::string manager = owner != nullptr ? owner->package_manager : std::string("npm");
  const model::Script* generate_script = nullptr;
  const model::Script* migrate_script = nullptr;
  const model::Package* scripts_of = nullptr;
  if (!config.empty()) {
    for (const model::Package* package = owner; package != nullptr && generate_script == nullptr;) {
      generate_script = script_running(*package, "generate", config, project.root);
      if (generate_script != nullptr) {
        migrate_script = script_running(*package, "migrate", config, project.root);
        if (migrate_script == nullptr) {
          migrate_script = migrator_script(*package);
        }
        scripts_of = package;
        break;
      }
      if (package->dir.empty()) {
        break;
      }
      const auto slash = package->dir.rfind('/');
      package =
          model::package_for_dir(project, slash == std::string::npos ? "" : package->dir.substr(0, slash));
    }
  }
  const auto cd_to = [](const std::string& dir) {
    return dir.empty() || dir.rfind("..", 0) == 0 ? std::string{} : "cd " + dir + " && ";
  };
  std::string generate = package_exec_prefix(manager) + " drizzle-kit generate" + config_flag;
  std::string migrate = package_exec_prefix(manager) + " drizzle-kit migrate" + config_flag;
  if (scripts_of != nullptr) {
    generate = run_script(scripts_of->package_manager, generate_script->name);
    if (migrate_script != nullptr) {
      migrate = run_script(scripts_of->package_manager, migrate_script->name);
    } else {
      // drizzle-kit run where the generate script runs it, with its config.
      const std::string relative =
          config.lexically_relative((project.root / scripts_of->dir).lexically_normal()).generic_string();
      migrate = package_exec_prefix(scripts_of->package_manager) + " drizzle-kit migrate" +
                (std::find(k_default_config_names.begin(), k_default_config_names.end(), relative) !=
                         k_default_config_names.end()
                     ? std::string()
                     : " --config " + relative);
    }
    return cd_to(scripts_of->dir) + generate + " && " + migrate;
  }
  return cd_to(config_dir) + generate + " && " + migrate;
}

std::string drizzle_file_for(const model::Table& table, const model::Project& project) {
  if (table.drizzle_location.known()) {
    return table.drizzle_location.file + (table.drizzle_location.line > 0
                                              ? ":" + std::to_string(table.drizzle_location.line)
                                              : std::string{});
  }
  std::vector<std::string> entries;
  for (const std::string& entry : project.drizzle_schema_paths) {
    entries.push_back(shown_path(project.root / entry));
  }
  return core::join(entries, ", ");
}

std::string package_exec_prefix(const std::string& manager) {
  if (manager == "pnpm") {
    return "pnpm exec";
  }
  if (manager == "yarn") {
    return "yarn";
  }
  if (manager == "bun") {
    return "bunx";
  }
  return "npx";
}

namespace {

// The column a Drizzle line rewrites (`createdAt: timestamp(...)`) when its
// table spreads it from a shared object of columns: that object's entry is
// what the line replaces, once for every table spreading it. Null for an
// index line (it goes in the table's own callback) or a table's own column.
const model::DrizzleSharedColumn* shared_column_of(const core::Finding& finding, const model::Table& table) {
  if (finding.object.columns.size() != 1) {
    return nullptr;
  }
  const model::Column* column = table.find_column(finding.object.columns.front());
  const model::DrizzleSharedColumn* shared = column != nullptr ? column->drizzle_shared() : nullptr;
  // An installed package's file is not the project's to edit: the table's line stays.
  if (shared == nullptr || column->property().empty() ||
      shared->location.file.str().find("node_modules/") != std::string::npos) {
    return nullptr;
  }
  const std::string& line = finding.fix->sql().drizzle.str();
  const std::string key = column->property() + ": ";
  if (line.rfind(key, 0) != 0) {
    return nullptr;
  }
  const std::string_view value = std::string_view(line).substr(key.size());
  for (std::string_view index : {"index(", "uniqueIndex(", "index()", "uniqueIndex()"}) {
    if (value.rfind(index, 0) == 0) {
      return nullptr;
    }
  }
  return shared;
}

} // namespace

DrizzleFixCompletion::DrizzleFixCompletion(const model::Catalog* catalog, const model::Project& project)
    : m_catalog(catalog), m_project(project),
      m_commands(project.uses_drizzle ? drizzle_migration_commands(project) : std::string()) {}

void DrizzleFixCompletion::complete(core::Finding& finding) const {
  if (!m_project.uses_drizzle || !finding.fix || finding.fix->code_text().empty()) {
    return;
  }
  const std::string schema = finding.object.schema.empty() ? std::string("public") : finding.object.schema;
  const model::Table* table =
      m_catalog != nullptr ? m_catalog->find_table(schema, finding.object.table) : nullptr;
  switch (finding.fix->kind()) {
  case core::FixKind::shell: break; // the commands are the fix: no schema file, no table
  case core::FixKind::code:
    // The rewrite goes where the rule found the code (or nowhere it
    // knows): only the table's Drizzle name is said, and there is no
    // migration to run.
    if (core::CodeChange& code = finding.fix->code(); table != nullptr && code.table.empty()) {
      code.table = table->property;
    }
    break;
  case core::FixKind::sql: {
    // A schema.ts edit: which file and table, then generate + migrate.
    core::SqlChange& fix = finding.fix->sql();
    if (table != nullptr) {
      if (const model::DrizzleSharedColumn* shared = shared_column_of(finding, *table);
          shared != nullptr && fix.drizzle_file.empty() && fix.drizzle_table.empty()) {
        fix.drizzle_file = shared->location.file + ":" + std::to_string(shared->location.line);
        fix.drizzle_table = shared->object;
      }
      if (fix.drizzle_file.empty()) {
        fix.drizzle_file = drizzle_file_for(*table, m_project);
      }
      if (fix.drizzle_table.empty()) {
        fix.drizzle_table = table->property;
      }
    }
    if (fix.commands.empty()) {
      fix.commands = m_commands;
    }
    break;
  }
  }
}

std::string js_string(std::string_view text) {
  return core::quote_json_string(text);
}

std::string drizzle_property(const model::Table& table, std::string_view column) {
  if (const model::Column* found = table.find_column(column);
      found != nullptr && !found->property().empty()) {
    return found->property();
  }
  return core::snake_to_camel(column);
}

std::string drizzle_column_builder(const model::Table& table, const model::Column& column,
                                   std::string_view builder, std::string_view options) {
  std::string arguments;
  const bool callback = !table.drizzle_column_param.empty();
  // A column schema.ts declares unnamed stays unnamed: its key (and the
  // casing) names it, and a name written in would only repeat that.
  if (!column.drizzle_unnamed && (!callback || drizzle_property(table, column.name) != column.name)) {
    arguments = js_string_for(column, column.name.str());
  }
  if (!options.empty()) {
    std::string written(options);
    if (column.drizzle_quote() == '\'') { // pgadvise's options hold plain "number"-like strings
      std::replace(written.begin(), written.end(), '"', '\'');
    }
    arguments += (arguments.empty() ? "" : ", ") + written;
  }
  const std::string call = std::string(builder) + "(" + arguments + ")";
  return callback ? table.drizzle_column_param.str() + "." + call : call;
}

namespace {

std::string js_string_in(char quote, std::string_view text) {
  if (quote != '\'') {
    return js_string(text);
  }
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "'";
}

} // namespace

std::string js_string_for(const model::Column& column, std::string_view text) {
  return js_string_in(column.drizzle_quote(), text);
}

char drizzle_quote(const model::Table& table) {
  for (const model::Column& column : table.columns) {
    if (column.drizzle_quote() != 0) {
      return column.drizzle_quote();
    }
  }
  return 0;
}

std::string js_string_for(const model::Table& table, std::string_view text) {
  return js_string_in(drizzle_quote(table), text);
}

bool has_drizzle_chain(const model::Column& column) {
  return column.drizzle_quote() != 0;
}

std::string drizzle_options_with(const model::Column& column, std::string_view key, std::string_view value) {
  const std::string option = std::string(key) + ": " + std::string(value);
  const std::string_view written = core::trim(column.drizzle_options());
  if (written.size() < 2 || written.front() != '{' || written.back() != '}') {
    return "{ " + option + " }";
  }
  // The options at the object's top level, split at its commas.
  std::vector<std::string> items;
  const std::string_view inner = written.substr(1, written.size() - 2);
  int depth = 0;
  char in_string = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= inner.size(); ++i) {
    const char c = i < inner.size() ? inner[i] : ',';
    if (in_string != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == in_string) {
        in_string = 0;
      }
    } else if (c == '\'' || c == '"' || c == '`') {
      in_string = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      if (const std::string_view item = core::trim(inner.substr(start, i - start)); !item.empty()) {
        items.emplace_back(item);
      }
      start = i + 1;
    }
  }
  bool found = false;
  for (std::string& item : items) {
    std::string_view name = core::trim(std::string_view(item).substr(0, item.find(':')));
    if (name.size() >= 2 && (name.front() == '\'' || name.front() == '"') && name.back() == name.front()) {
      name = name.substr(1, name.size() - 2);
    }
    if (name == key) {
      item = option;
      found = true;
    }
  }
  if (!found) {
    items.push_back(option);
  }
  return "{ " + core::join(items, ", ") + " }";
}

std::string drizzle_chain_or(const model::Column& column, std::string_view fallback) {
  return std::string(has_drizzle_chain(column) ? column.drizzle_chain() : fallback);
}

std::vector<ChainSegment> split_drizzle_chain(std::string_view chain) {
  std::vector<ChainSegment> out;
  int depth = 0;      // (), [], {}
  int angle = 0;      // $type<...> outside any call's arguments
  char in_string = 0; // the quote of the string the scan is in
  std::size_t start = std::string_view::npos;
  if (!chain.empty() && chain.front() != '.') { // ` as any` and the like: kept whole
    out.push_back({});
    start = 0;
  }
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const char c = chain[i];
    if (in_string != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == in_string) {
        in_string = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      in_string = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    } else if (depth == 0 && c == '<') {
      ++angle;
    } else if (depth == 0 && c == '>' && angle > 0) {
      --angle;
    } else if (depth == 0 && angle == 0 && c == '.') {
      if (start != std::string_view::npos) {
        out.back().text = std::string(chain.substr(start, i - start));
      }
      start = i;
      std::size_t end = i + 1;
      while (end < chain.size() && (std::isalnum(static_cast<unsigned char>(chain[end])) != 0 ||
                                    chain[end] == '_' || chain[end] == '$')) {
        ++end;
      }
      out.push_back({std::string(chain.substr(i + 1, end - i - 1)), {}});
    }
  }
  if (start != std::string_view::npos) {
    out.back().text = std::string(chain.substr(start));
  }
  return out;
}

std::string replace_chain_calls(std::string_view chain, const std::vector<std::string_view>& names,
                                std::string_view replacement, bool* found) {
  std::string out;
  bool replaced = false;
  for (const ChainSegment& segment : split_drizzle_chain(chain)) {
    if (std::find(names.begin(), names.end(), segment.name) == names.end()) {
      out += segment.text;
    } else if (!replaced) {
      out += replacement;
      replaced = true;
    }
  }
  if (found != nullptr) {
    *found = replaced;
  }
  return out;
}

namespace {

// The identity's options a bigint column keeps, in Drizzle's words: those
// that differ from what PostgreSQL (and drizzle-kit) would choose anyway,
// without a maximum that is only the old type's (or bigint's) own, which
// the widening is there to lift (drizzle-kit pull writes every option).
std::string identity_options(const model::Table& table, const model::Column& column) {
  if (column.sequence() == nullptr) {
    return {};
  }
  model::ColumnSequence sequence = *column.sequence();
  sequence.drop_defaults(table.name.str(), column.name.str());
  std::vector<std::string> options;
  if (!sequence.name.empty()) {
    options.push_back("name: " + js_string(sequence.name));
  }
  const std::vector<std::pair<std::string_view, std::optional<std::int64_t>>> numbers = {
      {"startWith", sequence.start},
      {"increment", sequence.increment},
      {"minValue", sequence.min_value},
      {"maxValue", sequence.max_value},
      {"cache", sequence.cache}};
  for (const auto& [key, value] : numbers) {
    if (value) {
      options.push_back(std::string(key) + ": " + std::to_string(*value));
    }
  }
  if (sequence.cycle) {
    options.emplace_back("cycle: true");
  }
  return options.empty() ? std::string() : "{ " + core::join(options, ", ") + " }";
}

} // namespace

std::string drizzle_identity_call(const model::Table& table, const model::Column& column) {
  return std::string(column.identity_always ? ".generatedAlwaysAsIdentity("
                                            : ".generatedByDefaultAsIdentity(") +
         identity_options(table, column) + ")";
}

std::string drizzle_member(std::string_view object, std::string_view property) {
  if (is_js_identifier(property)) {
    return std::string(object) + "." + std::string(property);
  }
  return std::string(object) + "[" + js_string(property) + "]";
}

std::string render_drizzle_index(const model::Table& table, const std::vector<std::string>& columns,
                                 std::string_view name) {
  // The name the table's extra-config callback gives its parameter, when
  // schema.ts was read; `table` (drizzle-kit's docs) otherwise.
  const std::string param =
      table.drizzle_config_param.empty() ? std::string("table") : table.drizzle_config_param.str();
  std::vector<std::string> members;
  members.reserve(columns.size());
  for (const std::string& column : columns) {
    members.push_back(drizzle_member(param, drizzle_property(table, column)));
  }
  // A file whose indexes are unnamed gets an unnamed one when drizzle-kit
  // would give it this very name (`<table>_<columns>_index`, not cut).
  const std::string kit_name = table.name.str() + "_" + core::join(columns, "_") + "_index";
  const bool unnamed = table.drizzle_unnamed_indexes && name == kit_name && kit_name.size() <= 63;
  std::string out = (unnamed ? std::string("index()") : "index(" + js_string_for(table, name) + ")") +
                    ".on(" + core::join(members, ", ") + ")";
  if (table.drizzle_config_object) {
    // The older object form's entries have keys, in the file's own style
    // (`pgadvise fix` writes the entry under this very key).
    out = drizzle_entry_key(table, columns, name) + ": " + out;
  }
  return out;
}

std::string_view index_suffix_for(const model::Table& table) {
  return table.drizzle_unnamed_indexes ? "index" : "idx";
}

std::string render_drizzle_removal(const model::Table& table, const model::Index& index) {
  std::string builder = "index";
  if (index.kind == model::IndexKind::unique_constraint) {
    builder = "unique";
  } else if (index.kind == model::IndexKind::primary_key) {
    builder = "primaryKey";
  } else if (index.unique) {
    builder = "uniqueIndex";
  }
  std::string out = "// remove from schema.ts: " + builder + "(" + js_string_for(table, index.name) + ")";
  if (!index.has_expressions() && !index.keys.empty()) {
    std::vector<std::string> members;
    const std::string param =
        table.drizzle_config_param.empty() ? std::string("table") : table.drizzle_config_param.str();
    for (const model::IndexKey& key : index.keys) {
      members.push_back(drizzle_member(param, drizzle_property(table, key.column)));
    }
    out += ".on(" + core::join(members, ", ") + ")";
  }
  return out;
}

} // namespace pgadvise::advisor
