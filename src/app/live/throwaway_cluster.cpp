#include "app/live/throwaway_cluster.hpp"

#include "core/file.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ; // NOLINT: POSIX

namespace pgadvise::app {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_server_user = "postgres"; // who runs the server when pgadvise runs as root
constexpr std::string_view k_superuser = "pgadvise";   // the cluster's own superuser
constexpr int k_port = 5432;                           // only names the socket file: no TCP

bool running_as_root() {
  return geteuid() == 0;
}

std::vector<char*> spawn_args(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str())); // NOLINT: posix_spawn's signature
  }
  args.push_back(nullptr);
  return args;
}

// Runs a program (no shell), its output appended to `log`; the exit status,
// or -1 when it could not start or was killed.
int run_program(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args = spawn_args(argv);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// As root every server program runs as the `postgres` user.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (running_as_root()) {
    argv.insert(argv.begin(), {"runuser", "-u", std::string(k_server_user), "--"});
  }
  return argv;
}

std::string tail_of(const fs::path& log) {
  constexpr std::size_t k_tail = 600;
  const auto text = core::read_file(log);
  if (!text) {
    return {};
  }
  std::string out(core::trim(*text));
  if (out.size() > k_tail) {
    out = "..." + out.substr(out.size() - k_tail);
  }
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

bool has_server_programs(const fs::path& dir) {
  std::error_code ec;
  return !dir.empty() && fs::is_regular_file(dir / "initdb", ec) && fs::is_regular_file(dir / "pg_ctl", ec) &&
         fs::is_regular_file(dir / "postgres", ec);
}

fs::path on_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) {
    return {};
  }
  for (const std::string& dir : core::split(path, ':')) {
    std::error_code ec;
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (fs::is_regular_file(candidate, ec)) {
      return fs::canonical(candidate, ec).parent_path();
    }
  }
  return {};
}

fs::path from_pg_config(const fs::path& scratch) {
  const fs::path out = scratch / "pg_config.out";
  if (on_path("pg_config").empty() || run_program({"pg_config", "--bindir"}, out) != 0) {
    return {};
  }
  const auto text = core::read_file(out);
  return text ? fs::path(std::string(core::trim(*text))) : fs::path();
}

// The newest /usr/lib/postgresql/N/bin (Debian and Ubuntu keep the server
// programs there, off PATH).
fs::path newest_debian_bindir() {
  fs::path best;
  long best_version = -1;
  std::error_code ec;
  for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    char* stop = nullptr;
    const long version = std::strtol(name.c_str(), &stop, 10);
    if (stop != nullptr && *stop == '\0' && version > best_version &&
        has_server_programs(it->path() / "bin")) {
      best_version = version;
      best = it->path() / "bin";
    }
  }
  return best;
}

core::Result<fs::path> find_bindir(const fs::path& scratch) {
  if (const char* given = std::getenv("PGADVISE_PG_BINDIR"); given != nullptr && *given != '\0') {
    if (has_server_programs(given)) {
      return fs::path(given);
    }
    return core::Error(std::string("PGADVISE_PG_BINDIR=") + given + " has no initdb, pg_ctl and postgres");
  }
  for (const fs::path& candidate : {on_path("initdb"), from_pg_config(scratch), newest_debian_bindir()}) {
    if (has_server_programs(candidate)) {
      return candidate;
    }
  }
  return core::Error("no PostgreSQL server programs found (initdb, pg_ctl, postgres): install the server "
                     "(Debian: postgresql-15) or set PGADVISE_PG_BINDIR");
}

bool give_to_server_user(const fs::path& path) {
  if (!running_as_root()) {
    return true;
  }
  const passwd* user = getpwnam(std::string(k_server_user).c_str());
  return user != nullptr && chown(path.c_str(), user->pw_uid, user->pw_gid) == 0;
}

// A shell in its own session that waits for EOF on its stdin (our end of a
// pipe), then stops the server and removes the directory: when we close the
// pipe, and also when pgadvise dies any other way.
constexpr std::string_view k_watchdog_script =
    "read _unused; pg_ctl=\"$1\"; data=\"$2\"; dir=\"$3\"; shift 3; "
    "if [ -f \"$data/postmaster.pid\" ]; then "
    "\"$@\" \"$pg_ctl\" -D \"$data\" -m immediate -w -t 20 stop >/dev/null 2>&1; fi; "
    "rm -rf \"$dir\"";

