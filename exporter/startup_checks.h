// Checks of the flags that need the file system, run before anything loads
// so that each mistake is one line and its own exit code, not a libbpf error
// half-way through loading.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace retx {

struct CheckError : std::runtime_error {
  CheckError(int code, const std::string& what) : std::runtime_error(what), exit_code(code) {}
  int exit_code;
};

// --btf PATH must be a BTF file libbpf can parse (raw BTF, or an ELF file
// with a .BTF section). Throws CheckError (exit code 4) saying which it is not.
void check_btf_file(const std::string& path);

// --netns entries to distinct inodes, each a network namespace that exists
// now (through a process or a /run/netns name). Throws CheckError (exit code 2)
// naming the first entry that matches nothing.
std::vector<std::uint32_t> resolve_netns_entries(const std::vector<std::string>& entries);

}  // namespace retx
