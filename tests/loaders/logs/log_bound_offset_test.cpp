#include "loaders/logs/log_test_support.hpp"

#include <gtest/gtest.h>

using namespace pgadvise;
using namespace pgadvise::testing;

namespace log_bound_offset_test {

// Drizzle's .limit(n).offset(m) reaches the server as `limit $1 offset $2`,
// its values in the DETAIL line (node-postgres' extended protocol, logged by
// log_min_duration_statement = 0 on PostgreSQL 15: parse, bind and execute
// lines, each bound statement's parameters after it). The deepest OFFSET
// asked is what large-offset-pagination judges; it was only read from a
// literal OFFSET, so no Drizzle app's log ever showed one.
constexpr std::string_view k_page =
    R"(select "taskId", "body", "id" from "comments" order by "comments"."created_at" desc limit $1 offset $2)";

std::string page_lines(int pid, const std::string& time, int offset) {
  const std::string prefix = "2026-11-24 20:55:" + time + " UTC [" + std::to_string(pid) + "] app@shop ";
  const std::string detail =
      prefix + "DETAIL:  parameters: $1 = '20', $2 = '" + std::to_string(offset) + "'\n";
  return prefix + "LOG:  duration: 0.451 ms  parse <unnamed>: " + std::string(k_page) + "\n" + prefix +
         "LOG:  duration: 0.329 ms  bind <unnamed>: " + std::string(k_page) + "\n" + detail + prefix +
         "LOG:  duration: 121.451 ms  execute <unnamed>: " + std::string(k_page) + "\n" + detail;
}

TEST(LogBoundOffset, TheDeepestBoundOffsetIsKept) {
  const std::string log =
      page_lines(23856, "03.923", 3440) + page_lines(23854, "03.929", 7980) + page_lines(23856, "04.045", 20);
  const loaders::LogReadResult read = loaders::read_logs({write_temp("bound_offset.log", log)});
  ASSERT_TRUE(read.usable);
  const model::QueryStats* page = stats_of(read.workload, std::string(k_page));
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->calls, 3U);
  EXPECT_TRUE(page->shape.has_offset);
  EXPECT_EQ(page->max_offset.value_or(-1), 7980);
}

// A bound LIMIT alone is no OFFSET; a literal OFFSET still counts.
TEST(LogBoundOffset, ABoundLimitIsNoOffset) {
  const std::string prefix = "2026-11-24 20:55:05.000 UTC [23850] app@shop ";
  const std::string log =
      prefix + "LOG:  duration: 2.1 ms  execute <unnamed>: select id from tasks order by id limit $1\n" +
      prefix + "DETAIL:  parameters: $1 = '5000'\n" + prefix +
      "LOG:  duration: 2.1 ms  execute <unnamed>: select id from projects order by id limit $1 offset "
      "1500\n" +
      prefix + "DETAIL:  parameters: $1 = '20'\n";
  const loaders::LogReadResult read = loaders::read_logs({write_temp("bound_limit.log", log)});
  ASSERT_TRUE(read.usable);
  const model::QueryStats* limited = stats_of(read.workload, "select id from tasks order by id limit $1");
  ASSERT_NE(limited, nullptr);
  EXPECT_FALSE(limited->max_offset.has_value());
  const model::QueryStats* literal =
      stats_of(read.workload, "select id from projects order by id limit $1 offset 1500");
  ASSERT_NE(literal, nullptr);
  EXPECT_EQ(literal->max_offset.value_or(-1), 1500);
}

} // namespace log_bound_offset_test