struct Watchdog {
  int write_fd = -1;
  int pid = 0;
};

Watchdog spawn_watchdog(const fs::path& pg_ctl, const fs::path& data, const fs::path& dir) {
  std::array<int, 2> fds{};
  if (pipe2(fds.data(), O_CLOEXEC) != 0) {
    return {};
  }
  std::vector<std::string> argv{
      "sh", "-c", std::string(k_watchdog_script), "watchdog", pg_ctl.string(), data.string(), dir.string()};
  if (running_as_root()) {
    argv.insert(argv.end(), {"runuser", "-u", std::string(k_server_user), "--"});
  }
  std::vector<char*> args = spawn_args(argv);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID); // spared by a signal to our process group
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "sh", &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(fds[0]);
  if (spawned != 0) {
    close(fds[1]);
    return {};
  }
  return {fds[1], pid};
}

// A throwaway cluster's settings: no TCP, no durability, nothing running
// on its own (autovacuum would take locks the observation would see).
std::string server_settings(const fs::path& dir) {
  return "\n# pgadvise --verify-locks\nlisten_addresses = ''\nport = " + std::to_string(k_port) +
         "\nunix_socket_directories = '" + dir.string() +
         "'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nautovacuum = off\n"
         "max_connections = 10\nshared_buffers = 32MB\n";
}

} // namespace

core::Result<std::unique_ptr<ThrowawayCluster>> ThrowawayCluster::start() {
  if (running_as_root() && getpwnam(std::string(k_server_user).c_str()) == nullptr) {
    return core::Error("PostgreSQL refuses to run as root and there is no `postgres` user to run it as: run "
                       "pgadvise as another user, or use --verify-locks-on-db-server with --db");
  }
  std::string pattern = (fs::temp_directory_path() / "pgadvise-verify-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return core::Error("could not create a temporary directory for the throwaway cluster");
  }
  std::unique_ptr<ThrowawayCluster> cluster(new ThrowawayCluster());
  cluster->m_dir = pattern;
  const fs::path& dir = cluster->m_dir;
  auto bindir = find_bindir(dir);
  if (!bindir) {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    return bindir.error();
  }
  const fs::path data = dir / "data";
  const fs::path log = dir / "setup.log";
  const fs::path pg_ctl = *bindir / "pg_ctl";
  // The watchdog first: from here on, a crash still cleans up.
  const Watchdog watchdog = spawn_watchdog(pg_ctl, data, dir);
  cluster->m_watchdog_fd = watchdog.write_fd;
  cluster->m_watchdog_pid = watchdog.pid;
  if (!give_to_server_user(dir)) {
    return core::Error("could not hand " + dir.string() + " to the postgres user");
  }
  const std::vector<std::string> initdb{(*bindir / "initdb").string(),
                                        "-D",
                                        data.string(),
                                        "-U",
                                        std::string(k_superuser),
                                        "--auth=trust",
                                        "--encoding=UTF8",
                                        "--locale=C",
                                        "--no-sync"};
  if (run_program(as_server_user(initdb), log) != 0) {
    return core::Error("initdb (" + bindir->string() + ") failed: " + tail_of(log));
  }
  {
    std::ofstream conf(data / "postgresql.conf", std::ios::app);
    conf << server_settings(dir);
    if (!conf) {
      return core::Error("could not write " + (data / "postgresql.conf").string());
    }
  }
  const std::vector<std::string> start_server{
      pg_ctl.string(), "-D", data.string(), "-l", (dir / "server.log").string(), "-w", "-t", "30", "start"};
  if (run_program(as_server_user(start_server), log) != 0) {
    return core::Error("the throwaway PostgreSQL did not start: " + tail_of(dir / "server.log"));
  }
  cluster->m_description = "a throwaway cluster of " + bindir->string();
  return cluster;
}

ThrowawayCluster::~ThrowawayCluster() {
  if (m_watchdog_fd >= 0) {
    close(m_watchdog_fd); // the watchdog stops the server and removes the directory
    int status = 0;
    while (m_watchdog_pid > 0 && waitpid(m_watchdog_pid, &status, 0) < 0 && errno == EINTR) {
    }
  } else {
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
  }
}

std::string ThrowawayCluster::conninfo() const {
  return "host='" + m_dir.string() + "' port=" + std::to_string(k_port) +
         " dbname=postgres user=" + std::string(k_superuser);
}

} // namespace pgadvise::app
