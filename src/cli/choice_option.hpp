#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgadvise::cli {

// An option whose value is one of a few words, stored as the enum (or other
// value) the word names: the word is checked and converted here, once.
template <typename T>
CLI::Option* add_choice(CLI::App& command, const std::string& name, T& target,
                        std::vector<std::pair<std::string, T>> choices, const std::string& help) {
  std::vector<std::string> words;
  std::string current;
  for (const auto& [word, value] : choices) {
    words.push_back(word);
    if (value == target) {
      current = word;
    }
  }
  return command
      .add_option_function<std::string>(
          name,
          [&target, choices = std::move(choices)](const std::string& word) {
            for (const auto& [known, value] : choices) {
              if (known == word) {
                target = value;
              }
            }
          },
          help)
      ->check(CLI::IsMember(words))
      ->default_str(current);
}

} // namespace pgadvise::cli
