// libFuzzer target for the gremlin-lang parser: any input must give a tree or an
// INVALID_ARGUMENT status with a position, never a crash, a hang or undefined behaviour.
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DKG_FUZZ=ON
//   cmake --build build-fuzz --target query_parser_fuzz
//   build-fuzz/tests/query/query_parser_fuzz -max_total_time=60 tests/query/fuzz/corpus
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "query/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = kg::query::Parse(text);
  if (!t.ok() && t.status().code() != absl::StatusCode::kInvalidArgument) __builtin_trap();
  if (!t.ok() && t.status().message().find("line ") != 0) __builtin_trap();
  return 0;
}
