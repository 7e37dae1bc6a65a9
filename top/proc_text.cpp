#include "proc_text.h"

#include <charconv>

namespace retx::top {

std::optional<std::uint64_t> socket_inode_of_link(std::string_view target) {
  constexpr std::string_view kPrefix = "socket:[";
  if (target.size() < kPrefix.size() + 2 || target.substr(0, kPrefix.size()) != kPrefix || target.back() != ']') {
    return std::nullopt;
  }
  std::uint64_t ino = 0;
  const char* b = target.data() + kPrefix.size();
  const char* e = target.data() + target.size() - 1;
  auto [end, ec] = std::from_chars(b, e, ino);
  if (ec != std::errc() || end != e) return std::nullopt;
  return ino;
}

std::uint64_t tcp_inuse(std::string_view text) {
  // "TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1" (sockstat6: "TCP6: inuse 1")
  for (std::string_view prefix : {"TCP: inuse ", "TCP6: inuse "}) {
    for (std::size_t at = text.find(prefix); at != std::string_view::npos; at = text.find(prefix, at + 1)) {
      if (at != 0 && text[at - 1] != '\n') continue;
      std::uint64_t n = 0;
      const char* b = text.data() + at + prefix.size();
      std::from_chars(b, text.data() + text.size(), n);
      return n;
    }
  }
  return 0;
}

}  // namespace retx::top
