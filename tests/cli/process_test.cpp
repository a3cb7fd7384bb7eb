// The CLI tests trust run_process to tell a TTY from a pipe and to keep the
// two streams apart; check that on standard tools.
#include "cli/process.hpp"

#include <gtest/gtest.h>

using pgadvise::test::ProcessOptions;
using pgadvise::test::run_process;

TEST(Process, SeparatesStreamsAndExitCode) {
  const auto result = run_process("/bin/sh", {"-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(Process, PipeIsNotATerminalButPtyIs) {
  EXPECT_EQ(run_process("/bin/sh", {"-c", "test -t 1"}).exit_code, 1);
  ProcessOptions tty;
  tty.tty = true;
  EXPECT_EQ(run_process("/bin/sh", {"-c", "test -t 1"}, tty).exit_code, 0);
}

TEST(Process, SetsAndUnsetsEnvironment) {
  ProcessOptions options;
  options.env["PGADVISE_PROCESS_TEST"] = "yes";
  options.env["HOME"] = std::nullopt;
  const auto result =
      run_process("/bin/sh", {"-c", "echo \"$PGADVISE_PROCESS_TEST:${HOME-unset}\""}, options);
  EXPECT_EQ(result.out, "yes:unset\n");
}

TEST(Process, KillsAHungChild) {
  ProcessOptions options;
  options.timeout = std::chrono::seconds(1);
  const auto result = run_process("/bin/sleep", {"30"}, options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_NE(result.exit_code, 0);
}
