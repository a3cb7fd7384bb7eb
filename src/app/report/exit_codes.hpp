#pragma once

namespace pgadvise::app {

// Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
// 2 usage error or no usable input.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_findings = 1;
inline constexpr int k_exit_usage = 2;

} // namespace pgadvise::app
