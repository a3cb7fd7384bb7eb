#pragma once

#include <cstdint>

// The program-wide text stores (core::StoredText, core::PackedText) keep
// what they hold until the program ends: right for one run, a leak for a
// process that runs again and again (the language server lints the project
// after each edit). Such a process starts a generation before each run and
// lets go of it once nothing that holds its texts is alive (a run's
// migration steps, their only holders, go when its rules are done; a kept
// replay, loaders/sql/replay_cache, holds on to the generations of its
// steps). A generation is freed when the last holder lets go of it.
namespace pgadvise::core::text_generation {

// Texts stored from now on belong to a new generation, which this returns,
// held once by the caller. Call it while no other thread stores texts.
std::uint32_t begin();

// The generation texts are stored in now (0 before the first begin(), and
// generation 0 is never freed): a cache of a stored text across calls (a
// thread_local handle) checks it.
std::uint32_t current();

// One more holder of `generation`'s texts.
void hold(std::uint32_t generation);

// A holder lets go of `generation`; its texts are freed with the last one
// (the current generation's once the next begins). Reading a freed text is
// a bug: it reads empty, never another text.
void release(std::uint32_t generation);

// The stores' side (stored_text.cpp, packed_text.cpp).
namespace detail {
void stored_text_begin(std::uint32_t generation);
void stored_text_release(std::uint32_t generation);
void packed_text_begin(std::uint32_t generation);
void packed_text_release(std::uint32_t generation);
} // namespace detail

} // namespace pgadvise::core::text_generation
