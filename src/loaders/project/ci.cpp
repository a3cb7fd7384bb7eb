// GitHub Actions workflows and GitLab CI: the jobs' commands and what tells
// where a job deploys (environment, branch filters, names, variables, services).
#include "core/text.hpp"
#include "loaders/project/conditions.hpp"
#include "loaders/project/context.hpp"
#include "loaders/project/yaml.hpp"

#include <algorithm>
#include <array>

namespace pgadvise::loaders::scan {

namespace {

using yaml::Node;

// A `run:` / `script:` value: a scalar (each of its lines a command) or a list of them.
void commands_from(const Node& node, const std::string& file, ShellState& state,
                   std::vector<model::Command>& out) {
  if (node.is_scalar()) {
    for (model::Command& command : parse_script_text(node.scalar, file, node.line, state)) {
      out.push_back(std::move(command));
    }
    return;
  }
  for (const Node& item : node.items) {
    commands_from(item, file, state, out);
  }
}

void add_env(const Node* env, const std::string& file, std::vector<model::EnvVar>& out) {
  if (env == nullptr) {
    return;
  }
  for (const yaml::Entry& var : env->entries) {
    const std::string value = var.value.is_scalar() ? var.value.scalar : var.value.get_scalar("value");
    out.push_back({var.key, value, {file, var.line, 0}, variable_of(value)});
  }
  for (const Node& item : env->items) { // - KEY=value
    const std::size_t eq = item.scalar.find('=');
    if (eq != std::string::npos) {
      const std::string value = item.scalar.substr(eq + 1);
      out.push_back({item.scalar.substr(0, eq), value, {file, item.line, 0}, variable_of(value)});
    }
  }
}

std::vector<std::string> scalars(const Node* node) {
  std::vector<std::string> out;
  if (node == nullptr) {
    return out;
  }
  if (node->is_scalar() && !node->scalar.empty()) {
    out.push_back(node->scalar);
  }
  for (const Node& item : node->items) {
    if (item.is_scalar()) {
      out.push_back(item.scalar);
    }
  }
  return out;
}

void set_environment(const Node* environment, const std::string& file, model::SiteContext& context) {
  if (environment == nullptr) {
    return;
  }
  context.environment = environment->is_scalar() ? environment->scalar : environment->get_scalar("name");
  context.environment_location = {file, environment->line, 0};
  context.environment_variable = variable_of(context.environment);
}

// --- GitHub Actions ---

// `workflow_dispatch: inputs: environment: {type: choice, options: [...]}`: the values the input can take.
void read_inputs(const Node* inputs, const std::string& file, model::SiteContext& base) {
  if (inputs == nullptr) {
    return;
  }
  for (const yaml::Entry& input : inputs->entries) {
    const Node* options = input.value.get("options");
    if (options == nullptr || !options->is_seq()) {
      continue;
    }
    base.domains.push_back({"inputs." + input.key,
                            scalars(options),
                            "the workflow_dispatch choice \"" + input.key + "\"",
                            {file, options->line, 0}});
  }
}

// A workflow that only runs on pushes to some branches: github.ref_name is one of them.
void branch_domain(model::SiteContext& base) {
  if (base.branches.empty() || base.triggers != std::vector<std::string>{"push"}) {
    return;
  }
  if (std::any_of(base.branches.begin(), base.branches.end(), [](const std::string& branch) {
        return branch.find_first_of("*!?[") != std::string::npos;
      })) {
    return;
  }
  std::vector<std::string> refs;
  for (const std::string& branch : base.branches) {
    refs.push_back("refs/heads/" + branch);
  }
  base.domains.push_back({"github.ref_name", base.branches, "the branch filter", base.branches_location});
  base.domains.push_back({"github.ref", refs, "the branch filter", base.branches_location});
}

// `strategy: matrix: env: [dev, prod]` (and `include:` entries): the values of matrix.env.
void read_matrix(const Node* job, const std::string& file, model::SiteContext& context) {
  const Node* strategy = job->get("strategy");
  const Node* matrix = strategy != nullptr ? strategy->get("matrix") : nullptr;
  if (matrix == nullptr || !matrix->is_map()) {
    return;
  }
  for (const yaml::Entry& axis : matrix->entries) {
    if (axis.key == "include" || axis.key == "exclude" || !axis.value.is_seq()) {
      continue;
    }
    context.domains.push_back(
        {"matrix." + axis.key, scalars(&axis.value), "the matrix", {file, axis.line, 0}});
  }
  if (const Node* include = matrix->get("include")) {
    for (const Node& item : include->items) {
      for (const yaml::Entry& entry : item.entries) {
        if (!entry.value.is_scalar()) {
          continue;
        }
        auto domain =
            std::find_if(context.domains.begin(), context.domains.end(),
                         [&](const model::VariableDomain& d) { return d.variable == "matrix." + entry.key; });
        if (domain == context.domains.end()) {
          context.domains.push_back({"matrix." + entry.key, {}, "the matrix", {file, entry.line, 0}});
          domain = context.domains.end() - 1;
        }
        if (std::find(domain->values.begin(), domain->values.end(), entry.value.scalar) ==
            domain->values.end()) {
          domain->values.push_back(entry.value.scalar);
        }
      }
    }
  }
}

// `if:` on a job or a step.
void read_if(const Node& owner, const std::string& file, model::SiteContext& context) {
  const Node* condition = owner.get("if");
  if (condition == nullptr || !condition->is_scalar()) {
    return;
  }
  for (model::Guard& guard : parse_ci_expression(condition->scalar, {file, condition->line, 0})) {
    context.guards.push_back(std::move(guard));
  }
}

void read_triggers(const Node& root, const std::string& file, model::SiteContext& base) {
  const Node* on = root.get("on");
  if (on == nullptr) {
    on = root.get("true"); // YAML 1.1 readers turn `on` into true; writers sometimes quote it so
  }
  if (on == nullptr) {
    return;
  }
  for (const std::string& trigger : scalars(on)) {
    base.triggers.push_back(trigger);
  }
  for (const yaml::Entry& entry : on->entries) {
    base.triggers.push_back(entry.key);
    if (entry.key == "workflow_dispatch" || entry.key == "workflow_call") {
      read_inputs(entry.value.get("inputs"), file, base);
    }
    if (entry.key != "push") {
      continue;
    }
    if (const Node* branches = entry.value.get("branches")) {
      base.branches = scalars(branches);
      base.branches_location = {file, branches->line, 0};
    }
    if (entry.value.get("tags") != nullptr) {
      base.triggers.emplace_back("tags");
      if (base.branches.empty()) {
        base.branches_location = {file, entry.value.get("tags")->line, 0};
      }
    }
  }
}

std::string working_directory(const Node* owner) {
  if (owner == nullptr) {
    return {};
  }
  const Node* defaults = owner->get("defaults");
  const Node* run = defaults != nullptr ? defaults->get("run") : nullptr;
  return run != nullptr ? run->get_scalar("working-directory") : std::string{};
}

// --- GitLab CI ---

constexpr std::array<std::string_view, 13> k_gitlab_reserved = {
    "image", "services", "stages",  "types",    "before_script", "after_script", "variables",
    "cache", "include",  "default", "workflow", "spec",          "pages:deploy"};

// A job with the keys of the templates it `extends` (own keys win).
Node with_extends(const Node& root, const Node& job, int depth = 0) {
  Node merged = job;
  if (depth > 5) {
    return merged;
  }
  for (const std::string& name : scalars(job.get("extends"))) {
    const Node* base = root.get(name);
    if (base == nullptr || !base->is_map()) {
      continue;
    }
    const Node resolved = with_extends(root, *base, depth + 1);
    for (const yaml::Entry& entry : resolved.entries) {
      if (merged.get(entry.key) == nullptr) {
        merged.entries.push_back(entry);
      }
    }
  }
  return merged;
}

// Branch names in `$CI_COMMIT_BRANCH == "main"`; "$CI_DEFAULT_BRANCH" for the default branch.
void read_rule_condition(const std::string& condition, model::SiteContext& context) {
  if (condition.find("CI_COMMIT_TAG") != std::string::npos) {
    context.triggers.emplace_back("tags");
  }
  if (condition.find("merge_request_event") != std::string::npos) {
    context.triggers.emplace_back("merge_request");
  }
  const bool about_branch = condition.find("CI_COMMIT_BRANCH") != std::string::npos ||
                            condition.find("CI_COMMIT_REF_NAME") != std::string::npos;
  if (!about_branch || condition.find("!=") != std::string::npos) {
    return;
  }
  if (condition.find("$CI_DEFAULT_BRANCH") != std::string::npos) {
    context.branches.emplace_back("$CI_DEFAULT_BRANCH");
  }
  std::size_t pos = 0;
  while ((pos = condition.find("==", pos)) != std::string::npos) {
    pos += 2;
    while (pos < condition.size() && condition[pos] == ' ') {
      ++pos;
    }
    if (pos < condition.size() && (condition[pos] == '"' || condition[pos] == '\'')) {
      const std::size_t end = condition.find(condition[pos], pos + 1);
      if (end != std::string::npos) {
        context.branches.push_back(condition.substr(pos + 1, end - pos - 1));
      }
    }
  }
}

void read_only(const Node* only, const std::string& file, model::SiteContext& context) {
  if (only == nullptr) {
    return;
  }
  std::vector<std::string> refs = scalars(only);
  for (const std::string& ref : scalars(only->get("refs"))) {
    refs.push_back(ref);
  }
  for (std::string ref : refs) {
    if (ref == "tags" || ref == "merge_requests" || ref == "schedules" || ref == "web" || ref == "api") {
      context.triggers.push_back(ref);
      continue;
    }
    if (ref.size() > 2 && ref.front() == '/' && ref.back() == '/') {
      ref = ref.substr(1, ref.size() - 2); // /^release.*$/ -> release.*
      ref.erase(std::remove(ref.begin(), ref.end(), '^'), ref.end());
      ref.erase(std::remove(ref.begin(), ref.end(), '$'), ref.end());
    }
    context.branches.push_back(ref);
  }
  context.branches_location = {file, only->line, 0};
}

// `rules:`: the job runs when no `when: never` rule matched and some other rule did.
void read_rules_guards(const Node& rules, const std::string& file, model::SiteContext& context) {
  std::vector<std::vector<model::Guard>> runs_when;
  bool always = false;
  for (const Node& rule : rules.items) {
    const Node* condition = rule.get("if");
    const bool never = rule.get_scalar("when") == "never";
    if (condition == nullptr || !condition->is_scalar()) {
      always = always || !never;
      continue;
    }
    std::vector<model::Guard> guards = parse_ci_expression(condition->scalar, {file, condition->line, 0});
    if (never) {
      for (const model::Guard& guard : guards.size() == 1 ? guards : std::vector<model::Guard>{}) {
        context.guards.push_back(negate(guard));
      }
    } else if (!always) {
      runs_when.push_back(std::move(guards));
    }
  }
  if (always || runs_when.empty()) {
    return;
  }
  if (runs_when.size() == 1) {
    context.guards.insert(context.guards.end(), runs_when.front().begin(), runs_when.front().end());
    return;
  }
  // Several rules: one guard when each compares the same variable with values.
  model::Guard merged = runs_when.front().empty() ? model::Guard{} : runs_when.front().front();
  for (const std::vector<model::Guard>& guards : runs_when) {
    if (guards.size() != 1 || guards.front().variable != merged.variable || guards.front().negated ||
        merged.variable.empty()) {
      merged.variable.clear();
      break;
    }
    if (&guards != &runs_when.front()) {
      merged.values.insert(merged.values.end(), guards.front().values.begin(), guards.front().values.end());
      merged.text += " || " + guards.front().text;
    }
  }
  if (merged.variable.empty()) {
    merged.values.clear();
    merged.negated = false;
    merged.text = "one of the job's rules";
    merged.location = {file, rules.line, 0};
  }
  context.guards.push_back(std::move(merged));
}

// `only:` / `except:` branch lists: guards on the ref the pipeline runs for.
void read_ref_filter(const Node* filter, bool except, const std::string& file, model::SiteContext& context) {
  if (filter == nullptr) {
    return;
  }
  std::vector<std::string> refs = scalars(filter);
  for (const std::string& ref : scalars(filter->get("refs"))) {
    refs.push_back(ref);
  }
  model::Guard guard;
  guard.variable = "CI_COMMIT_REF_NAME";
  guard.negated = except;
  guard.text = std::string(except ? "except: " : "only: ") + core::join(refs, ", ");
  guard.location = {file, filter->line, 0};
  for (const std::string& ref : refs) {
    if (ref == "tags" || ref == "merge_requests" || ref == "schedules" || ref == "web" || ref == "api" ||
        ref == "branches" || ref == "pushes" || ref == "triggers" || ref.find('/') != std::string::npos) {
      return; // not only branch names: pgadvise cannot tell
    }
    guard.values.push_back(ref);
  }
  if (!guard.values.empty()) {
    context.guards.push_back(std::move(guard));
  }
}

void scan_gitlab_job(ScanContext& context, const std::string& file, const Node& root,
                     const yaml::Entry& entry) {
  const Node job = with_extends(root, entry.value);
  const Node* defaults = root.get("default");
  model::ExecutionSite site;
  site.kind = model::SiteKind::gitlab_ci;
  site.file = file;
  site.label = "job \"" + entry.key + "\"";
  site.context.names.push_back({"job", entry.key, {file, entry.line, 0}});
  const std::string stage = job.get_scalar("stage");
  if (!stage.empty()) {
    site.context.names.push_back({"stage", stage, {file, job.get("stage")->line, 0}});
  }
  site.context.names.push_back({"file", file_name(file), {file, 1, 0}});
  set_environment(job.get("environment"), file, site.context);
  read_only(job.get("only"), file, site.context);
  read_ref_filter(job.get("only"), false, file, site.context);
  read_ref_filter(job.get("except"), true, file, site.context);
  if (const Node* rules = job.get("rules")) {
    read_rules_guards(*rules, file, site.context);
    for (const Node& rule : rules->items) {
      const std::string condition = rule.get_scalar("if");
      if (!condition.empty() && rule.get_scalar("when") != "never") {
        read_rule_condition(condition, site.context);
        if (!site.context.branches.empty() && site.context.branches_location.file.empty()) {
          site.context.branches_location = {file, rule.line, 0};
        }
      }
    }
  }
  add_env(root.get("variables"), file, site.context.env);
  add_env(job.get("variables"), file, site.context.env);
  const auto services_of = [&site](const Node* services) {
    if (services == nullptr) {
      return;
    }
    for (const Node& item : services->items) {
      site.context.services.push_back(item.is_scalar() ? item.scalar : item.get_scalar("name"));
    }
  };
  services_of(root.get("services"));
  services_of(defaults != nullptr ? defaults->get("services") : nullptr);
  services_of(job.get("services"));
  ShellState state = context.shell("");
  for (const char* key : {"before_script", "script", "after_script"}) {
    const Node* node = job.get(key);
    if (node == nullptr && std::string_view(key) != "script") {
      node = defaults != nullptr && defaults->get(key) != nullptr ? defaults->get(key) : root.get(key);
    }
    if (node != nullptr) {
      commands_from(*node, file, state, site.commands);
    }
  }
  context.add_site(std::move(site));
}

} // namespace

void scan_github_workflow(ScanContext& context, const std::string& file) {
  const std::optional<yaml::Document> doc = read_yaml(context, file);
  if (!doc) {
    return;
  }
  const Node& root = doc->root;
  model::SiteContext base;
  read_triggers(root, file, base);
  branch_domain(base);
  add_env(root.get("env"), file, base.env);
  const std::string workflow_name = root.get_scalar("name");
  const Node* jobs = root.get("jobs");
  if (jobs == nullptr || !jobs->is_map()) {
    return;
  }
  const std::string workflow_dir = working_directory(&root);
  for (const yaml::Entry& job : jobs->entries) {
    const Node* steps = job.value.get("steps");
    if (steps == nullptr || !steps->is_seq()) {
      continue;
    }
    model::SiteContext job_context = base;
    set_environment(job.value.get("environment"), file, job_context);
    read_matrix(&job.value, file, job_context);
    read_if(job.value, file, job_context);
    add_env(job.value.get("env"), file, job_context.env);
    if (const Node* services = job.value.get("services")) {
      for (const yaml::Entry& service : services->entries) {
        const std::string image = service.value.get_scalar("image");
        job_context.services.push_back(image.empty() ? service.key : image);
      }
    }
    std::string job_dir = working_directory(&job.value);
    if (job_dir.empty()) {
      job_dir = workflow_dir;
    }
    const std::string job_name = job.value.get_scalar("name");
    int index = 0;
    for (const Node& step : steps->items) {
      ++index;
      const Node* run = step.get("run");
      if (run == nullptr) {
        continue;
      }
      model::ExecutionSite site;
      site.kind = model::SiteKind::github_actions;
      site.file = file;
      site.context = job_context;
      add_env(step.get("env"), file, site.context.env);
      read_if(step, file, site.context);
      const std::string step_name = step.get_scalar("name");
      site.label = "job \"" + job.key + "\" step " +
                   (step_name.empty() ? std::to_string(index) : "\"" + step_name + "\"");
      auto& names = site.context.names;
      if (!step_name.empty()) {
        names.push_back({"step", step_name, {file, step.get("name")->line, 0}});
      }
      if (!job_name.empty()) {
        names.push_back({"job", job_name, {file, job.value.get("name")->line, 0}});
      }
      names.push_back({"job", job.key, {file, job.line, 0}});
      if (!workflow_name.empty()) {
        names.push_back({"workflow", workflow_name, {file, root.get("name")->line, 0}});
      }
      names.push_back({"file", file_name(file), {file, 1, 0}});
      std::string cwd = step.get_scalar("working-directory");
      if (cwd.empty()) {
        cwd = job_dir;
      }
      ShellState state = context.shell(join_relative("", cwd));
      commands_from(*run, file, state, site.commands);
      context.add_site(std::move(site));
    }
  }
}

void scan_gitlab_ci(ScanContext& context, const std::string& file) {
  const std::optional<yaml::Document> doc = read_yaml(context, file);
  if (!doc) {
    return;
  }
  for (const yaml::Entry& entry : doc->root.entries) {
    if (entry.key.empty() || entry.key[0] == '.' || !entry.value.is_map() ||
        std::find(k_gitlab_reserved.begin(), k_gitlab_reserved.end(), entry.key) != k_gitlab_reserved.end()) {
      continue;
    }
    scan_gitlab_job(context, file, doc->root, entry);
  }
}

} // namespace pgadvise::loaders::scan
