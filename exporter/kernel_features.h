// What the running kernel offers the probe, read from its BTF (no BPF object,
// no root: a parsed BTF is enough, so the unit tests build one by hand).
#pragma once

struct btf;

namespace retx {

struct KernelFeatures {
  bool has_skb_tracepoint = false;
  bool has_synack_tracepoint = false;
  bool skb_has_err = false;  // tcp_retransmit_skb carries int err (6.17+)
  bool has_state_tracepoint = false;  // sock:inet_sock_set_state (4.16+)
  bool has_netns_cookie = false;  // ns_common.ns_id (6.18+) or net.net_cookie (5.12+)
  bool has_sk_cgroup = false;     // sock_cgroup_data.cgroup (5.15+): --cgroup-labels
  // struct bpf_prog_aux has init_owned: a patched kernel (not upstream; the
  // 6.18 VM this project is measured on) that silently skips every tracing
  // program not loaded by PID 1 while the current task is in PID 1's thread
  // group, so a retransmit run from softirq on top of PID 1 fires no program
  // (bpf/README.md, "Programs the kernel skips"). Counts then catch up at the
  // socket's next program run; the exporter says so at startup and in
  // retx_exporter_kernel_skips_pid1_context.
  bool skips_pid1_context = false;
};

KernelFeatures read_features(const struct btf* btf);

}  // namespace retx
