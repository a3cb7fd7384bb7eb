#pragma once

#include "loaders/logs/shape.hpp"

namespace pgadvise::loaders {

// What a logged statement does to its session's explicit transaction:
// BEGIN / START TRANSACTION opens one; COMMIT, END, ABORT and ROLLBACK (not
// ROLLBACK TO a savepoint) close it; anything else runs in it or alone.
enum class TxnControl { none, begin, end };

TxnControl transaction_control(const QueryInfo& info);

} // namespace pgadvise::loaders
