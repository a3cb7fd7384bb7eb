#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace pgadvise::core {

// Why a file could not be read: its message is the reason alone ("does not
// exist", "is a directory", "cannot be read", "is larger than N bytes") and
// its location names the path, so error().to_string() reads
// "PATH: is a directory" and callers that word their own message can use
// error().message after the path they show.
//
// Reads the whole file, byte for byte (no newline translation). A file larger
// than `max_bytes` is not read.
Result<std::string> read_file(const std::filesystem::path& path,
                              std::uintmax_t max_bytes = std::numeric_limits<std::uintmax_t>::max());

// The same into `buffer`, whose room is kept from call to call, returned as
// a view of it: a scan that reads each of tens of thousands of files once
// and keeps none allocates, zero-fills and faults in nothing per file. For
// regular files (a walk's): a read that returns less than it asked for is
// the end, as Linux gives it for them, so a file smaller than the room is
// one open, one read and one close, with no fstat. A pipe's or a device's
// short read would end it early: read_file reads those.
Result<std::string_view>
read_file_into(const std::filesystem::path& path, std::string& buffer,
               std::uintmax_t max_bytes = std::numeric_limits<std::uintmax_t>::max());

// Unsaved editor buffers (the language server's open documents): while a
// text is set for a path, read_file (and the SQL loader's script reader)
// returns it instead of the file's bytes, so every loader reads what the
// editor shows. Paths are compared made absolute and normal (links not
// followed). Thread-safe; empty unless `pgadvise lsp` sets it.
void set_file_overlay(const std::filesystem::path& path, std::string text);
void clear_file_overlay(const std::filesystem::path& path);
// How many times an overlay was set or cleared: a cache of what was read
// checks that none changed while it read.
std::uint64_t file_overlay_changes();
// The overlaid text of `path`, or nullopt when it has none.
std::optional<std::string> file_overlay(const std::filesystem::path& path);

// Whether `path` is a regular file / a directory (links followed); false,
// never an exception, when the file system cannot tell.
bool is_file(const std::filesystem::path& path);
bool is_dir(const std::filesystem::path& path);

// std::filesystem::path(text).lexically_normal().native() for a POSIX
// path, worked out on the text: a path object splits itself into a
// component object per name, and a resolver normalises hundreds of
// thousands of import paths.
std::string lexically_normal(std::string_view text);
// Whether `text` is in that normal form already, as most paths a resolver
// builds are (a normal folder, a name): no `//`, no `.` or `..` name.
bool is_lexically_normal(std::string_view text);

// pread / pwrite of `size` bytes at `offset` of an open descriptor, retried
// after EINTR and short counts: the bytes done, fewer only at the end of the
// file or on an error.
std::size_t read_at(int fd, char* into, std::size_t size, std::uint64_t offset);
std::size_t write_at(int fd, const char* from, std::size_t size, std::uint64_t offset);

} // namespace pgadvise::core
