#include "cli/cli.hpp"

int main(int argc, char** argv) {
  return pgadvise::cli::run(argc, argv);
}
