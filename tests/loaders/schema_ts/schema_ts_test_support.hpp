#pragma once

// What the schema.ts reader's tests share (drizzle_schema_ts_test.cpp and
// drizzle_schema_ts_fidelity_test.cpp).

#include "engine/builtin_diagnostics.hpp"
#include "loaders/schema_ts/schema_ts.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace schema_ts_test_support {

using namespace pgadvise;
using namespace pgadvise::loaders;
namespace fs = std::filesystem;

inline const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures";

inline SchemaLoad load(const std::string& text, const std::string& casing = "") {
  return load_drizzle_schema_sources({SchemaTsSource{"db/schema.ts", text}}, casing);
}

inline const model::Table& table(const SchemaLoad& load, const std::string& name,
                                 const std::string& schema = "public") {
  const model::Table* found = load.catalog.find_table(schema, name);
  if (found == nullptr) {
    ADD_FAILURE() << "no table " << schema << "." << name;
    static const model::Table k_empty;
    return k_empty;
  }
  return *found;
}

// The unresolved-construct notes of a load.
inline std::vector<core::Finding> notes_of(const SchemaLoad& load) {
  std::vector<core::Finding> out;
  for (const core::Finding& finding : load.diagnostics) {
    if (finding.message.rfind(k_schema_ts_unresolved, 0) == 0) {
      out.push_back(finding);
    }
  }
  // The count app::load_schema puts in its note, without reading messages.
  EXPECT_EQ(load.unresolved_constructs, out.size());
  return out;
}

} // namespace schema_ts_test_support
