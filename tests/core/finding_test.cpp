#include "core/finding.hpp"
#include "core/severity.hpp"
#include "core/source_location.hpp"
#include "core/suppression.hpp"

#include <gtest/gtest.h>
#include <set>

using namespace pgadvise::core;

namespace finding_test {

Finding make(std::string rule, std::string table, int line) {
  Finding f;
  f.rule = std::move(rule);
  f.object = ObjectRef{"public", std::move(table), {"a_id"}, ""};
  f.location = SourceLocation{"m.sql", line, 1};
  f.compute_fingerprint();
  return f;
}

TEST(Fingerprint, IgnoresLineNumbersButNotObject) {
  EXPECT_EQ(make("r", "t", 3).fingerprint, make("r", "t", 30).fingerprint);
  EXPECT_NE(make("r", "t", 3).fingerprint, make("r", "u", 3).fingerprint);
  EXPECT_NE(make("r", "t", 3).fingerprint, make("s", "t", 3).fingerprint);
  EXPECT_EQ(make("r", "t", 3).fingerprint.size(), 16U);
}

TEST(Fingerprint, EmptySchemaMeansPublic) {
  Finding a = make("r", "t", 1);
  Finding b = a;
  b.object.schema.clear();
  b.compute_fingerprint();
  EXPECT_EQ(a.fingerprint, b.fingerprint);
}

TEST(Severity, ParsesAndOrders) {
  EXPECT_EQ(parse_severity("HIGH"), Severity::high);
  EXPECT_EQ(parse_severity("bogus"), std::nullopt);
  EXPECT_LT(Severity::low, Severity::critical);
  EXPECT_EQ(to_string(Severity::medium), "medium");
}

// Reports spell each kind as one word, and a merged report reads it back.
TEST(EvidenceKind, EveryKindHasItsOwnWordAndReadsBack) {
  std::set<std::string_view> words;
  for (int i = 0; i <= static_cast<int>(Evidence::Kind::other); ++i) {
    const auto kind = static_cast<Evidence::Kind>(i);
    EXPECT_TRUE(words.insert(to_string(kind)).second) << to_string(kind);
    EXPECT_EQ(parse_evidence_kind(to_string(kind)), kind);
  }
  EXPECT_EQ(to_string(Evidence::Kind::ddl), "ddl");
  EXPECT_EQ(to_string(Evidence::Kind::verification), "verification");
  EXPECT_EQ(parse_evidence_kind("Query"), std::nullopt);
  EXPECT_EQ(parse_evidence_kind(""), std::nullopt);
}

TEST(SortFindings, MostSevereFirstThenByPlace) {
  std::vector<Finding> findings{make("a", "t", 9), make("b", "t", 2), make("c", "t", 5)};
  findings[0].severity = Severity::low;
  findings[1].severity = Severity::low;
  findings[2].severity = Severity::critical;
  sort_findings(findings);
  EXPECT_EQ(findings[0].rule, "c");
  EXPECT_EQ(findings[1].rule, "b");
  EXPECT_EQ(findings[2].rule, "a");
}

// Findings tied on severity, place and rule (the object's text is built
// for those alone) are ordered by that text, and equal ones keep their
// order, wherever in the list the tie falls.
TEST(SortFindings, TiesOnPlaceAndRuleGoByObjectText) {
  std::vector<Finding> findings = {make("r", "z", 9), make("r", "b", 5), make("r", "ab", 5),
                                   make("s", "a", 5), make("r", "b", 5), make("r", "a", 5)};
  findings[1].message = "first";
  findings[4].message = "second";
  findings[2].object.columns.clear();
  sort_findings(findings);
  std::vector<std::string> order;
  for (const Finding& f : findings) {
    order.push_back(f.rule + " " + f.object.to_string() + " " + f.message);
  }
  EXPECT_EQ(order,
            (std::vector<std::string>{"r public.a(a_id) ", "r public.ab ", "r public.b(a_id) first",
                                      "r public.b(a_id) second", "s public.a(a_id) ", "r public.z(a_id) "}));
}

TEST(LineIndex, LocatesOffsets) {
  const LineIndex index("ab\ncd\n\nx");
  EXPECT_EQ(index.locate("f", 0), (SourceLocation{"f", 1, 1}));
  EXPECT_EQ(index.locate("f", 4), (SourceLocation{"f", 2, 2}));
  EXPECT_EQ(index.locate("f", 7), (SourceLocation{"f", 4, 1}));
}

TEST(IgnoreDirective, ParsesIdsAndAll) {
  EXPECT_EQ(parse_ignore_directive("-- pgadvise-ignore unindexed-foreign-key, missing-primary-key"),
            (std::vector<std::string>{"unindexed-foreign-key", "missing-primary-key"}));
  EXPECT_EQ(parse_ignore_directive("-- pgadvise-ignore"), (std::vector<std::string>{"all"}));
  EXPECT_EQ(parse_ignore_directive("// pgadvise-ignore json-in-text-column: legacy"),
            (std::vector<std::string>{"json-in-text-column"}));
  EXPECT_TRUE(parse_ignore_directive("-- just a comment").empty());
}

TEST(Suppressions, MatchFileLineRangeAndRule) {
  Suppressions s;
  s.add({"m.sql", 3, 6, {"r"}});
  EXPECT_TRUE(s.suppresses(make("r", "t", 4)));
  EXPECT_FALSE(s.suppresses(make("r", "t", 7)));
  EXPECT_FALSE(s.suppresses(make("other", "t", 4)));
  s.add({"m.sql", 10, 10, {"all"}});
  EXPECT_TRUE(s.suppresses(make("other", "t", 10)));
}

} // namespace finding_test
