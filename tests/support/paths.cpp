#include "support/paths.hpp"

namespace pgadvise::test {

const char* source_dir() {
  return PGADVISE_TEST_SOURCE_DIR;
}

const char* binary_path() {
  return PGADVISE_TEST_BINARY;
}

const char* pg_query_proto() {
  return PGADVISE_TEST_PG_QUERY_PROTO;
}

} // namespace pgadvise::test
