// loaders/logs/request_windows: a client's executions given to the read
// execution whose request they most likely belong to, without traces.
#include "loaders/logs/request_windows.hpp"

#include <gtest/gtest.h>

namespace request_windows_test {

using pgadvise::loaders::FanOutExec;
using pgadvise::loaders::RequestWindows;
using pgadvise::model::ParentFollow;
using pgadvise::model::Workload;

constexpr std::uint64_t k_read = 101;              // the roles read
constexpr std::uint64_t k_lookup = 202;            // the permission lookup per role
constexpr std::int64_t k_start_ms = 1700000000000; // a log's first timestamp (0 is "no time")

FanOutExec read(std::int64_t ms, std::uint64_t session, int line) {
  FanOutExec exec;
  exec.ts_us = (k_start_ms + ms) * 1000;
  exec.id = k_read;
  exec.row_statement = k_read;
  exec.parent = k_read;
  exec.drives_loop = true;
  exec.session = session;
  exec.line = line;
  return exec;
}

FanOutExec lookup(std::int64_t ms, std::uint64_t session, int line) {
  FanOutExec exec;
  exec.ts_us = (k_start_ms + ms) * 1000;
  exec.id = k_lookup;
  exec.row_statement = k_lookup;
  exec.session = session;
  exec.line = line;
  return exec;
}

const ParentFollow& follow_of(const Workload& workload) {
  static const ParentFollow none;
  const auto found = workload.parent_follows.find({k_lookup, k_read});
  return found == workload.parent_follows.end() ? none : found->second;
}

// Two users' permission checks at once on a pool: each read, then its 3
// lookups on whichever connections are free, interleaved with the other
// user's. Each read gets its own three, the first on its own connection.
TEST(RequestWindows, TwoUsersSmallLoopsAtOnceEachReadGetsItsOwn) {
  Workload workload;
  RequestWindows windows;
  const std::vector<std::string> files{"pg.log"};
  const std::vector<FanOutExec> log = {read(0, 1, 1),       read(2, 2, 2),       lookup(4, 1, 3),
                                       lookup(5, 2, 4),     lookup(6, 3, 5),     lookup(7, 4, 6),
                                       lookup(8, 5, 7),     lookup(9, 6, 8),     read(2000, 1, 9),
                                       lookup(2003, 1, 10), lookup(2004, 3, 11), lookup(2005, 4, 12)};
  for (const FanOutExec& exec : log) {
    windows.add(exec, files, workload);
  }
  windows.finish(files, workload);
  const ParentFollow& follow = follow_of(workload);
  EXPECT_EQ(follow.followed, 3U);
  EXPECT_EQ(follow.single, 0U);
  EXPECT_EQ(follow.children, 9U);
  EXPECT_EQ(follow.min_k, 3U);
  EXPECT_EQ(follow.max_k, 3U);
  EXPECT_GE(follow.by_connection, 3U); // each read's first lookup, on the read's connection
  EXPECT_EQ(follow.by_connection + follow.alone + follow.nearest, 9U);
  EXPECT_EQ(follow.example_parent.line, 1);
}

// Users opening one page at once: each runs the read, then one lookup. No
// read is followed by two: nothing for a loop to be confirmed by.
TEST(RequestWindows, UsersOpeningOnePageAtOnceGiveEachReadOne) {
  Workload workload;
  RequestWindows windows;
  const std::vector<std::string> files{"pg.log"};
  const std::vector<FanOutExec> log = {read(0, 1, 1),    read(1, 2, 2),    read(2, 3, 3), lookup(3, 1, 4),
                                       lookup(4, 2, 5),  lookup(5, 3, 6),  read(9, 1, 7), read(10, 2, 8),
                                       lookup(11, 2, 9), lookup(12, 1, 10)};
  for (const FanOutExec& exec : log) {
    windows.add(exec, files, workload);
  }
  windows.finish(files, workload);
  const ParentFollow& follow = follow_of(workload);
  EXPECT_EQ(follow.followed, 0U);
  EXPECT_EQ(follow.single, 5U);
}

// Statements without a time have no window: nothing is given.
TEST(RequestWindows, NoTimestampsNoWindows) {
  Workload workload;
  RequestWindows windows;
  const std::vector<std::string> files{"pg.log"};
  for (FanOutExec exec : {read(0, 1, 1), lookup(0, 1, 2), lookup(0, 2, 3)}) {
    exec.ts_us = 0;
    windows.add(exec, files, workload);
  }
  windows.finish(files, workload);
  EXPECT_TRUE(workload.parent_follows.empty());
}

} // namespace request_windows_test
