#include "rules/project/reach/deploy_env.hpp"

#include "core/text.hpp"
#include "rules/project/reach/invocation_targets.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace pgadvise::rules::reach {

namespace {

bool has_word(const std::vector<std::string>& words, std::initializer_list<std::string_view> wanted) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
    return std::find(wanted.begin(), wanted.end(), w) != wanted.end();
  });
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
        {var.substr(0, eq), eq == std::string::npos ? std::string{} : var.substr(eq + 1), root, {}});
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

// The deployment config of the site's own checkout: the first inside the
// workspace its package.json belongs to, or in a folder above it (a root
// Dockerfile that copies app/). A folder of several projects has several,
// and one project's Dockerfile never deploys a sibling project's scripts.
std::string deployed_by(const model::Project& project, const model::ExecutionSite& site) {
  const auto parent = [](const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
  };
  const std::string workspace = workspace_dir(project, parent(site.file));
  for (const std::string& config : project.deploy_configs) {
    const std::string dir = parent(config);
    if (workspace.empty() || config.rfind(workspace + "/", 0) == 0 || dir.empty() ||
        workspace.rfind(dir + "/", 0) == 0) {
      return config;
    }
  }
  return {};
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
    const std::string config = deployed_by(project, site);
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

// --- Conditions on the way: shell if / case / && guards and CI `if:` ---

// `*` and `?` globs, as `case` and `[[ == ]]` match: the linear two-pointer
// match (a star remembers where to resume), so no pattern backtracks.
bool glob(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

bool holds(const model::Guard& guard, const std::string& value) {
  const bool matched = std::any_of(guard.values.begin(), guard.values.end(),
                                   [&](const std::string& pattern) { return glob(pattern, value); });
  return matched != guard.negated;
}

// What a value of a tested variable says: an environment name, a branch or a ref.
std::optional<Env> env_of_condition_value(std::string value, const EnvNames& project_names) {
  value = core::to_lower(value);
  if (value == "$ci_default_branch") {
    return Env::production;
  }
  if (value.rfind("refs/tags/", 0) == 0) {
    return Env::production;
  }
  if (value.rfind("refs/heads/", 0) == 0) {
    value = value.substr(11);
  }
  while (!value.empty() && (value.back() == '*' || value.back() == '/' || value.back() == '-')) {
    value.pop_back();
  }
  if (value.empty()) {
    return std::nullopt;
  }
  for (const auto& [env, name] : project_names.names) {
    if (value == name) {
      return env;
    }
  }
  if (auto env = env_of_value(value)) {
    return env;
  }
  if (value == "main" || value == "master" || value == "live" || value == "prd" ||
      value.rfind("release", 0) == 0) {
    return Env::production;
  }
  if (value == "develop" || value == "next" || value == "preview" || value == "stg" || value == "stage" ||
      value == "uat" || value == "qa") {
    return Env::staging;
  }
  if (value == "local" || value.rfind("feature", 0) == 0 || value.rfind("feat/", 0) == 0) {
    return Env::development;
  }
  if (value == "ci" || value == "e2e" || value == "testing") {
    return Env::test;
  }
  return std::nullopt;
}

// How grave an environment is, to pick the worst of several.
int rank(Env env) {
  switch (env) {
  case Env::production: return 4;
  case Env::staging: return 3;
  case Env::unknown: return 2;
  case Env::development: return 1;
  case Env::test: return 0;
  }
  return 2;
}

std::string location_text(const core::SourceLocation& where) {
  return where.known() ? " at " + where.to_string() : std::string{};
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i];
  }
  return out;
}

// A tested variable followed to what sets it: a CI `env:` that is another
// variable (ENVIRONMENT: ${{ inputs.environment }}), a fixed value, and the
// values it can take (a workflow_dispatch choice, a matrix, a branch filter).
struct Resolved {
  std::string variable;            // after following `env:` references
  std::vector<std::string> values; // empty when unknown
  std::string how;                 // "ENVIRONMENT is ${{ inputs.environment }} at x:3, ..."
  core::SourceLocation location;   // where the values come from
};

