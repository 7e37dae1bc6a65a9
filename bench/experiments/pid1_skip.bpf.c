// Experiment (bench/experiments/pid1-skip.sh): count the kernel's own call
// to sock_ops programs inside __tcp_retransmit_skb (BPF_SOCK_OPS_RETRANS_CB,
// made right after RetransSegs and total_retrans grow, a few instructions
// before the tcp_retransmit_skb tracepoint), and how many of them ran while
// the current task was in PID 1's thread group. cgroup programs run there in
// softirq; on the patched 6.18 kernel tracing programs do not (bpf/README.md,
// "Programs the kernel skips"), so calls - tracepoint hits = calls in PID 1.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum { FLAGGED, CALLS, SEGS, FAILED, IN_PID1, NKEYS };

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, NKEYS);
  __type(key, __u32);
  __type(value, __u64);
} counts SEC(".maps");

static void add(__u32 k, __u64 v) {
  __u64* p = bpf_map_lookup_elem(&counts, &k);
  if (p) *p += v;
}

SEC("sockops")
int pid1_skip(struct bpf_sock_ops* ops) {
  switch (ops->op) {
    // The callback is per socket: ask for it as each connection starts.
    case BPF_SOCK_OPS_TCP_CONNECT_CB:
    case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
    case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
      bpf_sock_ops_cb_flags_set(ops, ops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_RETRANS_CB_FLAG);
      add(FLAGGED, 1);
      break;
    case BPF_SOCK_OPS_RETRANS_CB:  // args: seq, segs, err
      add(CALLS, 1);
      add(SEGS, ops->args[1]);
      if (ops->args[2]) add(FAILED, 1);
      if ((bpf_get_current_pid_tgid() >> 32) == 1) add(IN_PID1, 1);
      break;
  }
  return 1;
}

char LICENSE[] SEC("license") = "GPL";
