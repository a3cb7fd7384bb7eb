// drizzle-push-in-production: `drizzle-kit push` reached from where a
// project deploys. The seeds: "push is for development; production uses
// generate + migrate" -- push applies the schema diff directly, with no
// reviewed migration and no history, and --force skips its data-loss prompt.
#include "advisor/drizzle_render.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "model/project.hpp"
#include "rules/support/push_reach.hpp"

#include <algorithm>
#include <optional>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "drizzle-push-in-production";

using rules::PushReach;

enum class Env { production, staging, development, test, unknown };

struct Verdict {
  Env env = Env::unknown;
  std::string reason;
  core::SourceLocation where;
};

bool has_word(const std::vector<std::string>& words, std::initializer_list<std::string_view> wanted) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
    return std::find(wanted.begin(), wanted.end(), w) != wanted.end();
  });
}

// Names a project gives its environments (the production-names,
// staging-names and development-names options; .pgadvise.toml's
// [environments]), checked before the built-in words.
struct EnvNames {
  std::vector<std::pair<Env, std::string>> names; // lower case
};

EnvNames env_names(const engine::RuleOptions& options) {
  EnvNames out;
  for (const auto& [env, option] :
       {std::pair{Env::production, "production-names"}, std::pair{Env::staging, "staging-names"},
        std::pair{Env::development, "development-names"}}) {
    for (const std::string& name : core::split(options.get(option), ',')) {
      if (!core::trim(name).empty()) {
        out.names.emplace_back(env, core::to_lower(core::trim(name)));
      }
    }
  }
  return out;
}

// What a name (job, file, stage, environment, script) says about its
// environment. Specific words beat generic ones: "deploy-staging" is staging.
std::optional<Env> env_of_name(std::string_view name, const EnvNames& project_names) {
  const std::vector<std::string> words = core::lower_words(name);
  const std::string lower = core::to_lower(name);
  for (const auto& [env, project_name] : project_names.names) {
    if (lower == project_name || std::find(words.begin(), words.end(), project_name) != words.end()) {
      return env;
    }
  }
  if (has_word(words, {"prod", "production", "prd", "live"})) {
    return Env::production;
  }
  if (has_word(words, {"staging", "stage", "stg", "preview", "previews", "uat", "qa", "review"})) {
    return Env::staging;
  }
  if (has_word(words, {"dev", "development", "develop", "local", "localhost", "watch", "sandbox"})) {
    return Env::development;
  }
  if (has_word(words,
               {"test", "tests", "testing", "ci", "e2e", "spec", "integration", "check", "checks", "pr"})) {
    return Env::test;
  }
  if (has_word(words, {"deploy", "deployment", "release", "publish", "ship"})) {
    return Env::production;
  }
  return std::nullopt;
}

std::optional<Env> env_of_value(std::string_view value) {
  const std::string lower = core::to_lower(value);
  if (lower == "production" || lower == "prod") {
    return Env::production;
  }
  if (lower == "staging") {
    return Env::staging;
  }
  if (lower == "development" || lower == "dev") {
    return Env::development;
  }
  if (lower == "test") {
    return Env::test;
  }
  return std::nullopt;
}

bool local_database_url(std::string_view value) {
  const std::string lower = core::to_lower(value);
  return lower.find("localhost") != std::string::npos || lower.find("127.0.0.1") != std::string::npos ||
         lower.find("@postgres:") != std::string::npos || lower.find("@postgres/") != std::string::npos ||
         lower.find("@db:") != std::string::npos || lower.find("@db/") != std::string::npos;
}

bool database_var(std::string_view name) {
  const std::string upper = core::to_lower(name);
  return upper.find("database") != std::string::npos || upper.find("db_url") != std::string::npos ||
         upper.find("postgres") != std::string::npos || upper.rfind("pg", 0) == 0;
}

struct Signals {
  std::vector<model::EnvVar> env; // the site's variables, then the chain's (unlocated)
};

Signals signals_of(const PushReach& reach) {
  Signals signals;
  const core::SourceLocation root =
      reach.steps.empty() ? core::SourceLocation{} : reach.steps.front().location;
  if (reach.site != nullptr) {
    signals.env = reach.site->context.env;
  }
  for (const std::string& var : reach.env) {
    const std::size_t eq = var.find(var.rfind("dotenv:", 0) == 0 ? ':' : '=');
    signals.env.push_back(
        {var.substr(0, eq), eq == std::string::npos ? std::string{} : var.substr(eq + 1), root});
  }
  return signals;
}

