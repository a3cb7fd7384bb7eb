#include "app/scope/changed_files.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX, for posix_spawnp

namespace pgadvise::app {

namespace fs = std::filesystem;

namespace {

// Owns a pipe's two ends.
class Pipe {
public:
  Pipe() {
    if (pipe(m_fds.data()) != 0) {
      m_fds = {-1, -1};
    }
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  Pipe(Pipe&&) = delete;
  Pipe& operator=(Pipe&&) = delete;
  ~Pipe() {
    close_read();
    close_write();
  }
  [[nodiscard]] bool ok() const { return m_fds[0] >= 0; }
  [[nodiscard]] int read_end() const { return m_fds[0]; }
  [[nodiscard]] int write_end() const { return m_fds[1]; }
  void close_read() { close_fd(m_fds[0]); }
  void close_write() { close_fd(m_fds[1]); }

private:
  static void close_fd(int& fd) {
    if (fd >= 0) {
      close(fd);
      fd = -1;
    }
  }
  std::array<int, 2> m_fds{-1, -1};
};

} // namespace

core::Result<GitOutput> run_git(const fs::path& dir, const std::vector<std::string>& args) {
  std::vector<std::string> words = {"git", "-C", dir.string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& word : words) {
    argv.push_back(word.data());
  }
  argv.push_back(nullptr);

  Pipe out;
  Pipe err;
  if (!out.ok() || !err.ok()) {
    return core::Error("cannot create a pipe to run git");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, out.read_end());
  posix_spawn_file_actions_addclose(&actions, err.read_end());
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  out.close_write();
  err.close_write();
  if (spawned != 0) {
    return core::Error("cannot run git (is it installed and on PATH?)");
  }

  GitOutput result;
  std::array<pollfd, 2> fds{pollfd{out.read_end(), POLLIN, 0}, pollfd{err.read_end(), POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  std::array<char, 65536> buffer{};
  int open_streams = 2;
  while (open_streams > 0) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      const ssize_t n = read(fds[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        sinks[i]->append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_streams;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

namespace {

std::string first_line(const std::string& text) {
  return std::string(core::trim(text.substr(0, text.find('\n'))));
}

fs::path normal(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::absolute(path).lexically_normal() : out;
}

void add_lines(ChangedFiles& changed, const std::string& text) {
  for (const std::string& line : core::split(text, '\n')) {
    if (!core::trim(line).empty()) {
      changed.files.insert(normal(changed.repository_root / std::string(core::trim(line))));
    }
  }
}

bool located_in(const core::SourceLocation& location, const ChangedFiles& changed) {
  return location.known() && changed.contains(location.file);
}

// Whether the finding's object was declared by a changed file.
bool object_changed(const core::Finding& finding, const ChangedFiles& changed,
                    const model::Catalog& catalog) {
  if (finding.object.table.empty()) {
    return false;
  }
  const model::Table* table = catalog.find_table(
      finding.object.schema.empty() ? "public" : finding.object.schema, finding.object.table);
  if (table == nullptr) {
    return false;
  }
  if (located_in(table->location, changed) || located_in(table->drizzle_location, changed)) {
    return true;
  }
  for (const std::string& name : finding.object.columns) {
    if (const model::Column* column = table->find_column(name);
        column != nullptr && located_in(column->location, changed)) {
      return true;
    }
  }
  if (finding.object.constraint.empty()) {
    return false;
  }
  if (const model::Index* index = table->find_index(finding.object.constraint);
      index != nullptr && located_in(index->location, changed)) {
    return true;
  }
  return std::any_of(table->foreign_keys.begin(), table->foreign_keys.end(),
                     [&](const model::ForeignKey& fk) {
                       return fk.name == finding.object.constraint && located_in(fk.location, changed);
                     });
}

} // namespace

bool ChangedFiles::contains(const std::string& file) const {
  return files.count(normal(file)) > 0;
}

core::Result<ChangedFiles> changed_files_since(const std::string& ref, const fs::path& directory) {
  auto top = run_git(directory, {"rev-parse", "--show-toplevel"});
  if (!top) {
    return core::Error("--changed-since: " + top.error().message);
  }
  if (top->status != 0) {
    return core::Error("--changed-since needs a git repository, and " + normal(directory).string() +
                       " is not in one (" + first_line(top->err) + ")");
  }
  ChangedFiles changed;
  changed.repository_root = normal(first_line(top->out));
  // The merge base: what the branch changed, not what REF gained since.
  if (ref.empty() || ref.front() == '-') {
    return core::Error("--changed-since: '" + ref + "' is not a git ref");
  }
  auto base = run_git(changed.repository_root, {"merge-base", ref, "HEAD"});
  if (!base) {
    return base.error();
  }
  if (base->status != 0 || first_line(base->out).empty()) {
    auto verify = run_git(changed.repository_root, {"rev-parse", "--verify", "--quiet", ref + "^{commit}"});
    return core::Error("--changed-since: git cannot compare with '" + ref + "'" +
                       (verify && verify->status != 0 ? " (no such commit, branch or tag)"
                                                      : " (no common ancestor with HEAD)"));
  }
  auto diff =
      run_git(changed.repository_root, {"diff", "--name-only", "--no-renames", first_line(base->out), "--"});
  if (!diff) {
    return diff.error();
  }
  if (diff->status != 0) {
    return core::Error("--changed-since: git diff failed: " + first_line(diff->err));
  }
  add_lines(changed, diff->out);
  auto untracked = run_git(changed.repository_root, {"ls-files", "--others", "--exclude-standard"});
  if (untracked && untracked->status == 0) {
    add_lines(changed, untracked->out);
  }
  return changed;
}

std::size_t keep_changed(core::FindingList& findings, const ChangedFiles& changed,
                         const model::Catalog& catalog) {
  return findings.remove_if([&](core::FindingList::Entry& entry) {
    const core::FindingList::Held held = entry.finding();
    const core::Finding& finding = *held;
    if (located_in(finding.location, changed)) {
      return false;
    }
    if (std::any_of(finding.evidence.begin(), finding.evidence.end(),
                    [&](const core::Evidence& e) { return located_in(e.location, changed); })) {
      return false;
    }
    return !object_changed(finding, changed, catalog);
  });
}

} // namespace pgadvise::app
