#pragma once

#include "app/report/exit_codes.hpp"

namespace pgadvise::cli {

using app::k_exit_findings;
using app::k_exit_ok;
using app::k_exit_usage;

int run(int argc, char** argv);

} // namespace pgadvise::cli
