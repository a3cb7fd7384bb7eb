#include "loaders/logs/transaction_control.hpp"

#include <string_view>

namespace pgadvise::loaders {

namespace {

// `text` starts with the lower-case word `lower`, in any case, followed by
// its end, a space or a semicolon.
bool ieq_prefix(std::string_view text, std::string_view lower) {
  if (text.size() < lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) | 0x20U) != static_cast<unsigned char>(lower[i])) {
      return false;
    }
  }
  return text.size() == lower.size() || text[lower.size()] == ' ' || text[lower.size()] == ';';
}

} // namespace

TxnControl transaction_control(const QueryInfo& info) {
  if (!info.shape.transaction_control) {
    return TxnControl::none;
  }
  const std::string_view text = info.normalized;
  if (ieq_prefix(text, "begin") || ieq_prefix(text, "start")) {
    return TxnControl::begin;
  }
  if (ieq_prefix(text, "commit") || ieq_prefix(text, "end") || ieq_prefix(text, "abort") ||
      (ieq_prefix(text, "rollback") && text.find(" to ") == std::string_view::npos &&
       text.find(" TO ") == std::string_view::npos)) {
    return TxnControl::end;
  }
  return TxnControl::none;
}

} // namespace pgadvise::loaders
