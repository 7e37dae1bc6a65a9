#include "kernel_features.h"

#include <bpf/btf.h>

#include <cstring>
#include <string>

namespace retx {
namespace {

// Number of tracepoint arguments, from the btf_trace_<name> typedef the kernel
// emits for every tracepoint: a pointer to a func proto whose first parameter
// is the context, then the TP_PROTO arguments. -1 when the tracepoint is absent.
int tracepoint_arg_count(const struct btf* btf, const char* tp) {
  std::string name = std::string("btf_trace_") + tp;
  int id = btf__find_by_name_kind(btf, name.c_str(), BTF_KIND_TYPEDEF);
  if (id < 0) return -1;
  const struct btf_type* t = btf__type_by_id(btf, id);
  t = btf__type_by_id(btf, t->type);  // pointer
  if (!t || !btf_is_ptr(t)) return -1;
  t = btf__type_by_id(btf, t->type);  // func proto
  if (!t || !btf_is_func_proto(t)) return -1;
  return static_cast<int>(btf_vlen(t)) - 1;
}

// Whether a struct or union has a member of that name, looking into
// anonymous members too (ns_common keeps ns_id in an anonymous struct inside
// an anonymous union).
bool has_member_in(const struct btf* btf, const struct btf_type* t, const char* member) {
  const struct btf_member* m = btf_members(t);
  for (unsigned i = 0; i < btf_vlen(t); ++i, ++m) {
    const char* name = btf__name_by_offset(btf, m->name_off);
    if (name && std::strcmp(name, member) == 0) return true;
    const struct btf_type* inner = btf__type_by_id(btf, m->type);
    if (name && !*name && inner && (btf_is_struct(inner) || btf_is_union(inner)) &&
        has_member_in(btf, inner, member)) {
      return true;
    }
  }
  return false;
}

bool has_member(const struct btf* btf, const char* type, const char* member) {
  int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
  return id >= 0 && has_member_in(btf, btf__type_by_id(btf, id), member);
}

}  // namespace

KernelFeatures read_features(const struct btf* btf) {
  KernelFeatures f;
  int skb_args = tracepoint_arg_count(btf, "tcp_retransmit_skb");
  f.has_skb_tracepoint = skb_args >= 2;
  f.skb_has_err = skb_args >= 3;
  f.has_synack_tracepoint = tracepoint_arg_count(btf, "tcp_retransmit_synack") >= 2;
  f.has_state_tracepoint = tracepoint_arg_count(btf, "inet_sock_set_state") >= 3;
  f.has_netns_cookie = has_member(btf, "ns_common", "ns_id") || has_member(btf, "net", "net_cookie");
  f.has_sk_cgroup = has_member(btf, "sock_cgroup_data", "cgroup");
  f.skips_pid1_context = has_member(btf, "bpf_prog_aux", "init_owned");
  return f;
}

}  // namespace retx
