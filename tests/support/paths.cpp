#include "support/paths.hpp"

namespace pgadvise::test {

const char* source_dir() {
  return PGADVISE_TEST_SOURCE_DIR;
}

const char* binary_path() {
  return PGADVISE_TEST_BINARY;
}

} // namespace pgadvise::test
