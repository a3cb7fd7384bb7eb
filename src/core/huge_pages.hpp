#pragma once

#include <cstddef>

namespace pgadvise::core {

// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes)
// with transparent huge pages when they are first touched (Linux, THP in
// "madvise" mode; elsewhere nothing). A large buffer filled once (a log
// block's events, a workload's repeats) then takes one fault per 2 MiB
// instead of one per 4 KiB page: on a virtual machine a fault costs tens
// of microseconds. Call it before the buffer is touched.
void advise_huge_pages(void* data, std::size_t bytes);

// Memory for a large buffer that starts on a 2 MiB boundary and is
// advised as above (under k_huge_min_bytes: operator new's).
void* allocate_huge(std::size_t bytes);
void free_huge(void* data, std::size_t bytes);
inline constexpr std::size_t k_huge_min_bytes = std::size_t{1} << 20U;

// A std::vector allocator of such memory.
template <typename T> struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U> HugePageAllocator(const HugePageAllocator<U>& /*other*/) noexcept {} // NOLINT
  T* allocate(std::size_t count) { return static_cast<T*>(allocate_huge(count * sizeof(T))); }
  void deallocate(T* data, std::size_t count) noexcept { free_huge(data, count * sizeof(T)); }
  friend bool operator==(const HugePageAllocator& /*a*/, const HugePageAllocator& /*b*/) { return true; }
};

} // namespace pgadvise::core
