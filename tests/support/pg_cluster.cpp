#include "support/pg_cluster.hpp"

#include "support/files.hpp"
#include "support/test_cache.hpp"
#include "support/test_label.hpp"

#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <mutex>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ; // NOLINT: POSIX

namespace pgadvise::test_support {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_default_bin_dir = "/usr/lib/postgresql/15/bin";
constexpr std::string_view k_server_user = "postgres";

std::mutex& cluster_mutex() {
  static std::mutex k_mutex;
  return k_mutex;
}

bool running_as_root() {
  return geteuid() == 0;
}

// The server refuses to run as root: as root every server program runs as
// the `postgres` user.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (running_as_root()) {
    argv.insert(argv.begin(), {"runuser", "-u", std::string(k_server_user), "--"});
  }
  return argv;
}

// The file naming the set-up program in flight (initdb, pg_ctl start), so
// the watchdog can let it finish before cleaning up after a crash.
constexpr std::string_view k_in_flight = "setup.running";

// `argv` as posix_spawn takes it, null-terminated; valid while `argv` lives.
std::vector<char*> spawn_args(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str())); // NOLINT: posix_spawn's signature
  }
  args.push_back(nullptr);
  return args;
}

// Runs a program (no shell) with its output appended to `log`; the exit
// status, or -1 when it could not start.
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
  const fs::path in_flight = log.parent_path() / k_in_flight;
  std::ofstream(in_flight) << pid << "\n";
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::error_code ignored;
  fs::remove(in_flight, ignored);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_tail(const fs::path& file, std::size_t max_bytes = 2000) {
  const std::string text = pgadvise::test::read_text(file);
  return text.size() > max_bytes ? "..." + text.substr(text.size() - max_bytes) : text;
}

