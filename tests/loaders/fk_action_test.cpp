#include "loaders/fk_action.hpp"

#include <gtest/gtest.h>

using pgadvise::model::FkAction;
namespace loaders = pgadvise::loaders;

TEST(FkActionFromCode, ReadsPgConstraintLetters) {
  EXPECT_EQ(loaders::fk_action_from_code("r"), FkAction::restrict);
  EXPECT_EQ(loaders::fk_action_from_code("c"), FkAction::cascade);
  EXPECT_EQ(loaders::fk_action_from_code("n"), FkAction::set_null);
  EXPECT_EQ(loaders::fk_action_from_code("d"), FkAction::set_default);
  EXPECT_EQ(loaders::fk_action_from_code("a"), FkAction::no_action);
  EXPECT_EQ(loaders::fk_action_from_code(""), FkAction::no_action);
}

TEST(FkActionFromWords, ReadsSqlWordsInAnyCase) {
  EXPECT_EQ(loaders::fk_action_from_words("cascade"), FkAction::cascade);
  EXPECT_EQ(loaders::fk_action_from_words(" SET NULL "), FkAction::set_null);
  EXPECT_EQ(loaders::fk_action_from_words("Set Default"), FkAction::set_default);
  EXPECT_EQ(loaders::fk_action_from_words("restrict"), FkAction::restrict);
  EXPECT_EQ(loaders::fk_action_from_words("no action"), FkAction::no_action);
  EXPECT_EQ(loaders::fk_action_from_words("delete"), std::nullopt);
  EXPECT_EQ(loaders::fk_action_from_words(""), std::nullopt);
}