Resolved resolve(const std::string& tested, const PushReach& reach) {
  Resolved out;
  out.variable = tested;
  static const std::map<std::string, std::string> k_aliases = {{"GITHUB_REF_NAME", "github.ref_name"},
                                                               {"GITHUB_REF", "github.ref"},
                                                               {"GITHUB_HEAD_REF", "github.head_ref"}};
  std::vector<model::EnvVar> env;
  if (reach.site != nullptr) {
    env = reach.site->context.env;
  }
  const core::SourceLocation root =
      reach.steps.empty() ? core::SourceLocation{} : reach.steps.front().location;
  for (const std::string& var : reach.env) {
    const std::size_t eq = var.find('=');
    if (eq != std::string::npos && var.rfind("dotenv:", 0) != 0) {
      env.push_back({var.substr(0, eq), var.substr(eq + 1), root, {}});
    }
  }
  for (int hops = 0; hops < 8; ++hops) {
    // The last assignment wins: a step's env over its job's, the chain's over the site's.
    const auto it = std::find_if(env.rbegin(), env.rend(),
                                 [&](const model::EnvVar& var) { return var.name == out.variable; });
    if (it == env.rend()) {
      break;
    }
    if (!it->refers_to.empty()) {
      out.how +=
          (out.how.empty() ? "" : "; ") + out.variable + " is " + it->value + location_text(it->location);
      out.variable = it->refers_to;
      continue;
    }
    if (!it->value.empty() && it->value.find('$') == std::string::npos) {
      out.values = {it->value};
      out.how += (out.how.empty() ? "" : "; ") + out.variable + "=" + it->value + location_text(it->location);
      out.location = it->location;
      return out;
    }
    break;
  }
  if (const auto alias = k_aliases.find(out.variable); alias != k_aliases.end()) {
    out.variable = alias->second;
  }
  if (reach.site != nullptr) {
    for (const model::VariableDomain& domain : reach.site->context.domains) {
      if (domain.variable == out.variable && !domain.values.empty()) {
        out.values = domain.values;
        out.how += (out.how.empty() ? "" : "; ") + out.variable + " is " + quoted_list(domain.values) + " (" +
                   domain.source + location_text(domain.location) + ")";
        out.location = domain.location;
        break;
      }
    }
  }
  return out;
}

std::string describe(const model::Guard& guard) {
  return "`" + guard.text + "`" + location_text(guard.location);
}

// What the guards on one variable allow, as environments.
struct Reading {
  bool decided = false;
  bool never = false;
  Env env = Env::unknown; // the gravest environment the guards let through
  std::string reason;
  core::SourceLocation where;
};

Reading read_variable(const std::string& variable, const std::vector<const model::Guard*>& guards,
                      const Resolved& resolved, const EnvNames& project_names) {
  Reading reading;
  const auto decisive =
      std::find_if(guards.begin(), guards.end(), [](const model::Guard* g) { return !g->negated; });
  reading.where = (decisive != guards.end() ? *decisive : guards.front())->location;
  std::string conditions;
  for (const model::Guard* guard : guards) {
    conditions += (conditions.empty() ? "" : ", ") + describe(*guard);
  }
  const std::string context = resolved.how.empty() ? std::string{} : "; " + resolved.how;
  std::vector<std::string> candidates; // values the guards let through
  if (!resolved.values.empty()) {
    for (const std::string& value : resolved.values) {
      if (std::all_of(guards.begin(), guards.end(),
                      [&](const model::Guard* g) { return holds(*g, value); })) {
        candidates.push_back(value);
      }
    }
    if (candidates.empty()) {
      reading.decided = true;
      reading.never = true;
      reading.env = Env::development;
      reading.reason = "it never runs here: " + conditions + " never holds" + context;
      return reading;
    }
  } else {
    const auto positive =
        std::find_if(guards.begin(), guards.end(), [](const model::Guard* g) { return !g->negated; });
    if (positive == guards.end()) {
      // Only `!=` tests and no known values: not production when production is what they exclude.
      for (const model::Guard* guard : guards) {
        for (const std::string& value : guard->values) {
          if (env_of_condition_value(value, project_names) == Env::production) {
            reading.decided = true;
            reading.env = Env::development;
            reading.reason = "it runs only when " + variable;
            reading.reason += " is not " + value;
            reading.reason += ": " + conditions;
            reading.reason += context;
            return reading;
          }
        }
      }
      return reading;
    }
    for (const std::string& value : (*positive)->values) {
      if (std::all_of(guards.begin(), guards.end(), [&](const model::Guard* g) {
            return value.find_first_of("*?") != std::string::npos || holds(*g, value);
          })) {
        candidates.push_back(value);
      }
    }
    if (candidates.empty()) {
      reading.decided = true;
      reading.never = true;
      reading.env = Env::development;
      reading.reason = "it never runs: " + conditions + " cannot all hold";
      return reading;
    }
  }
  Env worst = Env::test;
  for (const std::string& value : candidates) {
    const std::optional<Env> env = env_of_condition_value(value, project_names);
    if (!env) {
      return reading; // a value that names no environment: cannot tell
    }
    worst = rank(*env) > rank(worst) ? *env : worst;
  }
  reading.decided = true;
  reading.env = worst;
  reading.reason =
      "it runs only when " + variable + " is " + quoted_list(candidates) + ": " + conditions + context;
  return reading;
}

struct GuardVerdicts {
  std::optional<Verdict> verdict;     // the most restrictive variable's reading
  std::optional<Verdict> environment; // `environment: ${{ inputs.environment }}` narrowed by the guards
  std::vector<model::Guard> undecided;
};

