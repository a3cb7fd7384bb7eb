#include "cli/rules_command.hpp"

#include "app/report/report_facts.hpp"
#include "cli/choice_option.hpp"
#include "cli/cli.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/rule_pages.hpp"
#include "rules/registry.hpp"

#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

namespace pgadvise::cli {

namespace {

void list_text() {
  std::size_t width = 0;
  for (const auto& rule : rules::all_rules()) {
    width = std::max(width, rule->meta().id.size());
  }
  for (const auto& diag : engine::builtin_diagnostics()) {
    width = std::max(width, diag.id.size());
  }
  for (const auto& rule : rules::all_rules()) {
    const engine::RuleMeta& meta = rule->meta();
    std::cout << std::left << std::setw(static_cast<int>(width) + 2) << meta.id << std::setw(10)
              << core::to_string(meta.default_severity) << std::setw(9) << engine::to_string(meta.category)
              << std::setw(12) << engine::to_string(meta.lens) << meta.summary
              << (meta.has_fix ? " [fix]" : "") << "\n";
  }
  std::cout << "\nbuilt-in diagnostics:\n";
  for (const auto& diag : engine::builtin_diagnostics()) {
    std::cout << std::left << std::setw(static_cast<int>(width) + 2) << diag.id << std::setw(10)
              << core::to_string(diag.severity) << std::setw(9) << "input" << std::setw(12) << "state"
              << diag.summary << "\n";
  }
}

void list_json() {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& rule : rules::all_rules()) {
    const engine::RuleMeta& meta = rule->meta();
    nlohmann::json inputs = nlohmann::json::array();
    for (engine::Input input : meta.inputs) {
      inputs.push_back(engine::to_string(input));
    }
    nlohmann::json options = nlohmann::json::array();
    for (const auto& option : meta.options) {
      options.push_back(
          {{"name", option.name}, {"default", option.default_value}, {"description", option.description}});
    }
    rules.push_back({{"id", meta.id},
                     {"summary", meta.summary},
                     {"category", engine::to_string(meta.category)},
                     {"severity", core::to_string(meta.default_severity)},
                     {"inputs", inputs},
                     {"fix", meta.has_fix},
                     {"lens", engine::to_string(meta.lens)},
                     {"options", options}});
  }
  std::cout << nlohmann::json{{"rules", rules}}.dump(2) << "\n";
}

} // namespace

CLI::App* add_rules_command(CLI::App& app, RulesOptions& options) {
  CLI::App* rules = app.add_subcommand("rules", "List the rules, or print one rule's page");
  add_choice(*rules, "--format", options.format,
             {{"text", RulesFormat::text}, {"json", RulesFormat::json}, {"markdown", RulesFormat::markdown}},
             "text, json, or markdown (docs/rules.md's table)");
  CLI::App* show = rules->add_subcommand("show", "Print a rule's documentation page");
  show->add_option("id", options.show, "Rule id, e.g. unindexed-foreign-key")->required();
  show->callback([&options] { options.show_parsed = true; });
  return rules;
}

int run_rules(const RulesOptions& options) {
  if (options.show_parsed) {
    const auto page = engine::find_rule_page(options.show);
    if (!page) {
      std::cerr << "pgadvise: no rule named '" << options.show << "' (see `pgadvise rules`)\n";
      return k_exit_usage;
    }
    std::cout << *page;
    return k_exit_ok;
  }
  if (options.format == RulesFormat::markdown) {
    reporters::write_rules_markdown(std::cout, app::describe_rules());
  } else if (options.format == RulesFormat::json) {
    list_json();
  } else {
    list_text();
  }
  return k_exit_ok;
}

} // namespace pgadvise::cli
