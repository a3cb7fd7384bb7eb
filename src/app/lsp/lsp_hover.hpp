#pragma once

#include "app/lsp/lsp_analysis.hpp"
#include "app/lsp/lsp_text.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace pgadvise::app::lsp {

// The hover at `at` in `file` (whose text is `text`): each finding there
// with its help, the fix's DDL and Drizzle lines, its safety note and
// applicability, and the rule's page, as Markdown. Null where there is none.
nlohmann::json hover(const Analysis& analysis, const std::filesystem::path& file, const std::string& text,
                     Position at, PositionEncoding encoding);

} // namespace pgadvise::app::lsp