// A loopback port nobody listens on right now (the kernel's choice).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && // NOLINT: sockets API
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) { // NOLINT: sockets API
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

bool give_to_server_user(const fs::path& path) {
  if (!running_as_root()) {
    return true;
  }
  const passwd* user = getpwnam(std::string(k_server_user).c_str());
  return user != nullptr && chown(path.c_str(), user->pw_uid, user->pw_gid) == 0;
}

// The watchdog: a shell in its own session that waits for EOF on its stdin
// (our pipe), then stops the server and removes the directory. It sees EOF
// when we close the pipe in shutdown(), and also when this process dies
// without running any destructor. Dying during set-up leaves initdb or
// pg_ctl running: it waits (up to a minute) for them first.
constexpr std::string_view k_watchdog_script =
    "read _unused; pg_ctl=\"$1\"; data=\"$2\"; dir=\"$3\"; shift 3; "
    "for _ in $(seq 1 120); do "
    "[ -f \"$dir/setup.running\" ] && kill -0 \"$(cat \"$dir/setup.running\")\" 2>/dev/null || break; "
    "sleep 0.5; done; "
    "if [ -f \"$data/postmaster.pid\" ]; then "
    "\"$@\" \"$pg_ctl\" -D \"$data\" -m fast -t 20 stop >/dev/null 2>&1 || "
    "\"$@\" \"$pg_ctl\" -D \"$data\" -m immediate stop >/dev/null 2>&1; fi; "
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
  // Its own session: a signal sent to our process group spares it.
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
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

// A fresh data directory, made once per build tree and copied for each
// cluster: ctest runs every test in a process of its own, and initdb costs
// about 2 s where a copy costs 0.1 s. The template is kept in the build
// tree's test-cache/ (test::cache_dir), named after the server's initdb
// (path, size, time), so another PostgreSQL build makes another template.
fs::path template_dir(const fs::path& bin_dir) {
  std::error_code ec;
  const fs::path initdb = bin_dir / "initdb";
  const auto size = fs::file_size(initdb, ec);
  const auto time = fs::last_write_time(initdb, ec).time_since_epoch().count();
  if (ec) {
    return {};
  }
  const std::string key = initdb.string() + ":" + std::to_string(size) + ":" + std::to_string(time);
  return test::cache_dir() / ("pg-template-" + std::to_string(std::hash<std::string>{}(key)));
}

// `data` from the template (cp -a keeps the server user's ownership); a
// copy cut short is removed, for initdb to make `data` instead.
bool copy_template(const fs::path& templ, const fs::path& data, const fs::path& log) {
  std::error_code ec;
  if (templ.empty() || !fs::exists(templ / "PG_VERSION", ec)) {
    return false;
  }
  if (run_program({"cp", "-a", templ.string(), data.string()}, log) == 0) {
    return true;
  }
  fs::remove_all(data, ec);
  return false;
}

// Keeps a fresh `data` as the template: copied beside it, then renamed into
// place, so a cluster starting at the same moment sees all of it or none.
void keep_template(const fs::path& data, const fs::path& templ, const fs::path& log) {
  if (templ.empty()) {
    return;
  }
  std::error_code ec;
  fs::create_directories(templ.parent_path(), ec);
  const fs::path partial = templ.string() + ".partial-" + std::to_string(getpid());
  if (run_program({"cp", "-a", data.string(), partial.string()}, log) == 0) {
    fs::rename(partial, templ, ec); // another process may have kept one first: keep that
  }
  fs::remove_all(partial, ec);
}

std::string server_settings(int port, const fs::path& dir, const fs::path& bin_dir) {
  std::string conf = "\n# pgadvise test cluster\n";
  conf += "listen_addresses = '127.0.0.1'\n";
  conf += "port = " + std::to_string(port) + "\n";
  conf += "unix_socket_directories = '" + dir.string() + "'\n";
  // A throwaway cluster: durability only costs time.
  conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
  conf += "max_connections = 40\nshared_buffers = 32MB\n";
  conf += "autovacuum = off\n"; // counters and statistics change only when a test says so
  conf += "password_encryption = 'scram-sha-256'\n";
  // For workload tests (pg_stat_statements); HypoPG needs no preloading.
  const fs::path lib_dir = bin_dir.parent_path() / "lib";
  if (fs::exists(lib_dir / "pg_stat_statements.so")) {
    conf += "shared_preload_libraries = 'pg_stat_statements'\n";
  }
  return conf;
}

class ClusterEnvironment : public ::testing::Environment {
public:
  void TearDown() override { PgCluster::shutdown(); }
};

// gtest owns the environment; registering at static-initialization time
// works with gtest_main.
[[maybe_unused]] ::testing::Environment* const k_environment =
    ::testing::AddGlobalTestEnvironment(new ClusterEnvironment); // NOLINT: gtest takes ownership

} // namespace

PgCluster& PgCluster::storage() {
  static PgCluster k_cluster;
  return k_cluster;
}

PgCluster& PgCluster::instance() {
  PgCluster& cluster = storage();
  const std::lock_guard lock(cluster_mutex());
  if (cluster.m_port == 0 && cluster.m_error.empty()) {
    cluster.start();
  }
  return cluster;
}

void PgCluster::shutdown() {
  const std::lock_guard lock(cluster_mutex());
  storage().stop();
}

PgCluster::~PgCluster() {
  stop();
}

