#include "model/catalog.hpp"
#include "model/type_ref.hpp"

#include <gtest/gtest.h>

using namespace pgadvise::model;

TEST(TypeRef, NormalizesBuiltinSpellings) {
  EXPECT_EQ(parse_type_text("integer").name, "int4");
  EXPECT_EQ(parse_type_text("INT").name, "int4");
  EXPECT_EQ(parse_type_text("pg_catalog.int4").name, "int4");
  EXPECT_EQ(parse_type_text("timestamp with time zone").name, "timestamptz");
  EXPECT_EQ(parse_type_text("timestamp(3) with time zone").name, "timestamptz");
  EXPECT_EQ(parse_type_text("double precision").name, "float8");
  EXPECT_EQ(parse_type_text("boolean").name, "bool");
}

TEST(TypeRef, SerialIsIntegerWithFlag) {
  const TypeRef serial = parse_type_text("serial");
  EXPECT_EQ(serial.name, "int4");
  EXPECT_TRUE(serial.serial);
  const TypeRef big = parse_type_text("bigserial");
  EXPECT_EQ(big.name, "int8");
  EXPECT_TRUE(big.serial);
  EXPECT_EQ(big.display(), "bigserial");
}

TEST(TypeRef, ModifiersAndArrays) {
  const TypeRef v = parse_type_text("varchar(255)");
  EXPECT_EQ(v.name, "varchar");
  EXPECT_EQ(v.modifiers, std::vector<std::string>{"255"});
  EXPECT_TRUE(v.is_text_like());
  const TypeRef n = parse_type_text("numeric(10, 2)");
  EXPECT_EQ(n.modifiers, (std::vector<std::string>{"10", "2"}));
  const TypeRef arr = parse_type_text("character varying(20)[][]");
  EXPECT_EQ(arr.name, "varchar");
  EXPECT_EQ(arr.array_dims, 2);
  EXPECT_FALSE(arr.is_text_like());
  EXPECT_EQ(arr.display(), "varchar(20)[][]");
}

TEST(TypeRef, UserTypesKeepSchema) {
  const TypeRef e = parse_type_text("\"billing\".\"status\"");
  EXPECT_EQ(e.schema, "billing");
  EXPECT_EQ(e.name, "status");
  EXPECT_EQ(e.display(), "billing.status");
  EXPECT_TRUE(parse_type_text("jsonb").is_jsonb());
  EXPECT_TRUE(parse_type_text("json").is_json());
  EXPECT_FALSE(parse_type_text("json[]").is_json());
}

TEST(Catalog, ResolvesDomainsToBaseType) {
  Catalog catalog;
  catalog.domains.push_back(Domain{"public", "email", parse_type_text("text"), {}});
  TypeRef column_type;
  column_type.name = "email";
  EXPECT_EQ(catalog.resolve_type(column_type).name, "text");
  EXPECT_EQ(catalog.resolve_type(parse_type_text("int")).name, "int4");
}

TEST(Index, LeadingColumnsStopAtExpression) {
  Index index;
  index.keys = {{"a", "", false, "", {}}, {"", "lower(b)", false, "", {}}, {"c", "", false, "", {}}};
  EXPECT_EQ(index.leading_columns(), std::vector<std::string>{"a"});
  EXPECT_TRUE(index.has_expressions());
}
