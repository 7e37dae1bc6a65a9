/* The one ABI shared by the BPF programs (retx.bpf.c) and the exporter.
 *
 * Every struct has fixed-width fields and explicit padding so that the C++
 * side can static_assert its size and read map values with memcpy. Never copy
 * these definitions elsewhere: include this header.
 */
#ifndef RETX_ABI_H
#define RETX_ABI_H

#ifndef __BPF__
#include <linux/types.h>
#endif

/* Why a retransmission happened, derived from socket state at the tracepoint.
 * See bpf/README.md for the exact rules and the kernel counter each maps to. */
enum retx_cause {
	RETX_CAUSE_OTHER = 0,  /* Open/Disorder/CWR state, no probe timer pending */
	RETX_CAUSE_RTO = 1,    /* icsk_ca_state == TCP_CA_Loss: after a retransmission timeout */
	RETX_CAUSE_FAST = 2,   /* icsk_ca_state == TCP_CA_Recovery: SACK/dupack/RACK recovery */
	RETX_CAUSE_TLP = 3,    /* icsk_pending == ICSK_TIME_LOSS_PROBE: tail loss probe */
	RETX_CAUSE_SYN = 4,    /* sk_state == TCP_SYN_SENT: the client's SYN */
	RETX_CAUSE_SYNACK = 5, /* tcp_retransmit_synack, or a fastopen child in SYN_RECV */
	RETX_CAUSE_COUNT = 6,
};

/* What became of one tcp_retransmit_skb hit. Kernels before 6.17 only report
 * successes. From 6.17 the hit carries err; the kernel adds the segments to
 * Tcp RetransSegs (and, on failure, to TcpExt TCPRetransFail) only once the
 * skb reached tcp_transmit_skb, so failures are split by that stage. */
enum retx_outcome {
	RETX_OUTCOME_SENT = 0,         /* err == 0: left the host; counted in RetransSegs */
	RETX_OUTCOME_FAILED_EARLY = 1, /* returned before transmit: no kernel counter moved */
	RETX_OUTCOME_FAILED_XMIT = 2,  /* transmit failed: RetransSegs and TCPRetransFail moved */
	RETX_OUTCOME_COUNT = 3,
};

/* Key of both counting maps. Peer and cgroup fields are zero unless their
 * labels are on. raddr holds an IPv4 address in its first four bytes, network
 * order. */
struct retx_key {
	__u64 netns_cookie; /* the namespace's cookie (never reused), 0 where the kernel has none */
	__u64 cgroup;  /* cgroup v2 id of the socket (kernfs id = inode in the cgroup2 mount) */
	__u32 netns;   /* inode of the socket's network namespace: the user-facing label */
	__u16 family;  /* AF_INET (2) or AF_INET6 (10) */
	__u8 cause;    /* enum retx_cause */
	__u8 outcome;  /* enum retx_outcome */
	__s32 err;     /* 0, or the tracepoint's err (negative errno, or a positive NET_XMIT code) */
	__u16 lport;   /* local port, host order */
	__u16 rport;   /* remote port, host order */
	__u8 raddr[16];
};

struct retx_value {
	__u64 segs; /* segments: the sockets' tp->total_retrans growth, what Tcp RetransSegs counts (bpf/README.md) */
	__u64 skbs; /* tracepoint hits */
};

/* Slots of the per-CPU stats array. */
enum retx_stat {
	RETX_STAT_SKB_HITS = 0,    /* tcp_retransmit_skb hits seen */
	RETX_STAT_SYNACK_HITS = 1, /* tcp_retransmit_synack hits seen */
	RETX_STAT_FOLDED = 2,      /* hits folded from the detail map (over budget) into the aggregate map */
	RETX_STAT_LOST = 3,        /* hits lost because even the aggregate map was full: must stay 0 */
	RETX_STAT_FILTERED = 4,    /* hits in namespaces excluded by the netns filter */
	RETX_STAT_NO_SOCK = 5,     /* hits without a readable socket */
	RETX_STAT_FIRST_HIT = 6,   /* hits counted by their own pcount: the socket had no baseline */
	RETX_STAT_SK_TRACKED = 7,  /* baselines inserted into the LRU map (raw_tp, tracepoint) */
	RETX_STAT_SK_UNTRACKED = 8, /* baselines deleted from it at CLOSE; the rest left by eviction */
	RETX_STAT_COUNT = 9,
};

/* One record of the task iterator (netns_iter.bpf.c): a task and the
 * namespace it is in, for telling a namespace's cookie from user space. */
struct retx_netns_task {
	__u64 netns_cookie;
	__u32 netns;  /* inode */
	__u32 tid;
};

/* Map sizes. The aggregate map is keyed by (netns, family, cause, outcome, err):
 * bounded by the number of living namespaces (dead ones are deleted), so 16k
 * entries is generous. */
#define RETX_AGG_MAX_ENTRIES 16384
#define RETX_NETNS_FILTER_MAX 1024
/* Cgroups the exporter found removed; their sockets' hits fold into the
 * aggregate map. LRU: an evicted id is found removed again and re-added. */
#define RETX_CGROUP_GONE_MAX 4096

#endif /* RETX_ABI_H */
