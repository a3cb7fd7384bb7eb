#pragma once

#include "app/inspect/schema_view.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise schema`: its flags; app::run_schema does the work.
CLI::App* add_schema_command(CLI::App& app, app::SchemaOptions& options);
int run_schema(const app::SchemaOptions& options);

} // namespace pgadvise::cli
