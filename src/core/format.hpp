#pragma once

#include <cstdint>
#include <string>

namespace pgadvise::core {

// Numbers as people read them in a report: the same spelling everywhere.

// 1234567 -> "1,234,567": counters are compared by magnitude.
std::string group_digits(std::int64_t value);

// 8192 -> "8.0 kB" (powers of 1024, as pg_size_pretty).
std::string human_bytes(std::int64_t bytes);

// 0.934 -> "93%"; below 1% keeps one decimal so it never reads "0%".
std::string percent(double share);

// 3.5 days -> "3 days"; 90 minutes -> "1 hour"; floors to the unit.
std::string human_age(double seconds);

// 0.42 -> "0.42 ms", 1234.5 -> "1.2 s", 7260000 -> "2.0 h".
std::string human_duration_ms(double ms);

} // namespace pgadvise::core
