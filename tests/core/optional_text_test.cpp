#include "core/optional_text.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>

using pgadvise::core::OptionalText;

TEST(OptionalText, UnsetIsANullPointerAndReadsAsAnEmptyOptional) {
  EXPECT_EQ(sizeof(OptionalText), sizeof(void*));
  const OptionalText unset;
  EXPECT_FALSE(unset.has_value());
  EXPECT_FALSE(unset);
  EXPECT_EQ(unset.value_or("none"), "none");
  EXPECT_EQ(unset, OptionalText(std::nullopt));
  EXPECT_FALSE(unset == "");
}

TEST(OptionalText, ShortTextsShareOnePooledCopy) {
  // 100,000 columns with DEFAULT '{}' hold one copy between them.
  const OptionalText a = std::string("'{}'");
  const OptionalText b = "'{}'";
  EXPECT_EQ(&*a, &*b);
  EXPECT_EQ(*a, "'{}'");
  EXPECT_TRUE(a == "'{}'");
  EXPECT_EQ(a, b);
  const OptionalText empty = "";
  EXPECT_TRUE(empty.has_value()); // set, to an empty text
  EXPECT_EQ(*empty, "");
}

TEST(OptionalText, LongTextsAreOwnedAtTheirLengthAndCopiedDeeply) {
  const std::string text = "nextval('t100000_id_seq'::regclass)";
  OptionalText a = text;
  EXPECT_EQ(*a, text);
  EXPECT_EQ(a->capacity(), a->size());
  OptionalText b = a;
  EXPECT_NE(&*a, &*b);
  EXPECT_EQ(a, b);
  b = "now()"; // replaced by a short one: the long copy is freed
  EXPECT_EQ(*b, "now()");
  EXPECT_EQ(*a, text);
  OptionalText c = std::move(a);
  EXPECT_EQ(*c, text);
  c = std::optional<std::string>();
  EXPECT_FALSE(c.has_value());
  c = std::optional<std::string>(text);
  EXPECT_EQ(c.value_or(""), text);
  c.reset();
  EXPECT_FALSE(c);
}
