#include "cli/schema_command.hpp"

#include "cli/choice_option.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace pgadvise::cli {

CLI::App* add_schema_command(CLI::App& app, app::SchemaOptions& options) {
  CLI::App* schema = app.add_subcommand(
      "schema",
      "Print the schema pgadvise built (tables, indexes, foreign keys), types as format_type() spells them");
  schema->add_option("paths", options.paths,
                     "Project directories, migration folders, .sql files or drizzle snapshots (default: .)");
  add_choice(*schema, "-f,--format", options.format,
             {{"text", app::DocumentFormat::text}, {"json", app::DocumentFormat::json}}, "Output format");
  schema->add_option("--table", options.table, "Only this table (name or schema.name)");
  return schema;
}

int run_schema(const app::SchemaOptions& options) {
  return app::run_schema(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
