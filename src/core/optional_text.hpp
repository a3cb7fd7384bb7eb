#pragma once

#include "core/interned_text.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pgadvise::core {

// An optional text that many objects repeat when short (a column's
// default: `'{}'`, `now()`, `0`): one pointer, null while unset. A text of
// up to 15 bytes points at InternedText's pooled copy, so the 100,000
// `DEFAULT '{}'` columns of a 100,000-table schema share one instead of
// each holding a heap block; a longer one is owned, on the heap at its
// length. Reads as std::optional<std::string> does (`*`, `->`, `value_or`,
// `has_value`); writes replace the whole text.
class OptionalText {
public:
  OptionalText() = default;
  OptionalText(std::nullopt_t /*none*/) {}                      // NOLINT(google-explicit-constructor)
  OptionalText(std::string text) { assign(std::move(text)); }   // NOLINT(google-explicit-constructor)
  OptionalText(const char* text) { assign(std::string(text)); } // NOLINT(google-explicit-constructor)
  OptionalText(const OptionalText& other) {
    if (other.m_text != nullptr) {
      assign(*other.m_text);
    }
  }
  OptionalText(OptionalText&& other) noexcept : m_text(std::exchange(other.m_text, nullptr)) {}
  OptionalText& operator=(const OptionalText& other) {
    if (this != &other) {
      if (other.m_text == nullptr) {
        reset();
      } else {
        assign(*other.m_text);
      }
    }
    return *this;
  }
  OptionalText& operator=(OptionalText&& other) noexcept {
    if (this != &other) {
      release();
      m_text = std::exchange(other.m_text, nullptr);
    }
    return *this;
  }
  OptionalText& operator=(std::string text) {
    assign(std::move(text));
    return *this;
  }
  OptionalText& operator=(const char* text) { return *this = std::string(text); }
  OptionalText& operator=(std::nullopt_t /*none*/) {
    reset();
    return *this;
  }
  OptionalText& operator=(const std::optional<std::string>& text) {
    if (text) {
      assign(*text);
    } else {
      reset();
    }
    return *this;
  }
  ~OptionalText() { release(); }

  [[nodiscard]] bool has_value() const { return m_text != nullptr; }
  explicit operator bool() const { return has_value(); }
  const std::string& operator*() const { return *m_text; }
  const std::string* operator->() const { return m_text; }
  void reset() { release(); }
  template <typename U> [[nodiscard]] std::string value_or(U&& fallback) const {
    return m_text != nullptr ? *m_text : std::string(std::forward<U>(fallback));
  }

  // Equal when both are unset or both hold equal texts, as std::optional.
  friend bool operator==(const OptionalText& a, const OptionalText& b) {
    return a.has_value() == b.has_value() && (!a.has_value() || *a == *b);
  }
  friend bool operator==(const OptionalText& a, const std::string& b) { return a.has_value() && *a == b; }
  friend bool operator==(const OptionalText& a, const char* b) { return a.has_value() && *a == b; }

private:
  static constexpr std::size_t k_pooled_up_to = 15; // std::string's own short length

  void assign(std::string text) {
    release();
    if (text.size() <= k_pooled_up_to) {
      m_text = &InternedText(text).str();
      return;
    }
    text.shrink_to_fit();
    m_text = new std::string(std::move(text)); // NOLINT(cppcoreguidelines-owning-memory): released below
  }
  // Pooled texts are the short ones: only a longer one is this object's.
  void release() {
    if (m_text != nullptr && m_text->size() > k_pooled_up_to) {
      delete m_text; // NOLINT(cppcoreguidelines-owning-memory)
    }
    m_text = nullptr;
  }

  const std::string* m_text = nullptr;
};

} // namespace pgadvise::core
