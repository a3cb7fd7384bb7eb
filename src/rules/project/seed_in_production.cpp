// seed-in-production: a seed script that deletes or truncates rows, reached
// from where the project deploys. Seed 004: "never run seed in production
// with data deletion" -- a seed that starts with TRUNCATE, DELETE FROM or
// drizzle-seed's reset() wipes the tables it fills, and on a deploy path it
// does that to production on every release.
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "model/project.hpp"
#include "rules/project/reach/deploy_env.hpp"
#include "rules/project/reach/push_reach.hpp"

#include <algorithm>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "seed-in-production";

const model::ProgramFile* program_of(const model::Project& project, const std::string& path) {
  for (const model::ProgramFile& program : project.programs) {
    if (program.path == path) {
      return &program;
    }
  }
  return nullptr;
}

bool seed_name(std::string_view name) {
  return core::to_lower(name).find("seed") != std::string::npos;
}

// Why the program counts as a seed: its name, drizzle-seed, or the script that runs it.
std::string seed_reason(const model::ProgramFile& program, const reach::PushReach& reach) {
  if (program.seed) {
    return program.seed_why;
  }
  for (const model::Script* script : reach.scripts) {
    if (seed_name(script->name)) {
      return "run by the script \"" + script->name + "\"";
    }
  }
  return {};
}

core::Finding make_finding(const reach::PushReach& reach, const model::ProgramFile& program,
                           const std::string& why_seed, const reach::Verdict& verdict,
                           core::Severity production) {
  core::Finding finding;
  finding.rule = std::string(k_id);
  finding.severity = reach::severity_for(verdict.env, production);
  finding.object.constraint = program.path;
  finding.location = reach.steps.front().location;
  std::vector<std::string> kinds;
  for (const model::DataDeletion& deletion : program.deletions) {
    if (std::find(kinds.begin(), kinds.end(), deletion.what) == kinds.end()) {
      kinds.push_back(deletion.what);
    }
  }
  const model::DataDeletion& first = program.deletions.front();
  finding.message = "seed script " + program.path + " (" + why_seed + ") deletes data (" +
                    core::join(kinds, ", ") + ", first at " + first.location.to_string() + ") and runs " +
                    std::string(verdict.never_runs ? "nowhere here" : reach::where_it_runs(verdict.env)) +
                    " (" + verdict.reason + "): " + reach::render_chain(reach.steps);
  finding.help = core::SharedText::fixed(
      verdict.env == reach::Env::production || verdict.env == reach::Env::staging ||
              verdict.env == reach::Env::unknown
          ? "Take the seed off the deployment path: run it by hand against development databases, "
            "and make it refuse to delete outside development (check NODE_ENV or the database "
            "URL first). Data a deployed app needs belongs in a migration that inserts it, not in "
            "a seed that empties tables first."
          : "A seed that empties tables is fine against a local or throwaway database; keep it "
            "off every path that reaches a shared one.");
  reach::add_chain_evidence(finding, reach);
  for (const model::DataDeletion& deletion : program.deletions) {
    finding.evidence.push_back(
        {core::Evidence::Kind::deletes, deletion.what + ": " + deletion.text, deletion.location});
  }
  reach::add_verdict_evidence(finding, verdict);
  finding.compute_fingerprint(reach::root_identity(reach) + "|" + program.path);
  return finding;
}

class SeedInProduction final : public engine::Rule {
public:
  SeedInProduction()
      : Rule({
            .id = std::string(k_id),
            .summary = "Seed script that deletes or truncates data, reached from a deployment path",
            .category = engine::Category::project,
            .default_severity = core::Severity::critical,
            .inputs = {engine::Input::project},
            .options = reach::env_name_options(),
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    if (context.project == nullptr) {
      return;
    }
    const model::Project& project = *context.project;
    const auto deleting = [&project](const model::Invocation& inv) {
      if (inv.kind != model::InvocationKind::run_program) {
        return false;
      }
      const model::ProgramFile* program = program_of(project, inv.target);
      return program != nullptr && !program->deletions.empty();
    };
    const reach::ReachTarget target{
        deleting, [](const model::Invocation& inv) { return "runs " + inv.target; }, "seed scripts"};
    const reach::EnvNames names = reach::env_names(context.options);
    std::vector<std::string> seen;
    for (const reach::PushReach& reach : reach::find_reaches(project, target)) {
      const model::ProgramFile* program = program_of(project, reach.target);
      if (program == nullptr) {
        continue;
      }
      const std::string why_seed = seed_reason(*program, reach);
      if (why_seed.empty()) {
        continue; // a program that deletes but is no seed (a cleanup job): not this rule's business
      }
      const reach::Verdict verdict = reach::classify(reach, project, names);
      // Only roots that deploy or may: a seed a developer runs by hand is what seeds are for.
      if (verdict.env == reach::Env::development || verdict.env == reach::Env::test) {
        continue;
      }
      reach::add_once(make_finding(reach, *program, why_seed, verdict, context.severity), seen, out);
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_seed_in_production() {
  return std::make_unique<SeedInProduction>();
}

} // namespace pgadvise::rules