// Secrets and env files named for an environment: PROD_DATABASE_URL, .env.production.
std::optional<Verdict> by_variables(const Signals& signals, const EnvNames& project_names) {
  for (const model::EnvVar& var : signals.env) {
    if (var.name == "dotenv" || var.name == "env_file") {
      if (auto env = env_of_name(var.value, project_names)) {
        return Verdict{*env, "loads " + var.value, var.location};
      }
      continue;
    }
    if (core::to_lower(var.name).find("node_env") != std::string::npos) {
      continue;
    }
    for (const std::string& text : {var.name, var.value}) {
      const std::vector<std::string> words = core::lower_words(text);
      if (has_word(words, {"prod", "production", "prd"})) {
        return Verdict{Env::production, "uses " + (text == var.name ? var.name : var.value), var.location};
      }
      if (has_word(words, {"staging", "stg"})) {
        return Verdict{Env::staging, "uses " + (text == var.name ? var.name : var.value), var.location};
      }
    }
  }
  return std::nullopt;
}

// A throwaway database: a CI postgres service or a DATABASE_URL on localhost.
std::optional<Verdict> by_test_database(const PushReach& reach, const Signals& signals) {
  const bool ci = reach.site != nullptr && (reach.site->kind == model::SiteKind::github_actions ||
                                            reach.site->kind == model::SiteKind::gitlab_ci);
  const Env local = ci ? Env::test : Env::development;
  for (const model::EnvVar& var : signals.env) {
    if (database_var(var.name) && local_database_url(var.value)) {
      return Verdict{local, var.name + " points at a local database (" + var.value + ")", var.location};
    }
  }
  if (ci) {
    for (const std::string& service : reach.site->context.services) {
      const std::string lower = core::to_lower(service);
      if (lower.find("postgres") != std::string::npos || lower.find("postgis") != std::string::npos ||
          lower.find("timescale") != std::string::npos) {
        return Verdict{Env::test, "the job pushes to its own CI database (service " + service + ")",
                       reach.steps.front().location};
      }
    }
  }
  return std::nullopt;
}

std::optional<Verdict> by_node_env(const Signals& signals) {
  for (const model::EnvVar& var : signals.env) {
    const std::string name = core::to_lower(var.name);
    if (name == "node_env" || name == "app_env" || name == "environment" || name == "rails_env") {
      if (auto env = env_of_value(var.value)) {
        return Verdict{*env, var.name + "=" + var.value, var.location};
      }
    }
  }
  return std::nullopt;
}

std::optional<Verdict> by_triggers(const model::SiteContext& context, const core::SourceLocation& root) {
  for (const std::string& branch : context.branches) {
    const std::string lower = core::to_lower(branch);
    if (lower == "main" || lower == "master" || lower == "$ci_default_branch" ||
        lower.rfind("release", 0) == 0 || lower == "production" || lower == "prod" || lower == "live") {
      return Verdict{Env::production, "runs on pushes to " + branch, context.branches_location};
    }
  }
  for (const std::string& branch : context.branches) {
    const std::string lower = core::to_lower(branch);
    if (lower == "staging" || lower == "develop" || lower == "preview" || lower == "next") {
      return Verdict{Env::staging, "runs on pushes to " + branch, context.branches_location};
    }
    if (lower == "dev" || lower.rfind("feature", 0) == 0 || lower.rfind("feat/", 0) == 0) {
      return Verdict{Env::development, "runs on pushes to " + branch, context.branches_location};
    }
  }
  const auto has = [&context](std::string_view trigger) {
    return std::find(context.triggers.begin(), context.triggers.end(), trigger) != context.triggers.end();
  };
  if (has("tags") || has("release")) {
    return Verdict{Env::production, "runs on release tags",
                   context.branches_location.known() ? context.branches_location : root};
  }
  const bool pull_requests = has("pull_request") || has("merge_request") || has("merge_requests");
  if (pull_requests && !has("push")) {
    return Verdict{Env::test, "runs on pull requests only", root};
  }
  return std::nullopt;
}

std::optional<Verdict> by_names(const std::vector<model::NameHint>& names, const EnvNames& project_names) {
  for (const model::NameHint& hint : names) {
    if (auto env = env_of_name(hint.name, project_names)) {
      return Verdict{*env, hint.what + " \"" + hint.name + "\"", hint.location};
    }
  }
  return std::nullopt;
}

std::string deployed_by(const model::Project& project) {
  return project.deploy_configs.empty() ? std::string{} : project.deploy_configs.front();
}

