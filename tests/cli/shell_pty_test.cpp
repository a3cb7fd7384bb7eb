#include "support/test_label.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

// `pgadvise` started with no arguments at a terminal is the interactive
// shell: driven here through a pseudo-terminal, as a developer would.
namespace pgadvise::test {
namespace {

namespace fs = std::filesystem;

class PtySession {
public:
  explicit PtySession(const fs::path& cwd) {
    m_home = fs::temp_directory_path() / ("pgadvise-pty-" + std::to_string(getpid()));
    fs::create_directories(m_home);
    m_pid = forkpty(&m_fd, nullptr, nullptr, nullptr);
    if (m_pid == 0) {
      if (chdir(cwd.c_str()) != 0) {
        _exit(127);
      }
      setenv("HOME", m_home.c_str(), 1);
      setenv("TERM", "dumb", 1);
      setenv("NO_COLOR", "1", 1);
      execl(PGADVISE_BINARY, PGADVISE_BINARY, static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;
  PtySession(PtySession&&) = delete;
  PtySession& operator=(PtySession&&) = delete;
  ~PtySession() {
    if (m_pid > 0 && !m_reaped) {
      kill(m_pid, SIGKILL);
      waitpid(m_pid, nullptr, 0);
    }
    if (m_fd >= 0) {
      close(m_fd);
    }
    std::error_code ec;
    fs::remove_all(m_home, ec);
  }

  [[nodiscard]] bool started() const { return m_pid > 0 && m_fd >= 0; }

  void send(const std::string& text) const {
    ASSERT_EQ(write(m_fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

  // Reads until `needle` appears after `from` in the transcript, or the
  // child closes the terminal, or 60 s pass (a guard against hangs, not a
  // timing assertion).
  bool wait_for(const std::string& needle, std::size_t from = 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (m_transcript.find(needle, from) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) {
        return false;
      }
      pollfd pfd{m_fd, POLLIN, 0};
      if (poll(&pfd, 1, 1000) <= 0) {
        continue;
      }
      std::array<char, 4096> buffer{};
      const ssize_t n = read(m_fd, buffer.data(), buffer.size());
      if (n <= 0) {
        return m_transcript.find(needle, from) != std::string::npos;
      }
      m_transcript.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return true;
  }

  int wait_exit() {
    int status = 0;
    // Drain what is left so the child never blocks on a full terminal.
    wait_for("\x01never\x01");
    if (waitpid(m_pid, &status, 0) != m_pid) {
      return -1;
    }
    m_reaped = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  [[nodiscard]] const std::string& transcript() const { return m_transcript; }

private:
  fs::path m_home;
  int m_fd = -1;
  pid_t m_pid = -1;
  bool m_reaped = false;
  std::string m_transcript;
};

TEST(ShellPty, PastedQueryOnUnindexedForeignKeyShowsFindingAndCreateIndex) {
  const std::string mislabeled = label_mismatch("pty");
  ASSERT_TRUE(mislabeled.empty()) << mislabeled;
  PtySession session(fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "drizzle-app");
  ASSERT_TRUE(session.started());
  ASSERT_TRUE(session.wait_for("pgadvise=> ")) << session.transcript();
  // posts.author_id references users(id) and no index leads with it.
  session.send("SELECT title FROM posts\r");
  ASSERT_TRUE(session.wait_for("pgadvise-> ")) << session.transcript(); // the statement continues
  session.send("  WHERE author_id = 42 LIMIT 10;\r");
  const std::size_t answered = session.transcript().size();
  ASSERT_TRUE(session.wait_for("pgadvise=> ", answered)) << session.transcript();
  const std::string& text = session.transcript();
  EXPECT_NE(text.find("filter-on-unindexed-column"), std::string::npos) << text;
  EXPECT_NE(text.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_author_id_idx ON posts (author_id)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("index(\"posts_author_id_idx\")"), std::string::npos) << text;
  session.send("\\q\r");
  EXPECT_EQ(session.wait_exit(), 0) << session.transcript();
}

} // namespace
} // namespace pgadvise::test
