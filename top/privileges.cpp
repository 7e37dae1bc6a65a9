#include "privileges.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace retx::top {
namespace {

bool has_cap(const __user_cap_data_struct (&data)[2], int cap) {
  return (data[cap / 32].effective >> (cap % 32)) & 1U;
}

}  // namespace

std::string missing_top_privileges() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &hdr, data) != 0) return "capabilities (capget failed)";
  std::string missing;
  auto need = [&](int cap, const char* what) {
    if (!has_cap(data, cap)) missing += std::string(missing.empty() ? "" : ", ") + what;
  };
  // setns into other network namespaces; BPF iterators and map access by id.
  need(CAP_SYS_ADMIN, "CAP_SYS_ADMIN (enter network namespaces, load the BPF iterator)");
  // /proc/PID/fd of other users' processes, to name a socket's owner.
  need(CAP_SYS_PTRACE, "CAP_SYS_PTRACE (read other processes' fds for socket owners)");
  return missing;
}

}  // namespace retx::top
