// For the portable binary only (scripts/package.sh), which must start on
// glibc 2.34 (RHEL 9) though it is built on Debian 12 (glibc 2.36).
//
// The static libgcc unwinder that -static-libgcc links in was built against
// glibc 2.35+ and finds a frame's unwind tables with _dl_find_object
// (GLIBC_2.35); one reference to it makes the loader refuse to start the
// binary on an older glibc. This definition in the executable satisfies
// that reference before libc.so.6's versioned one can: the same answer, computed with
// dl_iterate_phdr (glibc 2.2.4), which is what the unwinder itself did before
// _dl_find_object existed. Exceptions are rare in pgadvise (expected failures
// are values), so the slower lookup costs nothing measurable.
#include <dlfcn.h>
#include <link.h>

#ifdef DLFO_STRUCT_HAS_EH_DBASE

#include <cstdint>

namespace {

struct Lookup {
  std::uintptr_t pc;
  dl_find_object* result;
  bool found;
};

int find_object(dl_phdr_info* info, size_t /*size*/, void* data) {
  auto* lookup = static_cast<Lookup*>(data);
  std::uintptr_t start = UINTPTR_MAX;
  std::uintptr_t end = 0;
  bool contains = false;
  void* eh_frame = nullptr;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    const std::uintptr_t begin = info->dlpi_addr + segment.p_vaddr;
    if (segment.p_type == PT_LOAD) {
      start = begin < start ? begin : start;
      end = begin + segment.p_memsz > end ? begin + segment.p_memsz : end;
      contains = contains || (lookup->pc >= begin && lookup->pc < begin + segment.p_memsz);
    } else if (segment.p_type == PT_GNU_EH_FRAME) {
      eh_frame = reinterpret_cast<void*>(begin);
    }
  }
  if (!contains) {
    return 0; // not this object: keep iterating
  }
  *lookup->result = dl_find_object{};
  lookup->result->dlfo_map_start = reinterpret_cast<void*>(start);
  lookup->result->dlfo_map_end = reinterpret_cast<void*>(end);
  lookup->result->dlfo_eh_frame = eh_frame;
  lookup->found = true;
  return 1; // found: stop
}

} // namespace

extern "C" int _dl_find_object(void* address, dl_find_object* result) noexcept {
  Lookup lookup{reinterpret_cast<std::uintptr_t>(address), result, false};
  dl_iterate_phdr(find_object, &lookup);
  return lookup.found ? 0 : -1;
}

#endif
