#include "hostile/bounded_run.hpp"

#include "support/files.hpp"
#include "support/test_label.hpp"

#include <array>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pgadvise::test {

namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PGADVISE_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PGADVISE_TEST_ASAN 1
#endif

} // namespace

bool built_with_sanitizers() {
#ifdef PGADVISE_TEST_ASAN
  return true;
#else
  return false;
#endif
}

BoundedResult run_bounded(const std::vector<std::string>& args, const BoundedOptions& options) {
  // A test that starts pgadvise is no `unit` test (tests/labels.cmake).
  if (const std::string mislabeled = label_mismatch("process"); !mislabeled.empty()) {
    ADD_FAILURE() << mislabeled;
  }
  const std::string out_path = options.cwd + "/.bounded.out";
  const std::string err_path = options.cwd + "/.bounded.err";
  const bool drop = options.as_nobody && ::geteuid() == 0;
  // The unprivileged user may not reach the build tree (a checkout in a
  // private folder, as mktemp -d makes): it runs a copy of the binary placed
  // in the run's own folder, which it has to reach anyway.
  std::string binary = PGADVISE_BINARY;
  if (drop) {
    const std::filesystem::path copy = std::filesystem::path(options.cwd) / ".pgadvise-as-nobody";
    std::error_code ignored;
    std::filesystem::copy_file(binary, copy, std::filesystem::copy_options::overwrite_existing, ignored);
    binary = copy.string();
  }
  // Everything the child needs is built before fork.
  std::vector<std::string> storage{binary};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : storage) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  const bool limit_memory = !built_with_sanitizers();
  const rlim_t limit = static_cast<rlim_t>(options.memory_limit_mib) * 1024 * 1024;

  std::array<int, 2> stdin_pipe{-1, -1};
  if (options.stdin_held_open && ::pipe(stdin_pipe.data()) != 0) {
    return {};
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = options.stdin_held_open ? stdin_pipe[0] : ::open("/dev/null", O_RDONLY);
    if (in < 0 || ::dup2(in, 0) < 0) {
      ::_exit(126);
    }
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 || ::chdir(options.cwd.c_str()) != 0) {
      ::_exit(126);
    }
    if (limit_memory) {
      const rlimit bound{limit, limit};
      ::setrlimit(RLIMIT_AS, &bound);
    }
    if (drop && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      ::_exit(126);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (options.stdin_held_open) {
    ::close(stdin_pipe[0]); // the write end stays open until the program is gone
  }
  BoundedResult result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  int status = 0;
  rusage usage{};
  while (true) {
    const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) {
      break;
    }
    if (std::chrono::steady_clock::now() > deadline && !result.timed_out) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(20)); // polling the watchdog, not a timing assertion
  }
  if (options.stdin_held_open) {
    ::close(stdin_pipe[1]);
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.peak_rss_kib = usage.ru_maxrss;
  result.out = pgadvise::test::read_text(out_path);
  result.err = pgadvise::test::read_text(err_path);
  ::unlink(out_path.c_str());
  ::unlink(err_path.c_str());
  if (drop) {
    ::unlink(binary.c_str());
  }
  return result;
}

} // namespace pgadvise::test
