#pragma once

#include "app/inspect/query_advisor.hpp"

#include <istream>
#include <ostream>

// The interactive pgadvise: a prompt (libedit: line editing, history) where
// a developer pastes statements and gets, for each, what `pgadvise explain`
// says. Statements may span lines and end with `;`. When stdin is not a
// terminal it reads statements from it and answers each, so it can be
// scripted.
namespace pgadvise::app {

struct ShellOptions {
  AdvisorOptions advisor;
};

// `interactive`: read with libedit from the terminal (prompt, history in
// ~/.pgadvise_history); otherwise statements are read from `in` without a
// prompt. Exit 0 at \q or end of input; 2 when the project cannot be loaded.
int run_shell(const ShellOptions& options, bool interactive, std::istream& in, std::ostream& out,
              std::ostream& err);

} // namespace pgadvise::app
