#pragma once

#include <optional>
#include <string>
#include <vector>

// The text report's closing line of the commands that turn schema.ts edits
// into migrations, when a folder of projects has one for each database.
namespace pgadvise::reporters {

// Many commands of one shape (`cd <folder> && <the same rest>`, the folders
// differing in one run of path segments: a folder of projects) as one line:
// "after editing the Drizzle schemas, in each of the 20 projects: cd
// <project>/packages/db && npm run generate && npm run migrate (<project>:
// project01, project02, ...)". nullopt for three or fewer, or commands of
// other shapes: each is then a line of its own.
std::optional<std::string> grouped_commands(const std::vector<std::string>& commands);

} // namespace pgadvise::reporters