GuardVerdicts read_guards(const PushReach& reach, const EnvNames& project_names) {
  GuardVerdicts out;
  std::vector<model::Guard> guards;
  if (reach.site != nullptr) {
    guards = reach.site->context.guards;
  }
  guards.insert(guards.end(), reach.guards.begin(), reach.guards.end());
  // Grouped by the variable they test, after following `env:`.
  std::vector<std::pair<Resolved, std::vector<const model::Guard*>>> groups;
  for (const model::Guard& guard : guards) {
    if (guard.variable.empty()) {
      out.undecided.push_back(guard);
      continue;
    }
    Resolved resolved = resolve(guard.variable, reach);
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& g) { return g.first.variable == resolved.variable; });
    if (group == groups.end()) {
      groups.emplace_back(std::move(resolved), std::vector<const model::Guard*>{});
      group = groups.end() - 1;
    }
    group->second.push_back(&guard);
  }
  std::optional<Reading> best;
  for (const auto& [resolved, group] : groups) {
    const Reading reading = read_variable(group.front()->variable, group, resolved, project_names);
    if (!reading.decided) {
      for (const model::Guard* guard : group) {
        out.undecided.push_back(*guard);
      }
      continue;
    }
    // Every condition must hold: the most restrictive one decides.
    if (!best || reading.never || (!best->never && rank(reading.env) < rank(best->env))) {
      best = reading;
    }
  }
  if (best) {
    Verdict verdict(best->env, best->reason, best->where);
    verdict.never_runs = best->never;
    out.verdict = std::move(verdict);
  }
  if (reach.site != nullptr && !reach.site->context.environment_variable.empty()) {
    const model::SiteContext& context = reach.site->context;
    const Resolved resolved = resolve(context.environment_variable, reach);
    std::vector<const model::Guard*> same;
    for (const auto& [other, group] : groups) {
      if (other.variable == resolved.variable) {
        same = group;
      }
    }
    model::Guard environment;
    environment.variable = context.environment_variable;
    environment.values = {"*"};
    environment.text = "environment: " + context.environment;
    environment.location = context.environment_location;
    same.insert(same.begin(), &environment);
    if (!resolved.values.empty()) {
      const Reading reading = read_variable(context.environment_variable, same, resolved, project_names);
      if (reading.decided) {
        out.environment = Verdict(reading.env, "environment " + context.environment + ": " + reading.reason,
                                  context.environment_location);
        out.environment->never_runs = reading.never;
      }
    }
  }
  return out;
}

Verdict decide(const PushReach& reach, const model::Project& project, const EnvNames& project_names,
               const GuardVerdicts& guarded) {
  if (guarded.verdict && guarded.verdict->never_runs) {
    return *guarded.verdict;
  }
  const core::SourceLocation root = reach.steps.front().location;
  const Signals signals = signals_of(reach);
  if (reach.site != nullptr) {
    const model::SiteContext& context = reach.site->context;
    if (!context.environment.empty() && context.environment_variable.empty()) {
      if (auto env = env_of_name(context.environment, project_names)) {
        return {*env, "environment \"" + context.environment + "\"", context.environment_location};
      }
    }
  }
  if (guarded.verdict) {
    return *guarded.verdict;
  }
  if (guarded.environment) {
    return *guarded.environment;
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

} // namespace

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

std::vector<engine::RuleOption> env_name_options() {
  return {{"production-names", "",
           "Comma-separated names (environments, jobs, files, branches' words) that mean production"},
          {"staging-names", "", "Comma-separated names that mean staging"},
          {"development-names", "", "Comma-separated names that mean development"}};
}

Verdict classify(const PushReach& reach, const model::Project& project, const EnvNames& project_names) {
  GuardVerdicts guarded = read_guards(reach, project_names);
  Verdict verdict = decide(reach, project, project_names, guarded);
  verdict.undecided = std::move(guarded.undecided);
  return verdict;
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

void add_verdict_evidence(core::Finding& finding, const Verdict& verdict) {
  finding.evidence.push_back({core::Evidence::Kind::environment,
                              std::string(to_string(verdict.env)) + ": " + verdict.reason, verdict.where});
  for (const model::Guard& guard : verdict.undecided) {
    finding.evidence.push_back({core::Evidence::Kind::condition,
                                "cannot tell whether `" + guard.text + "` holds here; judged without it",
                                guard.location});
  }
}

std::string_view where_it_runs(Env env) {
  switch (env) {
  case Env::production: return "against production";
  case Env::staging: return "against staging";
  case Env::development: return "in development";
  case Env::test: return "against a CI test database";
  case Env::unknown: return "where the target database is unknown";
  }
  return "where the target database is unknown";
}

std::string root_identity(const PushReach& reach) {
  switch (reach.root) {
  case RootKind::site: return reach.site->file + "|" + reach.site->label;
  case RootKind::script: return reach.root_package->manifest + "|" + reach.root_script->name;
  case RootKind::command_file: return reach.root_file->path + "|" + reach.root_file->target;
  }
  return {};
}

void add_chain_evidence(core::Finding& finding, const PushReach& reach) {
  for (const ChainStep& step : reach.steps) {
    finding.evidence.push_back({core::Evidence::Kind::chain, step.label, step.location});
  }
}

void add_once(core::Finding finding, std::vector<std::string>& seen, core::FindingSink& out) {
  if (std::find(seen.begin(), seen.end(), finding.fingerprint) != seen.end()) {
    return;
  }
  seen.push_back(finding.fingerprint);
  out.push_back(std::move(finding));
}

} // namespace pgadvise::rules::reach
