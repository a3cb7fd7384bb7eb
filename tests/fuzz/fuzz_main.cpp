// libFuzzer's entry point for one target; CMake compiles this file once per
// target with PGADVISE_FUZZ_TARGET set to its name.
#include "fuzz/targets.hpp"

#include <cstdlib>
#include <string_view>

#ifndef PGADVISE_FUZZ_TARGET
#error "PGADVISE_FUZZ_TARGET names the target"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libFuzzer hands out bytes.
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!pgadvise::fuzz::run_target(PGADVISE_FUZZ_TARGET, input)) {
    std::abort();
  }
  return 0;
}
