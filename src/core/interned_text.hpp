#pragma once

#include "core/text_reads.hpp"

#include <string>
#include <string_view>

namespace pgadvise::core {

// A name many objects repeat (a column's name and type, the schema and table
// a migration step is on): one pointer to a pooled copy, where a std::string
// takes 32 bytes. 600,000 columns of a 100,000-table schema name a handful
// of types and a few column names between them. The pool keeps every text
// for the life of the program (names only: never a statement or a message).
// Reads as a `const std::string&`; writes replace the whole text. Equal
// texts share one copy, so two InternedTexts compare by their pointers.
class InternedText : public TextReads<InternedText> {
public:
  InternedText() = default;
  InternedText(std::string_view text) : m_text(intern(text)) {}   // NOLINT(google-explicit-constructor)
  InternedText(const std::string& text) : m_text(intern(text)) {} // NOLINT(google-explicit-constructor)
  InternedText(const char* text) : m_text(intern(text)) {}        // NOLINT(google-explicit-constructor)
  InternedText& operator=(std::string_view text) {
    m_text = intern(text);
    return *this;
  }
  InternedText& operator=(const std::string& text) { return *this = std::string_view(text); }
  InternedText& operator=(const char* text) { return *this = std::string_view(text); }

  [[nodiscard]] const std::string& str() const { return *m_text; }
  [[nodiscard]] bool empty() const { return m_text->empty(); }
  void clear() { m_text = empty_text(); }
  InternedText& operator+=(std::string_view more) { return *this = str() + std::string(more); }

  friend bool operator==(const InternedText& a, const InternedText& b) { return a.m_text == b.m_text; }

private:
  // The pooled copy of `text` (one per distinct text, never freed).
  static const std::string* intern(std::string_view text);
  static const std::string* empty_text();

  const std::string* m_text = empty_text();
};

} // namespace pgadvise::core
