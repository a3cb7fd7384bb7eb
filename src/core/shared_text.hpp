#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace pgadvise::core {

// A text that thousands of findings may carry word for word: a rule's fixed
// help, a fix's safety note. It is either its own string or a view of text
// that lives as long as the program (a string literal, or one copy kept in a
// program-wide pool by `interned`), so 450,000 findings of a big schema do
// not hold 450,000 copies of the same 400 bytes. Reads go through view().
class SharedText {
public:
  SharedText() = default;
  SharedText(const std::string& text) { own(text); } // NOLINT(google-explicit-constructor)
  // The characters are copied (to a buffer of exactly their size) either way.
  SharedText(std::string&& text) { own(text); }    // NOLINT(google-explicit-constructor)
  SharedText(std::string_view text) { own(text); } // NOLINT(google-explicit-constructor)
  SharedText(const SharedText& other) { copy_from(other); }
  SharedText(SharedText&& other) noexcept : m_data(other.m_data), m_size(other.m_size) { other.forget(); }
  SharedText& operator=(const SharedText& other) {
    if (this != &other) {
      release();
      copy_from(other);
    }
    return *this;
  }
  SharedText& operator=(SharedText&& other) noexcept {
    if (this != &other) {
      release();
      m_data = other.m_data;
      m_size = other.m_size;
      other.forget();
    }
    return *this;
  }
  ~SharedText() { release(); }
  // A string literal lives as long as the program: kept as a view, so a
  // rule's fixed help costs nothing per finding. (A writable char buffer is
  // refused below; pass it as std::string_view to copy it.)
  template <std::size_t N>
  SharedText(const char (&literal)[N]) // NOLINT(google-explicit-constructor)
      : m_data(literal), m_size(std::char_traits<char>::length(literal)) {}
  template <std::size_t N> SharedText(char (&buffer)[N]) = delete;

  // A view of `text`, which must outlive every finding: a literal or static.
  [[nodiscard]] static SharedText fixed(std::string_view text) {
    SharedText out;
    out.m_data = text.data();
    out.m_size = text.size();
    return out;
  }
  // The pool's one copy of `text` (added on first use; thread-safe). For
  // texts that repeat across findings, never for one-off text: the pool
  // keeps what it holds until the program ends.
  [[nodiscard]] static SharedText interned(std::string_view text);

  [[nodiscard]] std::string_view view() const { return {m_data, m_size & ~k_owned}; }
  operator std::string_view() const { return view(); } // NOLINT(google-explicit-constructor)
  [[nodiscard]] std::string str() const { return std::string(view()); }
  [[nodiscard]] bool empty() const { return view().empty(); }
  [[nodiscard]] std::size_t size() const { return view().size(); }
  [[nodiscard]] std::size_t find(std::string_view what, std::size_t from = 0) const {
    return view().find(what, from);
  }

  // Appending makes the text its own first.
  SharedText& operator+=(std::string_view more);

  friend bool operator==(const SharedText& a, const SharedText& b) { return a.view() == b.view(); }
  friend bool operator==(const SharedText& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const SharedText& a, const std::string& b) { return a.view() == b; }
  template <std::size_t N> friend bool operator==(const SharedText& a, const char (&b)[N]) {
    return a.view() == std::string_view(b);
  }
  friend std::string operator+(const SharedText& a, std::string_view b) {
    std::string out(a.view());
    out += b;
    return out;
  }
  friend std::string operator+(std::string a, const SharedText& b) {
    a += b.view();
    return a;
  }
  friend std::ostream& operator<<(std::ostream& out, const SharedText& text) { return out << text.view(); }

private:
  // The size's top bit says the characters are this text's own (allocated
  // by own(), freed by release()); clear, they are a view of a literal or
  // of the pool. 16 bytes, where a std::string and a view took 48: a
  // finding carries two (help, its fix's safety note).
  static constexpr std::size_t k_owned = ~(~std::size_t{0} >> 1U);

  void own(std::string_view text);
  void copy_from(const SharedText& other) {
    if ((other.m_size & k_owned) != 0) {
      own(other.view());
    } else {
      m_data = other.m_data;
      m_size = other.m_size;
    }
  }
  void release() noexcept {
    if ((m_size & k_owned) != 0) {
      delete[] m_data;
    }
    forget();
  }
  void forget() noexcept {
    m_data = nullptr;
    m_size = 0;
  }

  const char* m_data = nullptr;
  std::size_t m_size = 0;
};

} // namespace pgadvise::core
