#include "core/huge_pages.hpp"

#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace pgadvise::core {

namespace {

constexpr std::size_t k_huge = std::size_t{2} << 20U;

} // namespace

void advise_huge_pages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  char* const begin = static_cast<char*>(data);
  const std::size_t head = (k_huge - reinterpret_cast<std::uintptr_t>(begin) % k_huge) % k_huge;
  if (bytes <= head) {
    return;
  }
  const std::size_t length = (bytes - head) & ~(k_huge - 1);
  if (length > 0) {
    // A refusal (THP off, an old kernel) leaves the pages as they were.
    static_cast<void>(madvise(begin + head, length, MADV_HUGEPAGE));
  }
#else
  static_cast<void>(data);
  static_cast<void>(bytes);
#endif
}

void* allocate_huge(std::size_t bytes) {
  if (bytes < k_huge_min_bytes) {
    return ::operator new(bytes);
  }
  const std::size_t rounded = (bytes + k_huge - 1) & ~(k_huge - 1);
  void* data = std::aligned_alloc(k_huge, rounded);
  if (data == nullptr) {
    throw std::bad_alloc();
  }
  advise_huge_pages(data, rounded);
  return data;
}

void free_huge(void* data, std::size_t bytes) {
  if (bytes < k_huge_min_bytes) {
    ::operator delete(data);
    return;
  }
  std::free(data); // NOLINT(cppcoreguidelines-no-malloc): aligned_alloc's
}

} // namespace pgadvise::core
