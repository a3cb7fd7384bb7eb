#include "loaders/schema_ts/names.hpp"

#include "core/text.hpp"
#include "core/utf8.hpp"

#include <array>
#include <cstdint>

namespace pgadvise::loaders::drizzle_names {

namespace {

bool is_lower_or_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

// The words of a key, as drizzle-orm's casing splits them: runs of
// lower-case letters and digits, acronyms (upper-case runs not followed by a
// lower-case letter), and capitalized words. Everything else separates.
std::vector<std::string> casing_words(std::string_view key) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < key.size()) {
    const char c = key[i];
    if (c == '\'') {
      ++i;
      continue;
    }
    std::string word;
    if (is_lower_or_digit(c)) {
      while (i < key.size() && (is_lower_or_digit(key[i]) || key[i] == '\'')) {
        if (key[i] != '\'') {
          word += key[i];
        }
        ++i;
      }
    } else if (is_upper(c)) {
      std::size_t run = 0;
      while (i + run < key.size() && is_upper(key[i + run])) {
        ++run;
      }
      const bool lower_follows = i + run < key.size() && key[i + run] >= 'a' && key[i + run] <= 'z';
      if (!lower_follows) {
        word = std::string(key.substr(i, run));
        i += run;
      } else if (run >= 2) {
        word = std::string(key.substr(i, run - 1));
        i += run - 1;
      } else {
        word += key[i++];
        while (i < key.size() && is_lower_or_digit(key[i])) {
          word += key[i++];
        }
      }
    } else {
      ++i;
      continue;
    }
    if (!word.empty()) {
      words.push_back(std::move(word));
    }
  }
  return words;
}

void replace_first(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) {
    return;
  }
  const auto pos = text.find(from);
  if (pos != std::string::npos) {
    text.replace(pos, from.size(), to);
  }
}

std::string joined(const std::vector<std::string>& parts) {
  return core::join(parts, "_");
}

// The code points of a name, as JavaScript's `for (const ch of s)` walks
// them (an invalid byte counts as itself).
std::vector<std::uint32_t> code_points(std::string_view text) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = core::utf8::sequence_length(text, i);
    const auto byte = static_cast<unsigned char>(text[i]);
    if (length <= 1) {
      out.push_back(byte);
      ++i;
      continue;
    }
    std::uint32_t cp = byte & (0xFFU >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) {
      cp = (cp << 6U) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
    }
    out.push_back(cp);
    i += length;
  }
  return out;
}

// A name's length as JavaScript's `.length` counts it (UTF-16 units).
std::size_t js_length(const std::vector<std::uint32_t>& points) {
  std::size_t length = 0;
  for (const std::uint32_t cp : points) {
    length += cp > 0xFFFFU ? 2 : 1;
  }
  return length;
}

// drizzle-kit 1.0's hash(input) of a name too long for PostgreSQL: the sum
// of each code point times 53^i, modulo 62^12, written as twelve digits of
// 0-9a-zA-Z. Arithmetic modulo 62^12 keeps the last twelve base-62 digits,
// so the numbers are kept as those digits (least significant first).
std::string kit_1_hash(const std::vector<std::uint32_t>& points) {
  constexpr std::size_t k_length = 12;
  constexpr std::string_view k_digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  using Digits = std::array<std::uint64_t, k_length>;
  const auto add_times = [&](Digits& sum, const Digits& value, std::uint64_t factor) {
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < k_length; ++i) {
      const std::uint64_t digit = sum[i] + value[i] * factor + carry;
      sum[i] = digit % k_digits.size();
      carry = digit / k_digits.size();
    }
  };
  Digits hash{};
  Digits power{};
  power[0] = 1;
  for (const std::uint32_t cp : points) {
    add_times(hash, power, cp);
    Digits next{};
    add_times(next, power, 53);
    power = next;
  }
  std::string out;
  for (std::size_t i = k_length; i-- > 0;) {
    out += k_digits[hash[i]];
  }
  return out;
}

} // namespace

std::string apply_casing(std::string_view key, std::string_view casing) {
  if (casing == "snake_case") {
    std::vector<std::string> words = casing_words(key);
    for (std::string& word : words) {
      word = core::to_lower(word);
    }
    return joined(words);
  }
  if (casing == "camelCase") {
    std::string out;
    const std::vector<std::string> words = casing_words(key);
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (i == 0) {
        out += core::to_lower(words[i]);
      } else {
        out += static_cast<char>(words[i][0] >= 'a' && words[i][0] <= 'z' ? words[i][0] - 'a' + 'A'
                                                                          : words[i][0]);
        out += words[i].substr(1);
      }
    }
    return out;
  }
  return std::string(key);
}

std::string unique_name(std::string_view table, const std::vector<std::string>& raw_columns, Naming naming) {
  return std::string(table) + "_" + joined(raw_columns) + (naming == Naming::kit_1 ? "_key" : "_unique");
}

std::string index_name(std::string_view table, const std::vector<std::string>& columns) {
  return std::string(table) + "_" + joined(columns) + "_index";
}

std::string primary_key_name(std::string_view table, const std::vector<std::string>& raw_columns,
                             const std::vector<std::string>& columns, Naming naming) {
  if (naming == Naming::kit_1) {
    return pkey_name(table);
  }
  std::string name = std::string(table) + "_" + joined(raw_columns) + "_pk";
  for (std::size_t i = 0; i < raw_columns.size() && i < columns.size(); ++i) {
    replace_first(name, raw_columns[i], columns[i]);
  }
  return name;
}

std::string foreign_key_name(std::string_view table, const std::vector<std::string>& raw_columns,
                             const std::vector<std::string>& columns, std::string_view foreign_table,
                             const std::vector<std::string>& raw_foreign_columns,
                             const std::vector<std::string>& foreign_columns, Naming naming) {
  std::string name = std::string(table) + "_" + joined(raw_columns) + "_" + std::string(foreign_table) + "_" +
                     joined(raw_foreign_columns) + (naming == Naming::kit_1 ? "_fkey" : "_fk");
  for (std::size_t i = 0; i < raw_columns.size() && i < columns.size(); ++i) {
    replace_first(name, raw_columns[i], columns[i]);
  }
  for (std::size_t i = 0; i < raw_foreign_columns.size() && i < foreign_columns.size(); ++i) {
    replace_first(name, raw_foreign_columns[i], foreign_columns[i]);
  }
  if (naming == Naming::kit_1) {
    // drizzle-kit 1.0 shortens a name over 63 characters to the table and a
    // hash of the name (the hash alone after a table of 45 or more).
    const std::vector<std::uint32_t> points = code_points(name);
    if (js_length(points) > 63) {
      const std::string hash = kit_1_hash(points) + "_fkey";
      return js_length(code_points(table)) < 45 ? std::string(table) + "_" + hash : hash;
    }
  }
  return name;
}

std::string pkey_name(std::string_view table) {
  return core::truncate_identifier(table, 58) + "_pkey";
}

} // namespace pgadvise::loaders::drizzle_names
