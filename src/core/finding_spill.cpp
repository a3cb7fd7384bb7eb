#include "core/finding_spill.hpp"

#include "core/file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <type_traits>
#include <unistd.h>

namespace pgadvise::core {

namespace {

// A finding's every member is written: one added to Finding, Fix, Evidence
// or ObjectRef must be written and read here too, and one added to a fix's
// change goes into FixFields (core/finding.hpp) first (then change the size).
static_assert(sizeof(Finding) == 320 && sizeof(Fix) == 96 && sizeof(SqlChange) == 64 &&
                  sizeof(ShellChange) == 32 && sizeof(CodeChange) == 56 && sizeof(Evidence) == 56 &&
                  sizeof(ObjectRef) == 120,
              "a new member of a finding must be spilled too (core/finding_spill.cpp)");
// Written as their bytes: a FilePath is a pointer into a pool that lives as
// long as the program.
static_assert(std::is_trivially_copyable_v<SourceLocation>);

// A chunk is written once it holds this many findings or bytes.
constexpr std::size_t k_chunk_findings = 2048;
constexpr std::size_t k_chunk_bytes = std::size_t{1} << 20U;

// Whether `text` is a view of characters that live as long as the program
// (a literal, a fixed() view, the pool's copy): a copy of a view is the same
// view, a copy of an owned text has characters of its own.
bool is_view(const SharedText& text) {
  if (text.empty()) {
    return true;
  }
  const SharedText copy = text; // NOLINT(performance-unnecessary-copy-initialization): the copy is the test
  return copy.view().data() == text.view().data();
}

class Encoder {
public:
  explicit Encoder(std::string& out) : m_out(out) {}

  void finding(const Finding& f) {
    text(f.rule);
    number(static_cast<std::uint32_t>(f.severity));
    number(f.weight);
    text(f.message);
    shared(f.help);
    text(f.object.schema);
    text(f.object.table);
    texts(f.object.columns);
    text(f.object.constraint);
    raw(&f.location, sizeof f.location);
    number(static_cast<std::uint32_t>(f.evidence.size()));
    for (const Evidence& e : f.evidence) {
      number(static_cast<std::uint32_t>(e.kind));
      text(e.detail);
      raw(&e.location, sizeof e.location);
    }
    number(f.fix ? 1U : 0U);
    if (f.fix) {
      const FixFields fields = fix_fields(*f.fix);
      text(fields.ddl);
      text(fields.drizzle);
      shared(f.fix->safety_note);
      number(static_cast<std::uint32_t>(f.fix->kind()));
      number(static_cast<std::uint32_t>(f.fix->applicability));
      text(fields.drizzle_file);
      text(fields.drizzle_table);
      text(fields.commands);
    }
    text(f.fingerprint);
    texts(f.rule_ids);
    raw(&f.saving_ms, sizeof f.saving_ms);
  }

private:
  void raw(const void* data, std::size_t size) { m_out.append(static_cast<const char*>(data), size); }
  void number(std::uint32_t value) { raw(&value, sizeof value); }
  void text(std::string_view value) {
    number(static_cast<std::uint32_t>(value.size()));
    raw(value.data(), value.size());
  }
  void texts(const std::vector<std::string>& values) {
    number(static_cast<std::uint32_t>(values.size()));
    for (const std::string& value : values) {
      text(value);
    }
  }
  // A view is kept as its pointer and size (its characters outlive the
  // finding); an owned text as its characters.
  void shared(const SharedText& value) {
    const bool kept_as_view = is_view(value);
    number(kept_as_view ? 1U : 0U);
    if (kept_as_view) {
      const std::string_view view = value.view();
      const char* data = view.data();
      const std::size_t size = view.size();
      raw(&data, sizeof data);
      raw(&size, sizeof size);
    } else {
      text(value.view());
    }
  }

  std::string& m_out;
};

class Decoder {
public:
  Decoder(const char* begin, const char* end) : m_at(begin), m_end(end) {}

  [[nodiscard]] const char* at() const { return m_at; }