// What a site is for when nothing more specific says so.
Verdict by_site_kind(const model::ExecutionSite& site, const model::Project& project,
                     const core::SourceLocation& root) {
  using model::SiteKind;
  switch (site.kind) {
  case SiteKind::dockerfile:
    if (site.label == "RUN") {
      return {Env::production, "RUN executes while the image is built", root};
    }
    if (site.context.final_stage) {
      return {Env::production, "the final stage's " + site.label + " runs when the container starts", root};
    }
    // A CMD/ENTRYPOINT of an earlier stage never runs in the shipped image.
    return {Env::development, site.label + " is not in the final stage: it runs only in builds with --target",
            root};
  case SiteKind::procfile:
    return {Env::production,
            site.label == "release" ? "the Procfile release phase runs on every deploy"
                                    : "the Procfile " + site.label + " process runs in production",
            root};
  case SiteKind::platform:
    if (site.label == "devCommand") {
      return {Env::development, "vercel devCommand runs `vercel dev`", root};
    }
    if (site.label == "release_command") {
      return {Env::production, "fly.toml release_command runs before each deploy", root};
    }
    return {Env::production, site.context.platform + " runs " + site.label + " on deploy", root};
  case SiteKind::package_script: {
    const std::string config = deployed_by(project);
    if (config.empty()) {
      return {Env::unknown,
              site.label + " runs wherever the app is installed or started; no deployment config found",
              root};
    }
    return {Env::production, site.label + " runs where the app is deployed (" + config + ")", root};
  }
  case SiteKind::compose: return {Env::unknown, "a docker compose service with no production marker", root};
  case SiteKind::github_actions:
  case SiteKind::gitlab_ci:
    return {Env::unknown, "no environment, branch filter or name says where this job runs", root};
  }
  return {Env::unknown, "", root};
}

std::vector<model::NameHint> chain_names(const PushReach& reach) {
  std::vector<model::NameHint> names;
  for (const model::Script* script : reach.scripts) {
    names.push_back({"script", script->name, script->command.location});
  }
  if (!reach.config.empty()) {
    names.push_back({"config", reach.config, reach.steps.back().location});
  }
  return names;
}

Verdict classify(const PushReach& reach, const model::Project& project, const EnvNames& project_names) {
  const core::SourceLocation root = reach.steps.front().location;
  const Signals signals = signals_of(reach);
  if (reach.site != nullptr) {
    const model::SiteContext& context = reach.site->context;
    if (!context.environment.empty()) {
      if (auto env = env_of_name(context.environment, project_names)) {
        return {*env, "environment \"" + context.environment + "\"", context.environment_location};
      }
    }
  }
  if (auto verdict = by_variables(signals, project_names)) {
    return *verdict;
  }
  if (auto verdict = by_test_database(reach, signals)) {
    return *verdict;
  }
  if (auto verdict = by_node_env(signals)) {
    return *verdict;
  }
  if (reach.site != nullptr) {
    if (auto verdict = by_triggers(reach.site->context, root)) {
      return *verdict;
    }
    if (auto verdict = by_names(reach.site->context.names, project_names)) {
      return *verdict;
    }
    if (auto verdict = by_names(chain_names(reach), project_names)) {
      return *verdict;
    }
    return by_site_kind(*reach.site, project, root);
  }
  std::vector<model::NameHint> names = chain_names(reach);
  if (reach.root_file != nullptr) {
    names.insert(names.begin(),
                 {reach.root_file->target.empty() ? "file" : "target",
                  reach.root_file->target.empty() ? reach.root_file->path : reach.root_file->target,
                  reach.root_file->location});
  }
  if (auto verdict = by_names(names, project_names)) {
    return *verdict;
  }
  return {Env::development, "nothing runs it: no deployment, CI job or lifecycle script calls it", root};
}

std::string_view to_string(Env env) {
  switch (env) {
  case Env::production: return "production";
  case Env::staging: return "staging";
  case Env::development: return "development";
  case Env::test: return "test";
  case Env::unknown: return "unknown";
  }
  return "unknown";
}

core::Severity severity_for(Env env, core::Severity production) {
  switch (env) {
  case Env::production: return production;
  case Env::staging: return core::Severity::medium;
  case Env::unknown: return core::Severity::low;
  case Env::development:
  case Env::test: return core::Severity::info;
  }
  return core::Severity::low;
}

