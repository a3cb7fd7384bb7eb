#pragma once

#include "core/source_location.hpp"

#include <string>
#include <utility>
#include <variant>

namespace pgadvise::core {

// An expected failure (unreadable file, bad statement, unknown format): a
// value carrying what went wrong and where, never an exception.
struct Error {
  std::string message;
  SourceLocation location;

  Error() = default;
  explicit Error(std::string text, SourceLocation where = {})
      : message(std::move(text)), location(std::move(where)) {}

  [[nodiscard]] std::string to_string() const {
    return location.known() ? location.to_string() + ": " + message : message;
  }
};

template <typename T> class Result {
public:
  Result(T value) : m_value(std::move(value)) {}     // NOLINT(google-explicit-constructor)
  Result(Error error) : m_value(std::move(error)) {} // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(m_value); }
  explicit operator bool() const { return ok(); }

  [[nodiscard]] T& value() & { return std::get<T>(m_value); }
  [[nodiscard]] const T& value() const& { return std::get<T>(m_value); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(m_value)); }
  [[nodiscard]] const Error& error() const { return std::get<Error>(m_value); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

private:
  std::variant<T, Error> m_value;
};

} // namespace pgadvise::core
