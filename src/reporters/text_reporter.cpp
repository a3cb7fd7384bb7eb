#include "reporters/report.hpp"

namespace pgadvise::reporters {
void write_text(std::ostream& out, const ReportInput& input) { out << input.run->findings.size() << " findings\n"; }
} // namespace pgadvise::reporters
