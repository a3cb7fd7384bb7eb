#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pgadvise::model {

// PostgreSQL's table lock modes, weakest first (the order of the conflict
// table in "Explicit Locking"): each conflicts with more modes than the one
// before it, so a stronger mode can be told by comparing.
enum class LockMode : std::uint8_t {
  none,
  access_share,
  row_share,
  row_exclusive,
  share_update_exclusive,
  share,
  share_row_exclusive,
  exclusive,
  access_exclusive,
};

// "ACCESS EXCLUSIVE", as the documentation and LOCK TABLE spell it.
std::string_view to_string(LockMode mode);

// pg_locks.mode ("AccessExclusiveLock") as a LockMode; nullopt for anything else.
std::optional<LockMode> lock_mode_from_pg_locks(std::string_view mode);

// What a waiting request for `mode` on a table holds up: "reads and writes",
// "writes", "schema changes and VACUUM", or "" for none of those.
std::string_view blocked_by(LockMode mode);

} // namespace pgadvise::model
