#include "core/rare_shared_text.hpp"
#include "model/catalog.hpp"

#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <string_view>

using namespace pgadvise::core;

TEST(RareSharedText, EmptyHoldsNothing) {
  EXPECT_EQ(sizeof(RareSharedText), sizeof(void*)); // four per migration step at 350,000 steps
  const RareSharedText unset;
  EXPECT_TRUE(unset.empty());
  EXPECT_EQ(unset.view(), "");
  EXPECT_EQ(unset.size(), 0U);
  const RareSharedText emptied = std::string();
  EXPECT_TRUE(emptied.empty());
  EXPECT_EQ(unset, emptied);
  RareSharedText cleared = "VACUUM FULL";
  cleared = std::string_view();
  EXPECT_TRUE(cleared.empty());
}

TEST(RareSharedText, ALiteralStaysAViewAndOtherTextsAreCopied) {
  static constexpr char k_command[] = "CLUSTER";
  const RareSharedText literal = k_command;
  EXPECT_EQ(literal.view().data(), static_cast<const char*>(k_command));
  std::string words = "SET DEFAULT";
  const RareSharedText owned = words;
  words = "changed";
  EXPECT_EQ(owned, "SET DEFAULT");
  EXPECT_NE(owned.view().data(), words.data());
}

TEST(RareSharedText, ReadsAsSharedTextDoes) {
  RareSharedText detail = std::string("public.positive VALIDATE");
  RareSharedText copy = detail;
  detail = "CLUSTER";
  EXPECT_EQ(copy, std::string("public.positive VALIDATE"));
  EXPECT_EQ(copy.find(" VALIDATE"), 15U);
  EXPECT_EQ(copy.str().substr(0, 6), "public");
  EXPECT_TRUE(detail == "CLUSTER");
  EXPECT_TRUE(detail != "VACUUM FULL");
  EXPECT_EQ(detail + " rewrites", "CLUSTER rewrites");
  EXPECT_EQ("REINDEX " + copy, "REINDEX public.positive VALIDATE");
  const std::string_view view = copy;
  EXPECT_EQ(view.size(), copy.size());
  RareSharedText moved = std::move(copy);
  moved += "!";
  EXPECT_EQ(moved, "public.positive VALIDATE!");
  std::ostringstream out;
  out << moved;
  EXPECT_EQ(out.str(), "public.positive VALIDATE!");
  const RareSharedText shared = SharedText::interned("drizzle-kit migrate");
  EXPECT_EQ(shared.view().data(), SharedText::interned("drizzle-kit migrate").view().data());
}

TEST(RareSharedText, KeepsAMigrationStepSmall) {
  // The four texts most steps leave empty take a pointer each.
  EXPECT_LE(sizeof(pgadvise::model::MigrationStep), 144U);
}
