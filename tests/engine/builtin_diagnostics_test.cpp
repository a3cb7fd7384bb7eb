// The built-in diagnostics: one id each, spelled once per layer that emits
// it, and listed with a summary for `pgadvise rules`, SARIF and the pages.
#include "app/report/report_facts.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/rule_pages.hpp"
#include "loaders/schema_load.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace builtin_diagnostics_test {

using namespace pgadvise;

bool listed(std::string_view id) {
  const auto& all = engine::builtin_diagnostics();
  return std::any_of(all.begin(), all.end(), [&](const engine::BuiltinDiagnostic& d) { return d.id == id; });
}

TEST(BuiltinDiagnostics, EveryIdTheCodeEmitsIsListed) {
  for (const std::string_view id : {engine::k_lock_observed, engine::k_parse_error, engine::k_replay_warning,
                                    engine::k_unused_suppression}) {
    EXPECT_TRUE(listed(id)) << id;
    EXPECT_TRUE(engine::find_rule_page(id).has_value()) << id;
  }
  EXPECT_EQ(engine::builtin_diagnostics().size(), 4U);
}

// The loaders cannot include the engine; their spelling must be the same.
TEST(BuiltinDiagnostics, LoadersSpellTheirIdsAsTheEngineLists) {
  EXPECT_EQ(loaders::k_parse_error, engine::k_parse_error);
  EXPECT_EQ(loaders::k_replay_warning, engine::k_replay_warning);
}

TEST(BuiltinDiagnostics, DescribedAsTheInputCategoryAndTheStateLens) {
  for (const reporters::RuleInfo& info : app::describe_rules()) {
    if (listed(info.id)) {
      EXPECT_EQ(info.category, engine::Category::input) << info.id;
      EXPECT_EQ(info.lens, engine::Lens::state) << info.id;
    } else {
      EXPECT_NE(info.category, engine::Category::input) << info.id;
    }
  }
}

} // namespace builtin_diagnostics_test
