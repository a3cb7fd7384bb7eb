#pragma once

// Where tests find the source tree (fixtures, goldens) and the built tool.
// The build passes these paths to tests/support/paths.cpp alone; every other
// test object is then the same in every checkout, so ccache shares it
// between worktrees. CMake force-includes this header in every test file.
namespace pgadvise::test {

const char* source_dir();
const char* binary_path();
// libpg_query's protobuf definition, which lists every parse tree node type.
const char* pg_query_proto();

} // namespace pgadvise::test

#define PGADVISE_SOURCE_DIR (::pgadvise::test::source_dir())
#define PGADVISE_BINARY (::pgadvise::test::binary_path())