  Finding finding() {
    Finding f;
    f.rule = text();
    f.severity = static_cast<Severity>(number());
    f.weight = number();
    f.message = text();
    f.help = shared();
    f.object.schema = text();
    f.object.table = text();
    f.object.columns = texts();
    f.object.constraint = text();
    raw(&f.location, sizeof f.location);
    f.evidence.resize(number());
    for (Evidence& e : f.evidence) {
      e.kind = static_cast<Evidence::Kind>(number());
      e.detail = text();
      raw(&e.location, sizeof e.location);
    }
    if (number() != 0) {
      FixFields fields;
      const std::string ddl = text();
      const std::string drizzle = text();
      SharedText safety_note = shared();
      const auto kind = static_cast<FixKind>(number());
      const auto applicability = static_cast<FixApplicability>(number());
      const std::string file = text();
      const std::string table = text();
      const std::string commands = text();
      fields.ddl = ddl;
      fields.drizzle = drizzle;
      fields.drizzle_file = file;
      fields.drizzle_table = table;
      fields.commands = commands;
      Fix fix = fix_from_fields(kind, fields);
      fix.safety_note = std::move(safety_note);
      fix.applicability = applicability;
      f.fix = std::move(fix);
    }
    f.fingerprint = text();
    f.rule_ids = texts();
    raw(&f.saving_ms, sizeof f.saving_ms);
    return f;
  }

private:
  void raw(void* data, std::size_t size) {
    if (static_cast<std::size_t>(m_end - m_at) < size) {
      throw std::runtime_error("pgadvise: the findings' temporary file was read back short");
    }
    std::memcpy(data, m_at, size);
    m_at += size;
  }
  std::uint32_t number() {
    std::uint32_t value = 0;
    raw(&value, sizeof value);
    return value;
  }
  std::string text() {
    const std::uint32_t size = number();
    if (static_cast<std::size_t>(m_end - m_at) < size) {
      throw std::runtime_error("pgadvise: the findings' temporary file was read back short");
    }
    std::string value(m_at, size);
    m_at += size;
    return value;
  }
  std::vector<std::string> texts() {
    std::vector<std::string> values(number());
    for (std::string& value : values) {
      value = text();
    }
    return values;
  }
  SharedText shared() {
    if (number() != 0) {
      const char* data = nullptr;
      std::size_t size = 0;
      raw(&data, sizeof data);
      raw(&size, sizeof size);
      return SharedText::fixed(std::string_view(data, size));
    }
    return SharedText(text());
  }

  const char* m_at;
  const char* m_end;
};

bool write_all(int fd, const std::string& bytes, std::uint64_t offset) {
  return write_at(fd, bytes.data(), bytes.size(), offset) == bytes.size();
}

bool read_all(int fd, char* into, std::size_t size, std::uint64_t offset) {
  return read_at(fd, into, size, offset) == size;
}

// A file with no name in `directory`: O_TMPFILE where the file system has
// it, else a unique name unlinked as soon as it is made.
int open_unnamed(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) {
    return fd;
  }
  std::string name = directory + "/pgadvise-findings-XXXXXX";
  const int named = ::mkostemp(name.data(), O_CLOEXEC);
  if (named >= 0) {
    ::unlink(name.c_str());
  }
  return named;
}

} // namespace

