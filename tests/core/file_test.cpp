#include "core/file.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace fs = std::filesystem;
using namespace pgadvise::core;

namespace file_test {

fs::path scratch_dir() {
  const fs::path dir =
      fs::temp_directory_path() /
      ("pgadvise_file_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
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

} // namespace file_test
