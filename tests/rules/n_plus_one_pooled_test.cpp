// n-plus-one on pooled traffic from a real PostgreSQL 15 (fixtures/logs/pooled,
// made by bench/nplus1-mix.sh): several clients each pick their next request
// at random by weight, so look-alike requests run back to back on one
// connection. Over every seed, mix, protocol, logging setting, prefix and
// format, exactly the true (parent, child) pairs are reported.

#include "advisor/query_evidence.hpp"
#include "core/text.hpp"
#include "loaders/logs/reader.hpp"
#include "pg/parser.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>
#include <regex>

namespace n_plus_one_pooled_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "n-plus-one";

struct TruePair {
  std::string_view parent;
  std::string_view child;
  std::uint32_t per_burst; // rows of the parent: the median run
};

// bench/nplus1-mix.sh's true N+1s (fixtures/logs/pooled/README.md).
constexpr TruePair k_feed{"SELECT id, user_id, title FROM posts ORDER BY id DESC LIMIT 10 OFFSET 1",
                          "SELECT id, email FROM users WHERE id = 1", 10};
constexpr TruePair k_digest_tags{"SELECT id, user_id, title FROM posts ORDER BY id LIMIT 5 OFFSET 1",
                                 "SELECT name FROM tags WHERE post_id = 1", 5};
constexpr TruePair k_digest_authors{"SELECT id, user_id, title FROM posts ORDER BY id LIMIT 5 OFFSET 1",
                                    "SELECT id, email FROM users WHERE id = 1", 5};
// The parent is not the statement just before the run: a count(*) is.
constexpr TruePair k_author{"SELECT id, title FROM posts WHERE user_id = 1 ORDER BY id DESC LIMIT 10",
                            "SELECT id, body FROM comments WHERE post_id = 1 ORDER BY id", 10};

std::string pooled(std::string_view name) {
  return std::string(PGADVISE_SOURCE_DIR) + "/fixtures/logs/pooled/" + std::string(name);
}

std::string normalized_of(const model::Workload& workload, std::string_view sql) {
  const model::QueryStats* stats = workload.find(pg::fingerprint(sql).value_or(0));
  return stats == nullptr ? std::string() : stats->normalized;
}

// The finding of one (parent, child) pair: its message names both (the
// child as the loop's main statement, or among the loop body's others).
const core::Finding* pair_finding(const std::vector<core::Finding>& findings, const model::Workload& workload,
                                  const TruePair& pair) {
  const std::string child = normalized_of(workload, pair.child);
  const std::string parent = normalized_of(workload, pair.parent);
  if (child.empty() || parent.empty()) {
    return nullptr;
  }
  for (const core::Finding& finding : findings) {
    const bool names_child =
        finding.message.find(" of " + advisor::short_query(child, 100) + " (") != std::string::npos ||
        finding.message.find("per row also " + advisor::short_query(child, 60)) != std::string::npos;
    if (names_child &&
        finding.message.find(" executions of " + advisor::short_query(parent, 80)) != std::string::npos) {
      return &finding;
    }
  }
  return nullptr;
}

std::string messages(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& finding : findings) {
    out.push_back(finding.message);
  }
  return core::join(out, "\n");
}

class PooledLog : public ::testing::TestWithParam<std::string_view> {};

TEST_P(PooledLog, ExactlyTheTruePairsWithTheirRowsShareAndAParsingFix) {
  const loaders::LogReadResult read = loaders::read_logs({pooled(GetParam())});
  ASSERT_TRUE(read.usable);
  const auto findings = run_workload_rule(k_rule, read.workload);
  // The hot lookup, the profile and login requests and the batched page are
  // never reported; each true loop is one finding (the users lookup twice:
  // after the feed's page and inside the digest, two code paths; the
  // digest's tags and author per post, one loop body).
  ASSERT_EQ(findings.size(), 3U) << messages(findings);
  EXPECT_EQ(pair_finding(findings, read.workload, k_digest_tags),
            pair_finding(findings, read.workload, k_digest_authors));
  for (const TruePair& pair : {k_feed, k_digest_tags, k_digest_authors, k_author}) {
    const core::Finding* finding = pair_finding(findings, read.workload, pair);
    ASSERT_NE(finding, nullptr) << pair.parent << " -> " << pair.child << "\n" << messages(findings);
    EXPECT_NE(finding->message.find("(" + std::to_string(pair.per_burst) + " per burst"), std::string::npos)
        << finding->message;
    // The share is the evidence: a loop follows (nearly) every execution.
    static const std::regex k_share(R"( after (\d+)% of (\d+) executions of )");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(finding->message, match, k_share)) << finding->message;
    EXPECT_GE(std::stoi(match[1].str()), 80) << finding->message;
    EXPECT_GE(std::stoi(match[2].str()), 2) << finding->message;
    // Every fix is the batched lookup, and parses.
    ASSERT_TRUE(finding->fix);
    EXPECT_NE(finding->fix->statements().find("= ANY($1)"), std::string::npos) << finding->fix->statements();
    EXPECT_TRUE(pg::parse(finding->fix->statements()).ok()) << finding->fix->statements();
    EXPECT_EQ(finding->fix->statements().find("/*"), std::string::npos) << finding->fix->statements();
  }
  // The users lookup after two code paths: two findings, two fingerprints.
  EXPECT_NE(pair_finding(findings, read.workload, k_feed)->fingerprint,
            pair_finding(findings, read.workload, k_digest_authors)->fingerprint);
}

