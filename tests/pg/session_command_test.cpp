// pg::SessionCommand: what a script's statement does to the session running
// it (lint --verify-locks skips transaction control and timeouts).
#include "pg/session_command.hpp"

#include <gtest/gtest.h>

namespace session_command_test {

using namespace pgadvise;

TEST(SessionCommand, TransactionControlAndSettings) {
  using SessionKind = pg::SessionCommand::Kind;
  EXPECT_EQ(pg::session_command("BEGIN").kind, SessionKind::transaction);
  EXPECT_EQ(pg::session_command("commit;").kind, SessionKind::transaction);
  const pg::SessionCommand set = pg::session_command("SET LOCAL Lock_Timeout = '5s'");
  EXPECT_EQ(set.kind, SessionKind::set);
  EXPECT_EQ(set.setting, "lock_timeout");
  EXPECT_EQ(pg::session_command("CREATE INDEX i ON t (a)").kind, SessionKind::other);
  EXPECT_EQ(pg::session_command("SELECT 1; SELECT 2").kind, SessionKind::unparsed);
  EXPECT_EQ(pg::session_command("CREATE TABLE (").kind, SessionKind::unparsed);
}

} // namespace session_command_test
