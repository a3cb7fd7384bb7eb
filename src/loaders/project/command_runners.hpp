#pragma once

#include "loaders/project/command_walker.hpp"

#include <string_view>

// The programs whose words name another command or a package script, each
// read by its own reader (loaders/project/command): package managers (npm,
// pnpm, yarn, bun, npx and their exec/dlx), monorepo and parallel runners
// (turbo, npm-run-all, run-s, run-p, concurrently) and dotenv. A reader
// emits the scripts it runs and hands any command it wraps back to the
// walker.
namespace pgadvise::loaders {

// Reads words[j...], the words after the program's name.
using RunnerReader = void (*)(CommandWalker& walker, const Words& words, std::size_t j);

// The reader of the program `name` (its basename), or null for others.
RunnerReader runner_reader(std::string_view name);

} // namespace pgadvise::loaders