// Seeds 1-6; mixes balanced, hot (the single-row request 12 of 22 times),
// login and requests (repeated requests of one, two and three statements);
// 2 to 6 clients; extended and simple protocol; log_statement and
// log_min_duration_statement; with and without sqlcommenter comments; two
// prefixes in no list; stderr, csvlog and jsonlog.
INSTANTIATE_TEST_SUITE_P(Fixtures, PooledLog,
                         ::testing::Values("balanced-s1.log", "balanced-s1.csv", "balanced-s1.json",
                                           "hot-s2.log", "login-s3.log", "login-s3.csv", "login-s3.json",
                                           "requests-s4.log", "balanced-s5.log", "hot-s6.log"),
                         [](const auto& test_case) {
                           std::string name(test_case.param);
                           for (char& c : name) {
                             c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
                           }
                           return name;
                         });

// With the share threshold at 0 and no minimums, the look-alikes would be
// reported: the threshold is what keeps them out (this test fails if the
// fixtures lose their look-alikes).
TEST(NPlusOnePooled, TheLookAlikesAreThereAndOnlyTheShareKeepsThemOut) {
  const loaders::LogReadResult read = loaders::read_logs({pooled("hot-s2.log")});
  const auto loose =
      run_workload_rule(k_rule, read.workload, nullptr,
                        {{"parent-share", "0"}, {"min-parent-executions", "1"}, {"min-burst", "2"}});
  const std::string hot = normalized_of(read.workload, "SELECT id, title FROM posts WHERE id = 1");
  ASSERT_FALSE(hot.empty());
  const bool hot_reported = std::any_of(loose.begin(), loose.end(), [&](const core::Finding& finding) {
    return finding.message.find(" of " + advisor::short_query(hot, 100) + " (") != std::string::npos;
  });
  EXPECT_TRUE(hot_reported) << messages(loose);
  EXPECT_GT(loose.size(), 4U) << messages(loose);
}

// The author request's lookups come right after a count(*): the parent is the
// posts query before it, whose every execution a run follows.
TEST(NPlusOnePooled, ARunAfterAnUnrelatedQueryIsAttributedToTheConsistentParent) {
  const loaders::LogReadResult read = loaders::read_logs({pooled("balanced-s1.log")});
  const auto findings = run_workload_rule(k_rule, read.workload);
  const core::Finding* finding = pair_finding(findings, read.workload, k_author);
  ASSERT_NE(finding, nullptr) << messages(findings);
  const std::string count =
      normalized_of(read.workload, "SELECT count(*) FROM notifications WHERE user_id = 1 AND NOT read");
  ASSERT_FALSE(count.empty());
  EXPECT_EQ(finding->message.find(advisor::short_query(count, 80)), std::string::npos) << finding->message;
}

// The feed's page query also starts the batched page (one ANY() query): those
// executions are left out of the share, and the evidence says so.
TEST(NPlusOnePooled, ParentExecutionsFollowedByTheBatchedQueryAreLeftOut) {
  const loaders::LogReadResult read = loaders::read_logs({pooled("balanced-s1.log")});
  const auto findings = run_workload_rule(k_rule, read.workload);
  const core::Finding* finding = pair_finding(findings, read.workload, k_feed);
  ASSERT_NE(finding, nullptr) << messages(findings);
  const bool left_out =
      std::any_of(finding->evidence.begin(), finding->evidence.end(), [](const core::Evidence& e) {
        return e.detail.find("followed by one batched query of users and are left out") != std::string::npos;
      });
  EXPECT_TRUE(left_out);
}

// With sqlcommenter tags, each finding names its route and file: the users
// lookup after the feed's page is /feed's, the same lookup in the digest is
// /digest's. (The comments carry a traceparent per request: the statements
// are grouped by its trace id.)
TEST(NPlusOnePooled, SqlcommenterTagsNameTheRouteAndFile) {
  for (std::string_view name : {"login-s3.log", "balanced-s5.log"}) {
    const loaders::LogReadResult read = loaders::read_logs({pooled(name)});
    const auto findings = run_workload_rule(k_rule, read.workload);
    const std::pair<TruePair, std::string_view> expected[] = {
        {k_feed, ", in /feed (src/routes/feed.ts)"},
        {k_digest_tags, ", in /digest (src/routes/digest.ts)"},
        {k_digest_authors, ", in /digest (src/routes/digest.ts)"},
        {k_author, ", in /authors/:id (src/routes/author.ts)"}};
    for (const auto& [pair, route] : expected) {
      const core::Finding* finding = pair_finding(findings, read.workload, pair);
      ASSERT_NE(finding, nullptr) << name << ": " << pair.child << "\n" << messages(findings);
      EXPECT_NE(finding->message.find(route), std::string::npos) << name << ": " << finding->message;
    }
    // The statements show as the application wrote them: one request's
    // traceparent comment is no part of the query a report names.
    for (const core::Finding& finding : findings) {
      EXPECT_EQ(finding.message.find("traceparent"), std::string::npos) << name << ": " << finding.message;
    }
    for (const model::QueryStats& stats : read.workload.queries) {
      EXPECT_EQ(stats.normalized.find("/*"), std::string::npos) << name << ": " << stats.normalized;
    }
  }
  // Without tags, no route is named.
  const loaders::LogReadResult plain = loaders::read_logs({pooled("balanced-s1.log")});
  for (const core::Finding& finding : run_workload_rule(k_rule, plain.workload)) {
    EXPECT_EQ(finding.message.find(", in /"), std::string::npos) << finding.message;
  }
}

} // namespace n_plus_one_pooled_test
