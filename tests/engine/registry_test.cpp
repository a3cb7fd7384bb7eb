#include <gtest/gtest.h>

#include "engine/registry.hpp"

TEST(Registry, IsSortedById) {
  const auto& rules = pgadvise::engine::all_rules();
  for (std::size_t i = 1; i < rules.size(); ++i) {
    EXPECT_LT(rules[i - 1]->meta().id, rules[i]->meta().id);
  }
}
