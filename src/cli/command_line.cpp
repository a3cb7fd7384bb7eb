#include "cli/command_line.hpp"

#include "cli/advise_command.hpp"
#include "cli/baseline_command.hpp"
#include "cli/explain_command.hpp"
#include "cli/fix_command.hpp"
#include "cli/lint_command.hpp"
#include "cli/lsp_command.hpp"
#include "cli/merge_command.hpp"
#include "cli/schema_command.hpp"
#include "cli/shell_command.hpp"
#include "cli/stats_command.hpp"

#include <string>

namespace pgadvise::cli {

std::unique_ptr<CommandLine> make_command_line() {
  auto line = std::make_unique<CommandLine>();
  CLI::App& app = line->app;
  app.set_version_flag("--version", std::string("pgadvise ") + PGADVISE_VERSION);
  app.require_subcommand(0, 1);
  line->lint = add_lint_command(app, line->lint_options);
  line->fix = add_fix_command(app, line->fix_options);
  line->baseline = add_baseline_command(app, line->baseline_options);
  line->init = add_init_command(app, line->init_options);
  line->rules = add_rules_command(app, line->rules_options);
  line->stats = add_stats_command(app, line->stats_options);
  line->schema = add_schema_command(app, line->schema_options);
  line->explain = add_explain_command(app, line->explain_options);
  line->shell = add_shell_command(app, line->shell_options);
  line->merge = add_merge_command(app, line->merge_options);
  line->advise = add_advise_command(app, line->advise_options);
  line->lsp = add_lsp_command(app, line->lsp_options);
  return line;
}

} // namespace pgadvise::cli