// The project's own migrate script, if it has one.
const model::Script* migrate_script(const model::Package* package) {
  if (package == nullptr) {
    return nullptr;
  }
  for (const model::Script& script : package->scripts) {
    for (const model::Invocation& inv : script.command.invocations) {
      if (inv.kind == model::InvocationKind::drizzle_migrate) {
        return &script;
      }
    }
  }
  return nullptr;
}

// `npx drizzle-kit push:pg --force --config x` -> `npx drizzle-kit migrate --config x`.
std::string push_to_migrate(const std::string& text) {
  std::vector<std::string> out;
  bool after_kit = false;
  bool replaced = false;
  for (const std::string& word : core::split(text, ' ')) {
    if (word.empty() || word == "--force" || word == "--strict" || word == "--verbose") {
      continue;
    }
    if (after_kit && !replaced && word.rfind("push", 0) == 0) {
      out.emplace_back("migrate");
      replaced = true;
      continue;
    }
    after_kit = after_kit || word.find("drizzle-kit") != std::string::npos;
    out.push_back(word);
  }
  return core::join(out, " ");
}

// `pnpm --filter @acme/db db:push -- --force` -> `pnpm --filter @acme/db db:migrate`: the
// same runner and selectors, the migrate script instead, no forwarded --force.
std::string call_other_script(const std::string& call, const std::string& from, const std::string& to) {
  std::vector<std::string> out;
  for (const std::string& word : core::split(call, ' ')) {
    if (word.empty() || word == "--force") {
      continue;
    }
    out.push_back(word == from ? to : word);
  }
  while (!out.empty() && out.back() == "--") {
    out.pop_back();
  }
  return core::join(out, " ");
}

core::Fix make_fix(const PushReach& reach, const model::Project& project) {
  const std::string manager = reach.package != nullptr ? reach.package->package_manager : std::string("npm");
  const std::string config = reach.config.empty() ? std::string{} : " --config " + reach.config;
  const model::Script* migrate = migrate_script(reach.package);
  std::string replacement;
  if (reach.edit_is_script_call && migrate != nullptr && reach.push_script != nullptr) {
    replacement = call_other_script(reach.edit_text, reach.push_script->name, migrate->name);
  } else if (reach.edit_is_script_call) {
    replacement = advisor::package_exec_prefix(manager) + " drizzle-kit migrate" + config;
  } else {
    replacement = push_to_migrate(reach.edit_text);
  }
  core::Fix fix;
  fix.kind = core::FixKind::shell;
  fix.ddl = "# 1. In development, generate SQL migrations from the schema and commit them:\n" +
            advisor::package_exec_prefix(manager) + " drizzle-kit generate" + config + "\n" + "# 2. In " +
            reach.edit_location.to_string() + ", replace `" + reach.edit_text + "` with:\n" + replacement +
            "\n";
  const std::string out =
      project.drizzle_out.empty() ? std::string("the migrations folder") : project.drizzle_out;
  fix.safety_note =
      "drizzle-kit migrate applies only the committed SQL files in " + out +
      " and records each in __drizzle_migrations. A database built by push has no such history: "
      "apply the first generated migration to a copy of production (or mark it applied) before "
      "the first migrate there, and review generated migrations for drops and renames before "
      "committing.";
  return fix;
}

std::string object_name(const PushReach& reach) {
  if (reach.push_script != nullptr) {
    return reach.push_script->name;
  }
  if (!reach.scripts.empty()) {
    return reach.scripts.back()->name;
  }
  return reach.steps.back().location.file;
}

std::string root_identity(const PushReach& reach) {
  switch (reach.root) {
  case RootKind::site: return reach.site->file + "|" + reach.site->label;
  case RootKind::script: return reach.root_package->manifest + "|" + reach.root_script->name;
  case RootKind::command_file: return reach.root_file->path + "|" + reach.root_file->target;
  }
  return {};
}

