#pragma once

#include "core/shared_text.hpp"

#include <concepts>
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace pgadvise::core {

// A SharedText that most of the objects holding it leave empty (a migration
// step's old and new type, detail and value: the 350,000 steps of a
// 100,000-table schema set none of them): one pointer, null while empty,
// where a SharedText takes 16 bytes. Once set it holds a SharedText on the
// heap, so a literal is still a view and not a copy. Reads as SharedText
// does; writes replace the whole text.
class RareSharedText {
public:
  RareSharedText() = default;
  template <typename T>
  requires std::constructible_from<SharedText, T&&> &&(!std::same_as<std::remove_cvref_t<T>, RareSharedText>)
      RareSharedText(T&& text) { // NOLINT(google-explicit-constructor,bugprone-forwarding-reference-overload)
    assign(SharedText(std::forward<T>(text)));
  }
  RareSharedText(const RareSharedText& other)
      : m_text(other.m_text ? std::make_unique<SharedText>(*other.m_text) : nullptr) {}
  RareSharedText(RareSharedText&&) noexcept = default;
  RareSharedText& operator=(const RareSharedText& other) {
    if (this != &other) {
      m_text = other.m_text ? std::make_unique<SharedText>(*other.m_text) : nullptr;
    }
    return *this;
  }
  RareSharedText& operator=(RareSharedText&&) noexcept = default;
  template <typename T>
  requires std::constructible_from<SharedText, T&&> &&
      (!std::same_as<std::remove_cvref_t<T>, RareSharedText>)RareSharedText&
      operator=(T&& text) {
    assign(SharedText(std::forward<T>(text)));
    return *this;
  }
  ~RareSharedText() = default;

  [[nodiscard]] std::string_view view() const { return m_text ? m_text->view() : std::string_view(); }
  operator std::string_view() const { return view(); } // NOLINT(google-explicit-constructor)
  [[nodiscard]] std::string str() const { return std::string(view()); }
  [[nodiscard]] bool empty() const { return !m_text; }
  [[nodiscard]] std::size_t size() const { return view().size(); }
  [[nodiscard]] std::size_t find(std::string_view what, std::size_t from = 0) const {
    return view().find(what, from);
  }
  RareSharedText& operator+=(std::string_view more) {
    SharedText joined = m_text ? *m_text : SharedText();
    joined += more;
    assign(std::move(joined));
    return *this;
  }

  friend bool operator==(const RareSharedText& a, const RareSharedText& b) { return a.view() == b.view(); }
  friend bool operator==(const RareSharedText& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const RareSharedText& a, const std::string& b) { return a.view() == b; }
  template <std::size_t N> friend bool operator==(const RareSharedText& a, const char (&b)[N]) {
    return a.view() == std::string_view(b);
  }
  friend std::string operator+(const RareSharedText& a, std::string_view b) {
    std::string out(a.view());
    out += b;
    return out;
  }
  friend std::string operator+(std::string a, const RareSharedText& b) {
    a += b.view();
    return a;
  }
  friend std::ostream& operator<<(std::ostream& out, const RareSharedText& text) {
    return out << text.view();
  }

private:
  // An empty text holds nothing.
  void assign(SharedText text) {
    if (text.empty()) {
      m_text.reset();
    } else {
      m_text = std::make_unique<SharedText>(std::move(text));
    }
  }

  std::unique_ptr<SharedText> m_text;
};

} // namespace pgadvise::core
