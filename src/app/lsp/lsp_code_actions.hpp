#pragma once

#include "app/fix/file_change.hpp"
#include "app/lsp/lsp_analysis.hpp"
#include "app/lsp/lsp_documents.hpp"
#include "app/lsp/lsp_text.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

// Quick fixes: the edits `pgadvise fix` would make for the findings on the
// lines asked about, every finding of a rule in the file at once, and the
// `pgadvise-ignore` comment lint honours.
namespace pgadvise::app::lsp {

// What the client said of edits at initialize.
struct EditOptions {
  PositionEncoding encoding = PositionEncoding::utf16;
  bool document_changes = false; // it takes documentChanges (versioned, file creation)
};

// The files' changes as one WorkspaceEdit (each open file at its version);
// null when one creates a file and the client cannot.
nlohmann::json workspace_edit(const std::vector<FileChange>& files, const EditOptions& options,
                              const Documents& documents);

// The code actions of `file` for the lines of `wanted`.
nlohmann::json code_actions(const Analysis& analysis, const std::filesystem::path& file, const Range& wanted,
                            const EditOptions& options, const Documents& documents);

} // namespace pgadvise::app::lsp
