// Each rule is registered under its id with its default severity (and, where
// the rule promises one, a fix): what a user's config and the reports name.

#include "engine/rule.hpp"
#include "rules/registry.hpp"

#include <gtest/gtest.h>

namespace rule_metadata_test {

using namespace pgadvise;

struct Registered {
  const char* suite; // the rule's test suite, naming the case
  const char* id;
  core::Severity default_severity;
  bool has_fix;
};

void PrintTo(const Registered& rule, std::ostream* out) {
  *out << rule.id;
}

const Registered k_rules[] = {
    {"ColumnTypeChangeRewrite", "column-type-change-rewrite", core::Severity::medium, false},
    {"ForeignKeyAddedValidating", "foreign-key-added-validating", core::Severity::medium, false},
    {"ForeignKeyTypeMismatch", "foreign-key-type-mismatch", core::Severity::high, false},
    {"IndexCreatedNonConcurrently", "index-created-non-concurrently", core::Severity::medium, false},
    {"IntegerPrimaryKeyOverflow", "integer-primary-key-overflow", core::Severity::low, false},
    {"InvalidIndex", "invalid-index", core::Severity::high, false},
    {"LowCardinalityIndex", "low-cardinality-index", core::Severity::low, false},
    {"MigrationEditedAfterApply", "migration-edited-after-apply", core::Severity::high, false},
    {"MultiplePermissivePolicies", "multiple-permissive-policies", core::Severity::medium, false},
    {"NotValidConstraint", "not-valid-constraint", core::Severity::medium, false},
    {"OverindexedWriteHeavyTable", "overindexed-write-heavy-table", core::Severity::medium, false},
    {"RandomUuidPrimaryKey", "random-uuid-primary-key", core::Severity::medium, false},
    {"RlsPerRowFunctionCall", "rls-per-row-function-call", core::Severity::medium, true},
    {"SerialPrimaryKey", "serial-primary-key", core::Severity::low, false},
    {"TimestampWithoutTimeZone", "timestamp-without-time-zone", core::Severity::low, false},
    {"WritesOutsideTransaction", "writes-outside-transaction", core::Severity::medium, false},
};

class RuleMetadata : public ::testing::TestWithParam<Registered> {};

TEST_P(RuleMetadata, IsRegistered) {
  const Registered& expected = GetParam();
  const engine::Rule* rule = rules::find_rule(expected.id);
  ASSERT_NE(rule, nullptr) << expected.id;
  EXPECT_EQ(rule->meta().default_severity, expected.default_severity);
  if (expected.has_fix) {
    EXPECT_TRUE(rule->meta().has_fix);
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleMetadata, ::testing::ValuesIn(k_rules),
                         [](const ::testing::TestParamInfo<Registered>& test) { return test.param.suite; });

} // namespace rule_metadata_test
