#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <memory>
#include <string>

// A PostgreSQL cluster of pgadvise's own, for `lint --verify-locks`: made
// with the user's PostgreSQL binaries (initdb, pg_ctl) in a temporary
// directory, reachable only through a unix socket there, and removed when
// the run ends -- by the destructor, or, if pgadvise dies first, by a
// watchdog process that sees pgadvise's end of a pipe close. Nothing of the
// user's databases is touched.
namespace pgadvise::app {

class ThrowawayCluster {
public:
  // Finds the binaries (PGADVISE_PG_BINDIR, else initdb on PATH, else
  // `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin), runs
  // initdb and starts the server. As root, the server runs as the `postgres`
  // user (PostgreSQL refuses root). The error says which step failed and
  // the end of its log.
  static core::Result<std::unique_ptr<ThrowawayCluster>> start();

  ThrowawayCluster(const ThrowawayCluster&) = delete;
  ThrowawayCluster& operator=(const ThrowawayCluster&) = delete;
  ThrowawayCluster(ThrowawayCluster&&) = delete;
  ThrowawayCluster& operator=(ThrowawayCluster&&) = delete;
  ~ThrowawayCluster();

  // The superuser over the unix socket (trust): libpq key=value form.
  [[nodiscard]] std::string conninfo() const;
  // "a throwaway cluster of /usr/lib/postgresql/15/bin"
  [[nodiscard]] const std::string& description() const { return m_description; }

private:
  ThrowawayCluster() = default;

  std::filesystem::path m_dir;
  std::string m_description;
  int m_watchdog_fd = -1;
  int m_watchdog_pid = 0;
};

} // namespace pgadvise::app
