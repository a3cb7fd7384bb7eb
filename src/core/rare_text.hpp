#pragma once

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace pgadvise::core {

// A text that most of the objects holding it leave empty (a fix's Drizzle
// line, a column's Drizzle property): one pointer, null while empty, where
// a std::string takes 32 bytes. 450,000 fixes of a 100,000-table schema
// carry four each, and 600,000 columns two. In `c ? std::string(..) : text`
// write text.str(): each converts to the other. Reads as a `const std::string&`
// (an empty one while unset); writes replace the whole text.
class RareText {
public:
  RareText() = default;
  RareText(std::string text) { assign(std::move(text)); }        // NOLINT(google-explicit-constructor)
  RareText(std::string_view text) { assign(std::string(text)); } // NOLINT(google-explicit-constructor)
  RareText(const char* text) { assign(std::string(text)); }      // NOLINT(google-explicit-constructor)
  RareText(const RareText& other) { assign(other.str()); }
  RareText(RareText&&) noexcept = default;
  RareText& operator=(const RareText& other) {
    if (this != &other) {
      assign(other.str());
    }
    return *this;
  }
  RareText& operator=(RareText&&) noexcept = default;
  RareText& operator=(std::string text) {
    assign(std::move(text));
    return *this;
  }
  RareText& operator=(std::string_view text) { return *this = std::string(text); }
  RareText& operator=(const char* text) { return *this = std::string(text); }
  ~RareText() = default;

  [[nodiscard]] const std::string& str() const { return m_text ? *m_text : empty_text(); }
  operator const std::string&() const { return str(); } // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return str(); }   // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool empty() const { return !m_text; }
  [[nodiscard]] std::size_t size() const { return str().size(); }
  [[nodiscard]] const char* c_str() const { return str().c_str(); }
  [[nodiscard]] const char* data() const { return str().data(); }
  [[nodiscard]] std::size_t find(std::string_view what, std::size_t from = 0) const {
    return str().find(what, from);
  }
  [[nodiscard]] std::size_t rfind(std::string_view what, std::size_t from = std::string::npos) const {
    return str().rfind(what, from);
  }
  [[nodiscard]] std::size_t find(char what, std::size_t from = 0) const { return str().find(what, from); }
  [[nodiscard]] std::size_t rfind(char what, std::size_t from = std::string::npos) const {
    return str().rfind(what, from);
  }
  [[nodiscard]] std::string substr(std::size_t from, std::size_t count = std::string::npos) const {
    return str().substr(from, count);
  }
  [[nodiscard]] bool starts_with(std::string_view prefix) const { return str().starts_with(prefix); }
  [[nodiscard]] bool ends_with(std::string_view suffix) const { return str().ends_with(suffix); }
  void clear() { m_text.reset(); }
  RareText& operator+=(std::string_view more) { return *this = str() + std::string(more); }

  friend bool operator==(const RareText& a, const RareText& b) { return a.str() == b.str(); }
  friend bool operator==(const RareText& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const RareText& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const RareText& a, const char* b) { return a.str() == b; }
  friend std::string operator+(const RareText& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(std::string a, const RareText& b) { return a += b.str(); }
  friend std::string operator+(const char* a, const RareText& b) { return a + b.str(); }
  friend std::ostream& operator<<(std::ostream& out, const RareText& text) { return out << text.str(); }

private:
  static const std::string& empty_text() {
    static const std::string empty;
    return empty;
  }
  // An empty text holds nothing; a set one exactly its characters' room.
  void assign(std::string text) {
    if (text.empty()) {
      m_text.reset();
      return;
    }
    text.shrink_to_fit();
    m_text = std::make_unique<std::string>(std::move(text));
  }

  std::unique_ptr<std::string> m_text;
};

} // namespace pgadvise::core
