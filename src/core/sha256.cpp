#include "core/sha256.hpp"

#include <array>
#include <openssl/evp.h>
#include <stdexcept>

namespace pgadvise::core {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    // Only a broken libcrypto gets here; nothing downstream can do without the hash.
    throw std::runtime_error("libcrypto: SHA-256 failed");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::size_t{2} * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += k_hex[digest[i] >> 4U];
    out += k_hex[digest[i] & 0x0FU];
  }
  return out;
}

} // namespace pgadvise::core
