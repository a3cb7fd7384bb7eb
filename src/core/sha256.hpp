#pragma once

#include <string>
#include <string_view>

namespace pgadvise::core {

// SHA-256 of `data` (OpenSSL's libcrypto) as 64 lowercase hex digits: the digest
// drizzle-orm's migrator records for each applied migration file.
std::string sha256_hex(std::string_view data);

} // namespace pgadvise::core
