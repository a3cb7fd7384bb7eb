#include "core/format.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace pgadvise::core {

std::string group_digits(std::int64_t value) {
  // Unsigned magnitude: negating INT64_MIN would overflow.
  const std::uint64_t magnitude =
      value < 0 ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value);
  std::string digits = std::to_string(magnitude);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<std::size_t>(at), ",");
  }
  return value < 0 ? "-" + digits : digits;
}

std::string human_bytes(std::int64_t bytes) {
  const std::array<std::string_view, 5> units{"bytes", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < units.size()) {
    value /= 1024;
    ++unit;
  }
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), unit == 0 ? "%.0f %s" : "%.1f %s", value,
                std::string(units[unit]).c_str());
  return text.data();
}

std::string percent(double share) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), share > 0 && share < 0.01 ? "%.1f%%" : "%.0f%%", share * 100);
  return text.data();
}

std::string human_age(double seconds) {
  const auto count = [](double value, std::string_view unit) {
    const long rounded = std::lround(std::floor(value));
    return std::to_string(rounded) + " " + std::string(unit) + (rounded == 1 ? "" : "s");
  };
  if (seconds >= 86400) {
    return count(seconds / 86400, "day");
  }
  if (seconds >= 3600) {
    return count(seconds / 3600, "hour");
  }
  return count(std::max(seconds, 0.0) / 60, "minute");
}

std::string human_duration_ms(double ms) {
  std::array<char, 32> text{};
  if (ms < 1000) {
    std::snprintf(text.data(), text.size(), ms < 10 ? "%.2f ms" : "%.0f ms", ms);
  } else if (ms < 60'000) {
    std::snprintf(text.data(), text.size(), "%.1f s", ms / 1000);
  } else if (ms < 3'600'000) {
    std::snprintf(text.data(), text.size(), "%.1f min", ms / 60'000);
  } else {
    std::snprintf(text.data(), text.size(), "%.1f h", ms / 3'600'000);
  }
  return text.data();
}

} // namespace pgadvise::core
