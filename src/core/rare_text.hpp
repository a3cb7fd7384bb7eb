#pragma once

#include "core/text_reads.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace pgadvise::core {

// A text that most of the objects holding it leave empty (a fix's Drizzle
// line, a column's Drizzle property): one pointer, null while empty, where
// a std::string takes 32 bytes. 450,000 fixes of a 100,000-table schema
// carry four each, and 600,000 columns two. In `c ? std::string(..) : text`
// write text.str(): each converts to the other. Reads as a `const std::string&`
// (an empty one while unset); writes replace the whole text.
class RareText : public TextReads<RareText> {
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
  [[nodiscard]] bool empty() const { return !m_text; }
  void clear() { m_text.reset(); }
  RareText& operator+=(std::string_view more) { return *this = str() + std::string(more); }

  friend bool operator==(const RareText& a, const RareText& b) { return a.str() == b.str(); }

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
