#pragma once

#include "app/lsp/lsp_server.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise lsp`: the language server, over stdin and stdout.
CLI::App* add_lsp_command(CLI::App& app, app::lsp::LspOptions& options);
int run_lsp(const app::lsp::LspOptions& options);

} // namespace pgadvise::cli
