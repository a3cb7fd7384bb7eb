#include "model/lock_mode.hpp"

#include <array>
#include <utility>

namespace pgadvise::model {

namespace {

constexpr std::array<std::pair<LockMode, std::string_view>, 8> k_pg_locks_names{{
    {LockMode::access_share, "AccessShareLock"},
    {LockMode::row_share, "RowShareLock"},
    {LockMode::row_exclusive, "RowExclusiveLock"},
    {LockMode::share_update_exclusive, "ShareUpdateExclusiveLock"},
    {LockMode::share, "ShareLock"},
    {LockMode::share_row_exclusive, "ShareRowExclusiveLock"},
    {LockMode::exclusive, "ExclusiveLock"},
    {LockMode::access_exclusive, "AccessExclusiveLock"},
}};

} // namespace

std::string_view to_string(LockMode mode) {
  switch (mode) {
  case LockMode::none: return "no lock";
  case LockMode::access_share: return "ACCESS SHARE";
  case LockMode::row_share: return "ROW SHARE";
  case LockMode::row_exclusive: return "ROW EXCLUSIVE";
  case LockMode::share_update_exclusive: return "SHARE UPDATE EXCLUSIVE";
  case LockMode::share: return "SHARE";
  case LockMode::share_row_exclusive: return "SHARE ROW EXCLUSIVE";
  case LockMode::exclusive: return "EXCLUSIVE";
  case LockMode::access_exclusive: return "ACCESS EXCLUSIVE";
  }
  return "no lock";
}

std::optional<LockMode> lock_mode_from_pg_locks(std::string_view mode) {
  for (const auto& [lock, name] : k_pg_locks_names) {
    if (name == mode) {
      return lock;
    }
  }
  return std::nullopt;
}

std::string_view blocked_by(LockMode mode) {
  // From the conflict table: ACCESS EXCLUSIVE conflicts with ACCESS SHARE
  // (plain SELECT); SHARE and stronger with ROW EXCLUSIVE (INSERT, UPDATE,
  // DELETE); SHARE UPDATE EXCLUSIVE with itself (VACUUM, other DDL).
  if (mode == LockMode::access_exclusive) {
    return "reads and writes";
  }
  if (mode >= LockMode::share) {
    return "writes";
  }
  if (mode == LockMode::share_update_exclusive) {
    return "schema changes and VACUUM";
  }
  return "";
}

} // namespace pgadvise::model
