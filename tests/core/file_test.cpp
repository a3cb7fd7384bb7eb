#include "core/file.hpp"
#include "support/files.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace pgadvise::core;

namespace file_test {

fs::path scratch_dir() {
  const fs::path dir = pgadvise::test::scratch_dir() / "file_test";
  fs::create_directories(dir);
  return dir;
}

TEST(ReadFile, ReadsBytesUnchanged) {
  const fs::path file = scratch_dir() / "bytes.sql";
  {
    std::ofstream out(file, std::ios::binary);
    out << "a\r\nb" << '\0' << "\xFF";
  }
  const auto text = read_file(file);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, std::string("a\r\nb") + '\0' + "\xFF");
  fs::remove(file);
}

TEST(ReadFile, ReadsAnEmptyFile) {
  const fs::path file = scratch_dir() / "empty.sql";
  { std::ofstream out(file); }
  const auto text = read_file(file);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "");
  fs::remove(file);
}

// A file read to its size, and a pipe (`--log <(zcat x.gz)`), whose size
// is unknown, to its end: both longer than one read's buffer.
TEST(ReadFile, ReadsALongFileAndAPipeWhole) {
  std::string long_text;
  for (int i = 0; long_text.size() < 100000; ++i) {
    long_text += "line " + std::to_string(i) + "\n";
  }
  const fs::path file = scratch_dir() / "long.log";
  {
    std::ofstream out(file, std::ios::binary);
    out << long_text;
  }
  const auto text = read_file(file);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, long_text);
  fs::remove(file);

  const fs::path fifo = scratch_dir() / "pipe.log";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out << long_text;
  });
  const auto piped = read_file(fifo);
  writer.join();
  ASSERT_TRUE(piped.ok());
  EXPECT_EQ(*piped, long_text);
  fs::remove(fifo);
}

// A regular file is read to the size it had when opened; one that says it
// has none (/proc's) is read to its end.
TEST(ReadFile, AFileWhoseSizeIsZeroIsReadToItsEnd) {
  struct stat info {};
  ASSERT_EQ(::stat("/proc/self/status", &info), 0);
  ASSERT_TRUE(S_ISREG(info.st_mode));
  ASSERT_EQ(info.st_size, 0);
  const auto text = read_file("/proc/self/status");
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("Pid:"), std::string::npos);
}

TEST(ReadFile, SaysWhyAndWhere) {
  const fs::path dir = scratch_dir();
  const auto missing = read_file(dir / "missing.sql");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "does not exist");
  EXPECT_EQ(missing.error().to_string(), (dir / "missing.sql").string() + ": does not exist");

  const auto directory = read_file(dir);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().message, "is a directory");
  EXPECT_EQ(directory.error().location.file, dir.string());
}

TEST(ReadFile, RefusesAFileOverTheLimit) {
  const fs::path file = scratch_dir() / "big.txt";
  {
    std::ofstream out(file, std::ios::binary);
    out << "0123456789";
  }
  EXPECT_TRUE(read_file(file, 10).ok());
  const auto big = read_file(file, 9);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "is larger than 9 bytes");
  fs::remove(file);
}

// Files read one after another through the same room: a long one (more
// than the least room, so the room grows and the reads go on after a full
// one), then a short one (the view ends at its own end, not the long one's),
// an empty one; the errors read_file gives.
TEST(ReadFileInto, ReadsEachFileWholeThroughOneRoom) {
  std::string long_text;
  for (int i = 0; long_text.size() < 300000; ++i) {
    long_text += "line " + std::to_string(i) + "\n";
  }
  const fs::path dir = scratch_dir();
  const auto write = [&](const char* name, const std::string& text) {
    std::ofstream out(dir / name, std::ios::binary);
    out << text;
  };
  write("long.ts", long_text);
  write("short.ts", "import { db } from \"./db\";\n");
  write("empty.ts", "");
  std::string room;
  const auto whole = read_file_into(dir / "long.ts", room);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, long_text);
  const auto short_text = read_file_into(dir / "short.ts", room);
  ASSERT_TRUE(short_text.ok());
  EXPECT_EQ(*short_text, "import { db } from \"./db\";\n");
  const auto empty = read_file_into(dir / "empty.ts", room);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");

  const auto missing = read_file_into(dir / "missing.ts", room);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().to_string(), (dir / "missing.ts").string() + ": does not exist");
  const auto directory = read_file_into(dir, room);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().message, "is a directory");
  EXPECT_TRUE(read_file_into(dir / "short.ts", room, 27).ok()); // its size exactly
  const auto big = read_file_into(dir / "long.ts", room, 100000);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "is larger than 100000 bytes");
  for (const char* name : {"long.ts", "short.ts", "empty.ts"}) {
    fs::remove(dir / name);
  }
}

