#pragma once

#include "core/finding.hpp"
#include "core/finding_list.hpp"
#include "core/result.hpp"
#include "model/catalog.hpp"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace pgadvise::app {

// The files a pull request touches: what differs between REF's merge base
// with HEAD and the working tree (committed or not), plus untracked files,
// as absolute paths. Read from git run as a subprocess.
struct ChangedFiles {
  std::filesystem::path repository_root;
  std::set<std::filesystem::path> files;
  [[nodiscard]] bool contains(const std::string& file) const;
};

// What `git` printed and its exit status.
struct GitOutput {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs `git -C dir args...` without a shell (a ref or path is the user's
// text) and collects both streams; poll keeps a chatty stderr from blocking
// stdout. An error only when git cannot be started.
core::Result<GitOutput> run_git(const std::filesystem::path& dir, const std::vector<std::string>& args);

// A located error when `directory` is not in a git repository or git does
// not know `ref`.
core::Result<ChangedFiles> changed_files_since(const std::string& ref,
                                               const std::filesystem::path& directory);

// Keeps the findings a change is responsible for: located in a changed
// file, with evidence in one, or about a table, column, index or
// constraint that a changed file declares (a new FK in a changed migration
// makes its table's unindexed-foreign-key finding count even when the
// finding points elsewhere). Returns how many were dropped. A spilled list
// is read back one finding at a time.
std::size_t keep_changed(core::FindingList& findings, const ChangedFiles& changed,
                         const model::Catalog& catalog);

} // namespace pgadvise::app
