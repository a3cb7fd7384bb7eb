// Workload::share: a log of several databases' traffic shared out among
// them (app/lint/lint_check.cpp). Each statement's facts go to the share
// that keeps it, and what belongs to no statement (sessions, connections,
// warnings) to the whole log's share alone, so no rule reports it twice.
#include "model/workload.hpp"

#include <gtest/gtest.h>

namespace workload_share_test {

using namespace pgadvise;

model::Workload two_apps() {
  model::Workload workload;
  for (const std::uint64_t fingerprint : {11U, 12U, 21U, 22U}) {
    model::QueryStats& stats = workload.upsert(fingerprint);
    stats.calls = fingerprint;
  }
  for (const std::uint64_t child : {12U, 22U}) {
    model::Repeat repeat;
    repeat.fingerprint = child;
    repeat.parent_fingerprint = child - 1;
    repeat.candidates[0] = child - 1;
    repeat.count = 5;
    workload.add_repeat(repeat);
    workload.key_after[{child, child - 1}] = 2;
  }
  workload.write_runs.add({21, 22}, "pid 7", {});
  model::SessionRecord session;
  session.session = "pid 7";
  workload.add_session(session);
  workload.connections.sessions_seen = 1;
  workload.warnings.push_back(model::ReaderWarning{});
  workload.ordered = true;
  workload.statements = 66;
  return workload;
}

TEST(WorkloadShare, EachStatementsFactsGoToTheShareThatKeepsIt) {
  const model::Workload workload = two_apps();
  const model::Workload first = workload.share([](std::uint64_t f) { return f < 20; }, false);
  const model::Workload second = workload.share([](std::uint64_t f) { return f > 20; }, true);

  ASSERT_EQ(first.queries.size(), 2U);
  EXPECT_NE(first.find(11), nullptr);
  EXPECT_EQ(first.find(21), nullptr);
  EXPECT_EQ(first.find(12)->calls, 12U);
  ASSERT_EQ(first.repeats.size(), 1U);
  EXPECT_EQ(first.repeats.front().fingerprint, 12U);
  ASSERT_NE(first.find_pattern(12, 11), nullptr);
  EXPECT_EQ(first.find_pattern(22, 21), nullptr);
  EXPECT_EQ(first.runs_after_parent(12, 11), 1U);
  EXPECT_EQ(first.runs_after_parent(22, 21), 0U);
  EXPECT_EQ(first.key_after.count({12, 11}), 1U);
  EXPECT_TRUE(first.write_runs.runs.empty());
  EXPECT_TRUE(first.ordered);
  // The log's own facts: the whole log's share alone.
  EXPECT_TRUE(first.sessions.empty());
  EXPECT_EQ(first.connections.sessions_seen, 0U);
  EXPECT_TRUE(first.warnings.empty());

  ASSERT_EQ(second.queries.size(), 2U);
  EXPECT_NE(second.find(22), nullptr);
  ASSERT_NE(second.find_pattern(22, 21), nullptr);
  EXPECT_EQ(second.find_pattern(22, 21)->statements, 5U);
  EXPECT_EQ(second.write_runs.runs.size(), 1U);
  EXPECT_EQ(second.sessions.size(), 1U);
  EXPECT_EQ(second.connections.sessions_seen, 1U);
  EXPECT_EQ(second.warnings.size(), 1U);
  EXPECT_EQ(second.statements, 66U);

  // A share can be read further as the whole can: a new statement indexes.
  model::Workload grown = first;
  grown.upsert(13).calls = 1;
  EXPECT_EQ(grown.find(13)->calls, 1U);
  EXPECT_EQ(grown.find(11)->calls, 11U);
}

} // namespace workload_share_test
