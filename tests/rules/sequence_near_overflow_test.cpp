#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace sequence_near_overflow_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "sequence-near-overflow";

model::Table orders(std::int64_t order_number_last, std::int64_t id_last) {
  model::Table out =
      table("orders", {column("id", "int4", true, "nextval('orders_id_seq'::regclass)"),
                       column("order_number", "int4", true, "nextval('orders_order_number_seq'::regclass)"),
                       column("total", "numeric")});
  out.columns[0].sequence_facts().last_value = id_last;
  out.columns[1].sequence_facts().last_value = order_number_last;
  out.indexes.push_back(index("orders_pkey", {"id"}));
  out.indexes.back().kind = model::IndexKind::primary_key;
  return out;
}

TEST(SequenceNearOverflow, ASerialColumnPastTheThresholdOfItsType) {
  const auto findings = run_rule(k_rule, catalog_of({orders(1'900'000'000, 5)}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::high);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders(order_number)");
  EXPECT_NE(findings[0].message.find("88.5%"), std::string::npos);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements(), "ALTER TABLE orders ALTER COLUMN order_number TYPE bigint;\n"
                                           "ALTER SEQUENCE orders_order_number_seq AS bigint;");
  // 98%: critical.
  EXPECT_EQ(run_rule(k_rule, catalog_of({orders(2'110'000'000, 5)}))[0].severity, core::Severity::critical);
}

TEST(SequenceNearOverflow, FarFromMaxTheKeyAndBigintAreClean) {
  // The key's sequence near the maximum is integer-primary-key-overflow's.
  EXPECT_TRUE(run_rule(k_rule, catalog_of({orders(1'000'000, 2'000'000'000)})).empty());
  model::Table events = table("events", {column("id"), column("seq", "int8")});
  events.columns[1].identity = true;
  events.columns[1].sequence_facts().last_value = 3'000'000'000;
  EXPECT_TRUE(run_rule(k_rule, catalog_of({events})).empty());
  // The threshold is an option.
  EXPECT_EQ(run_rule(k_rule, catalog_of({orders(1'000'000'000, 5)}), {{"used-percent", "40"}}).size(), 1U);
}

} // namespace sequence_near_overflow_test