FindingSpill::FindingSpill(std::string directory) : m_directory(std::move(directory)) {
  if (m_directory.empty()) {
    const char* tmp = std::getenv("TMPDIR"); // NOLINT(concurrency-mt-unsafe): read before any worker starts
    m_directory = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
}

FindingSpill::~FindingSpill() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

bool FindingSpill::open() {
  const std::lock_guard lock(m_open);
  if (m_fd < 0 && !m_failed) {
    m_fd = open_unnamed(m_directory);
    m_failed = m_fd < 0;
  }
  return m_fd >= 0;
}

FindingSpill::Batch FindingSpill::write(std::vector<Finding>& findings) {
  return write(findings, {});
}

FindingSpill::Batch FindingSpill::write(std::vector<Finding>& findings, const Written& written) {
  Batch batch;
  if (findings.empty() || !open()) {
    return batch;
  }
  std::string bytes;
  std::vector<std::uint32_t> starts; // of each finding's encoding in `bytes`, when told
  std::size_t done = 0;
  while (done < findings.size()) {
    bytes.clear();
    starts.clear();
    Encoder encoder(bytes);
    std::size_t end = done;
    while (end < findings.size() && end - done < k_chunk_findings && bytes.size() < k_chunk_bytes) {
      if (written) {
        starts.push_back(static_cast<std::uint32_t>(bytes.size()));
      }
      encoder.finding(findings[end++]);
    }
    const std::uint64_t offset = m_end.fetch_add(bytes.size());
    if (!write_all(m_fd, bytes, offset)) {
      break; // the rest stays in memory
    }
    batch.push_back({offset, bytes.size(), end - done});
    for (std::size_t i = 0; done < end; ++done, ++i) {
      if (written) {
        const std::uint32_t next =
            i + 1 < starts.size() ? starts[i + 1] : static_cast<std::uint32_t>(bytes.size());
        written(findings[done], offset + starts[i], next - starts[i]);
      }
      findings[done] = Finding{};
    }
  }
  if (done == findings.size()) {
    std::vector<Finding>().swap(findings);
  } else {
    findings.erase(findings.begin(), findings.begin() + static_cast<std::ptrdiff_t>(done));
  }
  return batch;
}

std::optional<FindingSpill::Chunk> FindingSpill::append(const std::string& bytes, std::size_t count) {
  if (bytes.empty() || !open()) {
    return std::nullopt;
  }
  const std::uint64_t offset = m_end.fetch_add(bytes.size());
  if (!write_all(m_fd, bytes, offset)) {
    return std::nullopt;
  }
  return Chunk{offset, bytes.size(), count};
}

std::optional<FindingSpill::Chunk> FindingSpill::copy(const FindingSpill& from, std::uint64_t offset,
                                                      std::uint64_t size, std::size_t count) {
  if (size == 0 || from.m_fd < 0 || !open()) {
    return std::nullopt;
  }
  const std::uint64_t at = m_end.fetch_add(size);
  auto in = static_cast<loff_t>(offset);
  auto out = static_cast<loff_t>(at);
  std::uint64_t left = size;
  while (left > 0) {
    const ssize_t copied = ::copy_file_range(from.m_fd, &in, m_fd, &out, left, 0);
    if (copied < 0 && errno == EINTR) {
      continue;
    }
    if (copied <= 0) {
      break; // not supported between these files: read and written below
    }
    left -= static_cast<std::uint64_t>(copied);
  }
  if (left > 0) {
    std::string bytes(left, '\0');
    if (!read_all(from.m_fd, bytes.data(), bytes.size(), static_cast<std::uint64_t>(in)) ||
        !write_all(m_fd, bytes, static_cast<std::uint64_t>(out))) {
      return std::nullopt;
    }
  }
  return Chunk{at, size, count};
}

void FindingSpill::read(const Batch& batch, std::vector<Finding>& into) const {
  std::string bytes;
  for (const Chunk& chunk : batch) {
    bytes.resize(chunk.size);
    read_bytes(chunk.offset, bytes.size(), bytes.data());
    const char* at = bytes.data();
    for (std::size_t i = 0; i < chunk.count; ++i) {
      into.push_back(decode(at, bytes.data() + bytes.size()));
    }
  }
}

void FindingSpill::read_bytes(std::uint64_t offset, std::size_t size, char* into) const {
  if (!read_all(m_fd, into, size, offset)) {
    throw std::runtime_error(std::string("pgadvise: cannot read back the findings' temporary file: ") +
                             std::strerror(errno)); // NOLINT(concurrency-mt-unsafe)
  }
}

Finding FindingSpill::decode(const char*& at, const char* end) {
  Decoder decoder(at, end);
  Finding finding = decoder.finding();
  at = decoder.at();
  return finding;
}

std::size_t FindingSpill::count(const Batch& batch) {
  std::size_t total = 0;
  for (const Chunk& chunk : batch) {
    total += chunk.count;
  }
  return total;
}

} // namespace pgadvise::core
