#include "bpf_progs.h"

#include <bpf/bpf.h>

#include <algorithm>

namespace retx {

std::vector<std::uint32_t> loaded_bpf_prog_ids() {
  std::vector<std::uint32_t> ids;
  __u32 id = 0;
  while (bpf_prog_get_next_id(id, &id) == 0) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace retx
