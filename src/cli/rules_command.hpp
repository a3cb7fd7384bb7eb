#pragma once

#include <string>

namespace CLI {
class App;
}

namespace pgadvise::cli {

enum class RulesFormat { text, json, markdown };

struct RulesOptions {
  std::string show; // rule id for `rules show ID`
  RulesFormat format = RulesFormat::text;
  bool show_parsed = false;
};

CLI::App* add_rules_command(CLI::App& app, RulesOptions& options);
int run_rules(const RulesOptions& options);

} // namespace pgadvise::cli