void PgCluster::start() {
  m_error = test::label_mismatch("cluster");
  if (!m_error.empty()) {
    return;
  }
  const char* env_bin = std::getenv("PGADVISE_PG_BINDIR");
  m_bin_dir = env_bin != nullptr && *env_bin != '\0' ? fs::path(env_bin) : fs::path(k_default_bin_dir);
  if (!fs::exists(m_bin_dir / "initdb") || !fs::exists(m_bin_dir / "pg_ctl")) {
    m_error = "no PostgreSQL server programs in " + m_bin_dir.string() +
              " (install postgresql-15, e.g. scripts/install-deps.sh, or set PGADVISE_PG_BINDIR)";
    return;
  }
  if (running_as_root() && getpwnam(std::string(k_server_user).c_str()) == nullptr) {
    m_error = "running as root, but there is no `postgres` user to run the server as";
    return;
  }
  std::string pattern = (fs::temp_directory_path() / "pgadvise-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    m_error = "mkdtemp failed: " + std::string(std::strerror(errno));
    return;
  }
  m_dir = pattern;
  const fs::path data = m_dir / "data";
  const fs::path log = m_dir / "setup.log";
  const Watchdog watchdog = spawn_watchdog(m_bin_dir / "pg_ctl", data, m_dir);
  m_watchdog_fd = watchdog.write_fd;
  m_watchdog_pid = watchdog.pid;
  if (m_watchdog_pid == 0) {
    m_error = "could not start the cluster's watchdog process";
    fs::remove_all(m_dir);
    return;
  }

  // The superuser's password lets TCP tests log in as postgres too.
  const fs::path password_file = m_dir / "superuser.pw";
  std::ofstream(password_file) << "postgres-test-superuser\n";
  if (!give_to_server_user(m_dir) || !give_to_server_user(password_file)) {
    m_error = "could not give " + m_dir.string() + " to the postgres user";
    return;
  }
  const fs::path templ = template_dir(m_bin_dir);
  if (!copy_template(templ, data, log)) {
    const int initdb =
        run_program(as_server_user({(m_bin_dir / "initdb").string(), "-D", data.string(), "-U",
                                    std::string(k_superuser), "--auth-local=trust",
                                    "--auth-host=scram-sha-256", "--pwfile=" + password_file.string(), "-E",
                                    "UTF8", "--locale=C", "--no-sync", "--no-instructions"}),
                    log);
    if (initdb != 0) {
      m_error = "initdb failed (exit " + std::to_string(initdb) + "): " + read_tail(log);
      return;
    }
    keep_template(data, templ, log);
  }
  // A port can be taken between choosing and binding: try a few.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int port = free_port();
    std::ofstream(data / "postgresql.conf", std::ios::app) << server_settings(port, m_dir, m_bin_dir);
    const int started =
        run_program(as_server_user({(m_bin_dir / "pg_ctl").string(), "-D", data.string(), "-l",
                                    (m_dir / "server.log").string(), "-w", "-t", "60", "start"}),
                    log);
    if (started == 0) {
      m_port = port;
      return;
    }
  }
  m_error = "pg_ctl start failed: " + read_tail(m_dir / "server.log");
}

void PgCluster::stop() {
  if (m_watchdog_fd >= 0) {
    close(m_watchdog_fd); // the watchdog stops the server and removes the directory
    m_watchdog_fd = -1;
    int status = 0;
    while (waitpid(m_watchdog_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_watchdog_pid = 0;
  }
  if (m_port != 0) {
    m_port = 0;
    m_error = "the test cluster was stopped";
  }
}

int PgCluster::unused_port() {
  return free_port();
}

std::string PgCluster::admin_conninfo(std::string_view database) const {
  return "host=" + m_dir.string() + " port=" + std::to_string(m_port) + " user=" + std::string(k_superuser) +
         " dbname=" + std::string(database);
}

std::string PgCluster::tcp_conninfo(std::string_view database, std::string_view user,
                                    std::string_view password) const {
  return "host=127.0.0.1 port=" + std::to_string(m_port) + " user=" + std::string(user) + " password='" +
         std::string(password) + "' dbname=" + std::string(database);
}

pg::DbResult<pg::Connection> PgCluster::admin(std::string_view database) const {
  pg::ConnectOptions options;
  options.conninfo = admin_conninfo(database);
  options.read_only = false;
  options.statement_timeout = std::chrono::minutes(2);
  return pg::Connection::open(options);
}

std::string PgCluster::create_database(std::string_view prefix, std::string* why) {
  auto connection = admin();
  if (!connection.ok()) {
    if (why != nullptr) {
      *why = connection.error().to_string();
    }
    return {};
  }
  const std::string name = std::string(prefix) + "_" + std::to_string(++m_databases);
  if (auto created = connection->query("CREATE DATABASE " + name); !created.ok()) {
    if (why != nullptr) {
      *why = created.error().to_string();
    }
    return {};
  }
  return name;
}

} // namespace pgadvise::test_support
