#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace pgadvise::core {

// The read side of a text held some compact way (RareText, InternedText):
// `Derived` gives `const std::string& str() const`, and reads as that
// string does. Comparisons and concatenations are hidden friends, found
// through the derived type.
template <typename Derived> class TextReads {
public:
  operator const std::string&() const { return text(); } // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return text(); }   // NOLINT(google-explicit-constructor)
  [[nodiscard]] std::size_t size() const { return text().size(); }
  [[nodiscard]] const char* c_str() const { return text().c_str(); }
  [[nodiscard]] const char* data() const { return text().data(); }
  [[nodiscard]] std::size_t find(std::string_view what, std::size_t from = 0) const {
    return text().find(what, from);
  }
  [[nodiscard]] std::size_t rfind(std::string_view what, std::size_t from = std::string::npos) const {
    return text().rfind(what, from);
  }
  [[nodiscard]] std::size_t find(char what, std::size_t from = 0) const { return text().find(what, from); }
  [[nodiscard]] std::size_t rfind(char what, std::size_t from = std::string::npos) const {
    return text().rfind(what, from);
  }
  [[nodiscard]] std::string substr(std::size_t from, std::size_t count = std::string::npos) const {
    return text().substr(from, count);
  }
  [[nodiscard]] bool starts_with(std::string_view prefix) const { return text().starts_with(prefix); }
  [[nodiscard]] bool ends_with(std::string_view suffix) const { return text().ends_with(suffix); }

  friend bool operator==(const Derived& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const Derived& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const Derived& a, const char* b) { return a.str() == b; }
  friend bool operator<(const Derived& a, const Derived& b) { return a.str() < b.str(); }
  friend std::string operator+(const Derived& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(const Derived& a, char b) { return a.str() + b; }
  friend std::string operator+(std::string a, const Derived& b) { return a += b.str(); }
  friend std::string operator+(const char* a, const Derived& b) { return a + b.str(); }
  friend std::ostream& operator<<(std::ostream& out, const Derived& text) { return out << text.str(); }

private:
  [[nodiscard]] const std::string& text() const { return static_cast<const Derived&>(*this).str(); }
};

} // namespace pgadvise::core