// The editor's unsaved text wins over the file's, as read_file's does.
TEST(ReadFileInto, ReadsTheOverlaidText) {
  const fs::path file = fs::absolute(scratch_dir() / "open.ts");
  {
    std::ofstream out(file, std::ios::binary);
    out << "saved";
  }
  set_file_overlay(file, "unsaved");
  std::string room;
  const auto text = read_file_into(file, room);
  clear_file_overlay(file);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "unsaved");
  const auto saved = read_file_into(file, room);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(*saved, "saved");
  fs::remove(file);
}

// The tests' scratch folder (tests/support/files.hpp) is this process's
// own: a fresh mkdtemp name, not one two runs of the suite share, readable by
// its owner alone, and a forked child that exits (as a test's helper
// process may) does not remove it from under the parent.
TEST(TestScratchDir, IsThisProcesssOwnAndOutlivesAForkedChild) {
  const fs::path& dir = pgadvise::test::scratch_dir();
  ASSERT_FALSE(dir.empty());
  EXPECT_TRUE(fs::equivalent(dir.parent_path(), fs::temp_directory_path())) << dir;
  EXPECT_EQ(dir.filename().string().rfind("pgadvise-tests-", 0), 0U) << dir;
  EXPECT_NE(dir.filename().string(), "pgadvise-tests-XXXXXX");
  EXPECT_EQ(fs::status(dir).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  std::fflush(nullptr); // the child's exit flushes no copy of the parent's output
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::exit(0); // runs the static destructors a normal exit runs
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(fs::is_directory(dir));
}

// Every path of up to three names from those that normal forms treat
// apart (`.`, `..`, dotted and plain names), joined by one or two
// separators, with and without a root and a separator at the end: the
// text's normal form is std::filesystem's, to the byte.
TEST(LexicallyNormal, IsTheFileSystemLibrarysOnEveryShortPath) {
  const std::vector<std::string> names = {"a", "b", ".", "..", "...", ".a", "x.ts", ""};
  std::vector<std::string> paths = {""};
  std::vector<std::string> level = {""};
  for (int depth = 0; depth < 3; ++depth) {
    std::vector<std::string> next;
    for (const std::string& head : level) {
      for (const std::string& name : names) {
        for (const char* separator : {"/", "//"}) {
          next.push_back(head.empty() ? name : head + separator + name);
        }
      }
    }
    paths.insert(paths.end(), next.begin(), next.end());
    level = std::move(next);
  }
  std::size_t compared = 0;
  std::size_t passed = 0;
  for (const std::string& body : paths) {
    for (const std::string& path : {body, "/" + body, body + "/", "/" + body + "/"}) {
      ASSERT_EQ(lexically_normal(path), fs::path(path).lexically_normal().native()) << "'" << path << "'";
      // What is_lexically_normal passes is its own normal form (it may
      // fail one that is: `..` names leading a relative path).
      if (is_lexically_normal(path)) {
        ASSERT_EQ(fs::path(path).lexically_normal().native(), path);
        ++passed;
      }
      ++compared;
    }
  }
  EXPECT_GT(compared, 15000U);
  EXPECT_GT(passed, 1000U);
}

} // namespace file_test
