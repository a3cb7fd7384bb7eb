#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pgadvise::core {

// 64-bit FNV-1a: stable across platforms and runs, used for finding
// fingerprints (baselines, SARIF partialFingerprints).
std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed = 0xcbf29ce484222325ULL);
std::string to_hex(std::uint64_t value);

} // namespace pgadvise::core
