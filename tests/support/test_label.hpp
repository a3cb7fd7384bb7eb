#pragma once

#include <string>
#include <string_view>

// ctest runs each test under one label (tests/labels.cmake): unit, cli,
// tools, cluster, browser, pty, editor. A developer runs one tier with
// `ctest -L unit`. A test that needs a resource its label does not promise
// (a child process, Node's tools, a PostgreSQL cluster, Chromium, a pty)
// fails with a message naming the list to fix, so the labels stay true.
namespace pgadvise::test {

// Empty when the test may use `resource` (its label permits it, or it runs
// outside ctest); else a message saying which list in tests/labels.cmake the
// test's suite belongs in. Resources: "process" (any child process: the
// built pgadvise, git, sh; permitted by every label but unit), "tools"
// (node: drizzle-kit, tsc, npm; tools, cluster and editor), "cluster",
// "browser", "pty", "editor" (their own label only).
std::string label_mismatch(std::string_view resource);

} // namespace pgadvise::test
