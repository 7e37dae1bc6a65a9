// The network namespace of every task, read in one pass by a BPF task
// iterator (bpf/netns_iter.bpf.c): how the exporter learns the cookie of each
// namespace that has a process or thread in it without entering any.
#pragma once

#include <cstdint>
#include <vector>

#include "retx_abi.h"

struct retx_netns_iter;  // generated skeleton
struct bpf_link;

namespace retx {

class NetnsTasks {
 public:
  NetnsTasks();  // throws std::runtime_error naming the step the kernel refused
  ~NetnsTasks();
  NetnsTasks(const NetnsTasks&) = delete;
  NetnsTasks& operator=(const NetnsTasks&) = delete;

  // One pass over all tasks. Throws std::runtime_error on a read failure.
  std::vector<retx_netns_task> read() const;

 private:
  struct ::retx_netns_iter* skel_ = nullptr;
  struct bpf_link* link_ = nullptr;
};

// The cookie of the calling thread's namespace as the kernel reports it to a
// socket (SO_NETNS_COOKIE, 5.14+); 0 where the kernel has no such option.
std::uint64_t socket_netns_cookie();

}  // namespace retx
