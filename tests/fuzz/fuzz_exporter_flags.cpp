// libFuzzer target: retx-exporter's flag parser. The input is the argument
// list, arguments separated by NUL bytes. A ParseError is the expected answer
// to bad flags; anything else (another exception, a crash, a sanitizer report)
// is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "options.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.emplace_back();
    } else {
      args.back().push_back(static_cast<char>(data[i]));
    }
  }
  try {
    retx::Options o = retx::parse_options(args);
    (void)o.listen.text();
  } catch (const retx::ParseError&) {
  }
  return 0;
}
