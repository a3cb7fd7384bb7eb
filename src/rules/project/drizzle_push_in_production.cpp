// drizzle-push-in-production: `drizzle-kit push` reached from where a
// project deploys. The seeds: "push is for development; production uses
// generate + migrate" -- push applies the schema diff directly, with no
// reviewed migration and no history, and --force skips its data-loss prompt.
#include "advisor/drizzle_render.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "model/project.hpp"
#include "rules/project/reach/deploy_env.hpp"
#include "rules/project/reach/push_reach.hpp"

#include <algorithm>
#include <optional>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "drizzle-push-in-production";

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

core::Fix make_fix(const reach::PushReach& reach, const model::Project& project) {
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
  fix.change = core::ShellChange{
      "# 1. In development, generate SQL migrations from the schema and commit them:\n" +
      advisor::package_exec_prefix(manager) + " drizzle-kit generate" + config + "\n" + "# 2. In " +
      reach.edit_location.to_string() + ", replace `" + reach.edit_text + "` with:\n" + replacement + "\n"};
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

std::string object_name(const reach::PushReach& reach) {
  if (reach.push_script != nullptr) {
    return reach.push_script->name;
  }
  if (!reach.scripts.empty()) {
    return reach.scripts.back()->name;
  }
  return reach.steps.back().location.file;
}

core::Finding make_finding(const reach::PushReach& reach, const reach::Verdict& verdict,
                           const model::Project& project, core::Severity production) {
  core::Finding finding;
  finding.rule = std::string(k_id);
  finding.severity = reach::severity_for(verdict.env, production);
  finding.object.constraint = object_name(reach);
  finding.location = reach.steps.front().location;
  const std::string chain = reach::render_chain(reach.steps);
  finding.message = "drizzle-kit push" + std::string(reach.force ? " --force" : "") +
                    (verdict.never_runs ? " is reached but never runs here"
                                        : " runs " + std::string(reach::where_it_runs(verdict.env))) +
                    " (" + verdict.reason + "): " + chain;
  if (reach.force && (verdict.env == reach::Env::production || verdict.env == reach::Env::staging)) {
    finding.message +=
        "; --force skips drizzle-kit's data-loss prompt, so dropped columns and tables go unasked";
  }
  if (verdict.env == reach::Env::development || verdict.env == reach::Env::test) {
    finding.help = "push is fine for a local or throwaway database; keep it away from shared ones and use "
                   "drizzle-kit generate + migrate wherever the database outlives the run.";
  } else {
    finding.help =
        "push applies the schema diff straight to the database: no reviewed migration, no history, "
        "and renames can become drop + add. Generate migrations in development, commit them, and run "
        "drizzle-kit migrate here instead.";
  }
  reach::add_chain_evidence(finding, reach);
  reach::add_verdict_evidence(finding, verdict);
  finding.fix = make_fix(reach, project);
  finding.compute_fingerprint(reach::root_identity(reach) + "|" + reach.steps.back().location.file + "|" +
                              reach.push_text);
  return finding;
}

bool same_root(const reach::PushReach& a, const reach::PushReach& b) {
  return a.root == b.root && a.site == b.site && a.root_script == b.root_script && a.root_file == b.root_file;
}

// A lifecycle script that a deployment also runs (CMD npm start) is reported
// once, from the deployment, unless it is graver on its own.
bool covered_elsewhere(std::size_t i, const std::vector<reach::PushReach>& reaches,
                       const std::vector<reach::Verdict>& verdicts, core::Severity production) {
  const reach::PushReach& reach = reaches[i];
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
        reach::severity_for(verdicts[j].env, production) >=
            reach::severity_for(verdicts[i].env, production)) {
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
            .options = reach::env_name_options(),
            .fix_edit = engine::FixEdit::push_command,
            .fix_applicability = core::FixApplicability::safe,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    if (context.project == nullptr) {
      return;
    }
    const model::Project& project = *context.project;
    std::vector<model::ScanNote> notes;
    const std::vector<reach::PushReach> reaches = reach::find_push_reaches(project, &notes);
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
    std::vector<reach::Verdict> verdicts;
    verdicts.reserve(reaches.size());
    const reach::EnvNames project_names = reach::env_names(context.options);
    for (const reach::PushReach& reach : reaches) {
      verdicts.push_back(reach::classify(reach, project, project_names));
    }
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < reaches.size(); ++i) {
      if (covered_elsewhere(i, reaches, verdicts, context.severity)) {
        continue;
      }
      reach::add_once(make_finding(reaches[i], verdicts[i], project, context.severity), seen, out);
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_drizzle_push_in_production() {
  return std::make_unique<DrizzlePushInProduction>();
}

} // namespace pgadvise::rules
