#pragma once

#include "core/shared_text.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace pgadvise::core {

// A SharedText that many objects hold and most leave empty, in 4 bytes: a
// migration step's kind-specific texts and its transaction (350,000 steps
// of a 100,000-table schema). The text goes into a program-wide table
// (thread-safe, freed only with its generation, core/text_generation.hpp: a
// literal stays a view, other text one copy)
// and this holds its index, 0 while empty. Copies share the entry; a write
// adds a new one. Reads as SharedText does.
class StoredText {
public:
  StoredText() = default;
  template <typename T>
  requires std::constructible_from<SharedText, T&&> &&(!std::same_as<std::remove_cvref_t<T>, StoredText>)
      StoredText(T&& text) // NOLINT(google-explicit-constructor,bugprone-forwarding-reference-overload)
      : m_index(store(SharedText(std::forward<T>(text)))) {}
  template <typename T>
  requires std::constructible_from<SharedText, T&&> &&
      (!std::same_as<std::remove_cvref_t<T>, StoredText>)StoredText&
      operator=(T&& text) {
    m_index = store(SharedText(std::forward<T>(text)));
    return *this;
  }

  [[nodiscard]] std::string_view view() const {
    return m_index == 0 ? std::string_view() : entry(m_index).view();
  }
  operator std::string_view() const { return view(); } // NOLINT(google-explicit-constructor)
  [[nodiscard]] std::string str() const { return std::string(view()); }
  [[nodiscard]] bool empty() const { return m_index == 0; }
  [[nodiscard]] std::size_t size() const { return view().size(); }
  [[nodiscard]] std::size_t find(std::string_view what, std::size_t from = 0) const {
    return view().find(what, from);
  }
  void clear() { m_index = 0; }
  StoredText& operator+=(std::string_view more) {
    std::string joined(view());
    joined += more;
    return *this = std::move(joined);
  }

  friend bool operator==(const StoredText& a, const StoredText& b) {
    return a.m_index == b.m_index || a.view() == b.view();
  }
  friend bool operator==(const StoredText& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const StoredText& a, const std::string& b) { return a.view() == b; }
  template <std::size_t N> friend bool operator==(const StoredText& a, const char (&b)[N]) {
    return a.view() == std::string_view(b);
  }
  friend std::string operator+(const StoredText& a, std::string_view b) {
    std::string out(a.view());
    out += b;
    return out;
  }
  friend std::string operator+(std::string a, const StoredText& b) {
    a += b.view();
    return a;
  }
  friend std::ostream& operator<<(std::ostream& out, const StoredText& text) { return out << text.view(); }

private:
  // The index of a new entry holding `text`; 0 for an empty text.
  static std::uint32_t store(SharedText text);
  static const SharedText& entry(std::uint32_t index);

  std::uint32_t m_index = 0;
};

} // namespace pgadvise::core
