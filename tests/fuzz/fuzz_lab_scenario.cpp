// libFuzzer target: the lab's scenario files (JSON text -> Suite). InputError
// is the one expected answer to a bad file: it names the file and the place.
#include <cstddef>
#include <cstdint>
#include <string>

#include "input_error.h"
#include "json_reader.h"
#include "scenario_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    retx::lab::parse_suite(retx::lab::parse_json_text(text, "fuzz.json"), "fuzz.json");
  } catch (const retx::lab::InputError&) {
  }
  return 0;
}
