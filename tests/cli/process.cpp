#include "cli/process.hpp"

#include "support/test_label.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

extern char** environ;

namespace pgadvise::test {

namespace {

// Everything execve needs, built before fork: the child may only call
// async-signal-safe functions.
struct ExecImage {
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::string cwd; // empty: the caller's

  ExecImage(const std::string& program, const std::vector<std::string>& args,
            const std::map<std::string, std::optional<std::string>>& env, std::string directory)
      : cwd(std::move(directory)) {
    argv_storage.push_back(program);
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string text(*entry);
      if (env.count(text.substr(0, text.find('='))) == 0) {
        env_storage.push_back(text);
      }
    }
    for (const auto& [name, value] : env) {
      if (value) {
        env_storage.push_back(name + "=" + *value);
      }
    }
    for (std::string& arg : argv_storage) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    for (std::string& var : env_storage) {
      envp.push_back(var.data());
    }
    envp.push_back(nullptr);
  }
};

// Reads every fd until EOF (EIO on a pty master once the child is gone) or
// the deadline; returns false on timeout.
bool drain(std::vector<std::pair<int, std::string*>> fds, std::chrono::steady_clock::time_point deadline) {
  std::array<char, 4096> buffer{};
  while (!fds.empty()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    std::vector<pollfd> polled;
    for (const auto& [fd, sink] : fds) {
      polled.push_back(pollfd{fd, POLLIN, 0});
    }
    if (poll(polled.data(), polled.size(), static_cast<int>(left.count())) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    for (std::size_t i = polled.size(); i-- > 0;) {
      if (polled[i].revents == 0) {
        continue;
      }
      const ssize_t n = read(polled[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        fds[i].second->append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
  }
  return true;
}

int wait_for(pid_t pid, bool kill_first) {
  if (kill_first) {
    kill(pid, SIGKILL);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

ProcessResult run_on_pty(ExecImage& image, std::chrono::steady_clock::time_point deadline) {
  ProcessResult result;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    result.err = std::string("forkpty: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    if (!image.cwd.empty() && chdir(image.cwd.c_str()) != 0) {
      _exit(126);
    }
    execve(image.argv[0], image.argv.data(), image.envp.data());
    _exit(127);
  }
  result.timed_out = !drain({{master, &result.out}}, deadline);
  close(master);
  result.exit_code = wait_for(pid, result.timed_out);
  return result;
}

ProcessResult run_on_pipes(ExecImage& image, std::chrono::steady_clock::time_point deadline) {
  ProcessResult result;
  std::array<int, 2> out_pipe{};
  std::array<int, 2> err_pipe{};
  if (pipe2(out_pipe.data(), O_CLOEXEC) != 0 || pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    result.err = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    result.err = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    if (!image.cwd.empty() && chdir(image.cwd.c_str()) != 0) {
      _exit(126);
    }
    execve(image.argv[0], image.argv.data(), image.envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  result.timed_out = !drain({{out_pipe[0], &result.out}, {err_pipe[0], &result.err}}, deadline);
  close(out_pipe[0]);
  close(err_pipe[0]);
  result.exit_code = wait_for(pid, result.timed_out);
  return result;
}

// Node's tools (drizzle-kit, tsc, npm): node itself (also through
// /usr/bin/env), or a program or script under a node_modules folder.
bool runs_node_tool(const std::string& program, const std::vector<std::string>& args) {
  const auto is_node = [](std::string_view path) {
    const std::string_view name = path.substr(path.rfind('/') + 1);
    return name == "node" || name == "npm" || name == "npx" ||
           path.find("/node_modules/") != std::string::npos;
  };
  if (is_node(program) || (program == "/usr/bin/env" && !args.empty() && is_node(args.front()))) {
    return true;
  }
  return std::any_of(args.begin(), args.end(),
                     [](const std::string& arg) { return arg.find("/node_modules/") != std::string::npos; });
}

} // namespace

ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const ProcessOptions& options) {
  // A test that starts a program is no `unit` test (tests/labels.cmake).
  if (const std::string mislabeled = label_mismatch(runs_node_tool(program, args) ? "tools" : "process");
      !mislabeled.empty()) {
    ADD_FAILURE() << mislabeled;
  }
  ExecImage image(program, args, options.env, options.cwd);
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  return options.tty ? run_on_pty(image, deadline) : run_on_pipes(image, deadline);
}

} // namespace pgadvise::test