core::Finding make_finding(const PushReach& reach, const Verdict& verdict, const model::Project& project,
                           core::Severity production) {
  core::Finding finding;
  finding.rule = std::string(k_id);
  finding.severity = severity_for(verdict.env, production);
  finding.object.constraint = object_name(reach);
  finding.location = reach.steps.front().location;
  const std::string chain = render_chain(reach.steps);
  std::string where;
  switch (verdict.env) {
  case Env::production: where = "against production"; break;
  case Env::staging: where = "against staging"; break;
  case Env::development: where = "in development"; break;
  case Env::test: where = "against a CI test database"; break;
  case Env::unknown: where = "where the target database is unknown"; break;
  }
  finding.message = "drizzle-kit push" + std::string(reach.force ? " --force" : "") + " runs " + where +
                    " (" + verdict.reason + "): " + chain;
  if (reach.force && (verdict.env == Env::production || verdict.env == Env::staging)) {
    finding.message +=
        "; --force skips drizzle-kit's data-loss prompt, so dropped columns and tables go unasked";
  }
  if (verdict.env == Env::development || verdict.env == Env::test) {
    finding.help = "push is fine for a local or throwaway database; keep it away from shared ones and use "
                   "drizzle-kit generate + migrate wherever the database outlives the run.";
  } else {
    finding.help =
        "push applies the schema diff straight to the database: no reviewed migration, no history, "
        "and renames can become drop + add. Generate migrations in development, commit them, and run "
        "drizzle-kit migrate here instead.";
  }
  for (const ChainStep& step : reach.steps) {
    finding.evidence.push_back({"chain", step.label, step.location});
  }
  finding.evidence.push_back(
      {"environment", std::string(to_string(verdict.env)) + ": " + verdict.reason, verdict.where});
  finding.fix = make_fix(reach, project);
  finding.compute_fingerprint(root_identity(reach) + "|" + reach.steps.back().location.file + "|" +
                              reach.push_text);
  return finding;
}

bool same_root(const PushReach& a, const PushReach& b) {
  return a.root == b.root && a.site == b.site && a.root_script == b.root_script && a.root_file == b.root_file;
}

// A lifecycle script that a deployment also runs (CMD npm start) is reported
// once, from the deployment, unless it is graver on its own.
bool covered_elsewhere(std::size_t i, const std::vector<PushReach>& reaches,
                       const std::vector<Verdict>& verdicts, core::Severity production) {
  const PushReach& reach = reaches[i];
  if (reach.site == nullptr || reach.site->kind != model::SiteKind::package_script || reach.scripts.empty()) {
    return false;
  }
  const model::Script* own = reach.scripts.front();
  for (std::size_t j = 0; j < reaches.size(); ++j) {
    if (j == i || same_root(reaches[j], reach)) {
      continue;
    }
    const auto& scripts = reaches[j].scripts;
    if (std::find(scripts.begin(), scripts.end(), own) != scripts.end() &&
        severity_for(verdicts[j].env, production) >= severity_for(verdicts[i].env, production)) {
      return true;
    }
  }
  return false;
}

class DrizzlePushInProduction final : public engine::Rule {
public:
  DrizzlePushInProduction()
      : Rule({
            .id = std::string(k_id),
            .summary = "drizzle-kit push is reached from a deployment, release step or CI job instead of "
                       "generate + migrate",
            .category = engine::Category::project,
            .default_severity = core::Severity::critical,
            .inputs = {engine::Input::project},
            .has_fix = true,
            .options =
                {{"production-names", "",
                  "Comma-separated names (environments, jobs, files, branches' words) that mean production"},
                 {"staging-names", "", "Comma-separated names that mean staging"},
                 {"development-names", "", "Comma-separated names that mean development"}},
        }) {}

  void check(const engine::RuleContext& context, std::vector<core::Finding>& out) const override {
    if (context.project == nullptr) {
      return;
    }
    const model::Project& project = *context.project;
    std::vector<model::ScanNote> notes;
    const std::vector<PushReach> reaches = find_push_reaches(project, &notes);
    for (const model::ScanNote& note : notes) {
      core::Finding finding;
      finding.rule = std::string(k_id);
      finding.severity = core::Severity::info;
      finding.message = note.message;
      finding.help = "pgadvise did not look past this call; check by hand what it runs.";
      finding.location = note.location;
      finding.compute_fingerprint("search-bound|" + note.location.file);
      out.push_back(std::move(finding));
    }
    std::vector<Verdict> verdicts;
    verdicts.reserve(reaches.size());
    const EnvNames project_names = env_names(context.options);
    for (const PushReach& reach : reaches) {
      verdicts.push_back(classify(reach, project, project_names));
    }
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < reaches.size(); ++i) {
      if (covered_elsewhere(i, reaches, verdicts, context.severity)) {
        continue;
      }
      core::Finding finding = make_finding(reaches[i], verdicts[i], project, context.severity);
      if (std::find(seen.begin(), seen.end(), finding.fingerprint) != seen.end()) {
        continue; // the same push reached twice from one root (pre/post hooks, repeated calls)
      }
      seen.push_back(finding.fingerprint);
      out.push_back(std::move(finding));
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_drizzle_push_in_production() {
  return std::make_unique<DrizzlePushInProduction>();
}

} // namespace pgadvise::rules
