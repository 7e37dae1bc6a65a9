#include "startup_checks.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "netns_scan.h"
#include "options.h"

namespace retx {

void check_btf_file(const std::string& path) {
  if (path.empty()) return;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    throw CheckError(exit_code::kNoBtf, "--btf " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) throw CheckError(exit_code::kNoBtf, "--btf " + path + ": not a regular file");
  struct btf* btf = btf__parse(path.c_str(), nullptr);
  if (btf) {
    btf__free(btf);
    return;
  }
  int err = errno;
  // libbpf's own error numbers (4000 and up) mean "not in a format I know";
  // strerror would print "Unknown error 4001".
  std::string why = err >= __LIBBPF_ERRNO__START || err == EINVAL || err == EPROTO
                        ? "not a BTF file (neither raw BTF nor an ELF file with a .BTF section)"
                        : std::strerror(err);
  throw CheckError(exit_code::kNoBtf, "--btf " + path + ": " + why);
}

std::vector<std::uint32_t> resolve_netns_entries(const std::vector<std::string>& entries) {
  if (entries.empty()) return {};
  std::vector<std::uint32_t> inodes;
  try {
    inodes = resolve_netns_filter(entries);
  } catch (const std::exception& e) {
    throw CheckError(exit_code::kBadFlags, e.what());
  }
  std::set<std::uint32_t> existing;
  for (const auto& ns : list_namespaces()) existing.insert(ns.inode);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!existing.count(inodes[i])) {
      throw CheckError(exit_code::kBadFlags, "--netns: no network namespace has inode " + entries[i] +
                                                 " (none of this host's processes or /run/netns names is in it)");
    }
  }
  std::set<std::uint32_t> seen;
  std::vector<std::uint32_t> out;
  for (auto ino : inodes) {
    if (seen.insert(ino).second) out.push_back(ino);
  }
  return out;
}

}  // namespace retx
