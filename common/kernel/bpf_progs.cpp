#include "bpf_progs.h"

#include <bpf/bpf.h>

#include <algorithm>

#include "unique_fd.h"

namespace retx {

std::vector<std::uint32_t> loaded_bpf_prog_ids() {
  std::vector<std::uint32_t> ids;
  __u32 id = 0;
  while (bpf_prog_get_next_id(id, &id) == 0) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool read_program_run(int prog_fd, ProgramRun& out) {
  struct bpf_prog_info info {};
  __u32 len = sizeof(info);
  if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0) return false;
  out = {info.name, info.run_cnt, info.run_time_ns, info.recursion_misses};
  return true;
}

std::size_t count_bpf_progs_named(const std::string& prefix) {
  std::size_t n = 0;
  for (__u32 id : loaded_bpf_prog_ids()) {
    UniqueFd fd(bpf_prog_get_fd_by_id(id));
    if (!fd) continue;  // unloaded meanwhile
    ProgramRun p;
    if (read_program_run(fd.get(), p) && p.program.rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

}  // namespace retx
