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

/* Key of the counting maps. Peer and cgroup fields are zero unless their
 * labels are on. raddr holds an IPv4 address in its first four bytes, network
 * order.
 *
 * The aggregate maps (retx_agg, retx_agg_spill) never carry peer or cgroup
 * fields, so their key is this struct's first RETX_AGG_KEY_SIZE bytes: the
 * fields up to err. A hit hashes and compares 20 bytes instead of 48 on the
 * path every retransmit takes without labels; the probe hands the same
 * struct to either map, and user space reads aggregate keys into a zeroed
 * retx_key. */
struct retx_key {
	__u64 netns_cookie; /* the namespace's cookie (never reused), 0 where the kernel has none */
	__u32 netns;   /* inode of the socket's network namespace: the user-facing label */
	__u16 family;  /* AF_INET (2) or AF_INET6 (10) */
	__u8 cause;    /* enum retx_cause */
	__u8 outcome;  /* enum retx_outcome */
	__s32 err;     /* 0, or the tracepoint's err (negative errno, or a positive NET_XMIT code) */
	/* RETX_AGG_KEY_SIZE: the aggregate maps' key ends here. */
	__u16 lport;   /* local port, host order */
	__u16 rport;   /* remote port, host order */
	__u64 cgroup;  /* cgroup v2 id of the socket (kernfs id = inode in the cgroup2 mount) */
	__u8 raddr[16];
};

#define RETX_AGG_KEY_SIZE 20

struct retx_value {
	__u64 segs; /* segments: the sockets' tp->total_retrans growth, what Tcp RetransSegs counts (bpf/README.md) */
	__u64 skbs; /* tracepoint hits */
};

/* Slots of the per-CPU stats array. */
enum retx_stat {
	RETX_STAT_SKB_HITS = 0,    /* tcp_retransmit_skb hits seen */
	RETX_STAT_SYNACK_HITS = 1, /* tcp_retransmit_synack hits seen */
	RETX_STAT_FOLDED = 2,      /* hits folded from the detail map (over budget) into the aggregate map */
	RETX_STAT_LOST = 3,        /* hits neither the aggregate map nor its spill map took: must stay 0 */
	RETX_STAT_FILTERED = 4,    /* hits in namespaces excluded by the netns filter */
	RETX_STAT_NO_SOCK = 5,     /* hits without a readable socket */
	RETX_STAT_FIRST_HIT = 6,   /* hits counted by their own pcount: the socket had no baseline */
	RETX_STAT_SK_TRACKED = 7,  /* per-socket baselines created (socket storage, or the LRU map of raw_tp/tracepoint) */
	RETX_STAT_SK_UNTRACKED = 8, /* baselines deleted from it at CLOSE; the rest left by eviction */
	RETX_STAT_HIST_LOST = 9,   /* closed connections neither histogram map took: must stay 0 */
	RETX_STAT_SPILLED = 10,    /* hits and closes a map refused to insert (bucket busy) that its spill map took */
	RETX_STAT_COUNT = 11,
};

/* One record of the task iterator (netns_iter.bpf.c): a task and the
 * namespace it is in, for telling a namespace's cookie from user space. */
struct retx_netns_task {
	__u64 netns_cookie;
	__u32 netns;  /* inode */
	__u32 tid;
};

/* Per-socket state of the probe, in socket-local storage (tp_btf) or in an
 * LRU hash keyed by the socket pointer (raw_tp, tracepoint). total_retrans and
 * seen are the probe's baseline (bpf/README.md); causes[] adds, at every hit
 * (and at CLOSE, as "other"), the segments that hit added to the socket's
 * tp->total_retrans, by enum retx_cause. So from the first hit the probe saw,
 * the causes sum to the socket's growth of total_retrans. retx-top reads
 * them (bpf/retx_top.bpf.c). */
struct retx_sk_last {
	__u32 total_retrans;
	__u32 seen;
	__u32 causes[RETX_CAUSE_COUNT];
};

/* Histogram of each closed connection's retransmission ratio, total_retrans /
 * segs_out of its tcp_sock at CLOSE, per network namespace (map
 * retx_ratio_hist, per CPU). Bucket i holds the connections whose ratio is at
 * most 1 / RETX_RATIO_DENOMS[i] and above the previous bound; the first bound
 * is exactly 0 (denominator 0 stands for it), the last slot is +Inf. The BPF
 * side compares integers only: retrans * denom <= segs_out. */
#define RETX_RATIO_BOUNDS 10
#define RETX_RATIO_DENOMS_INIT {0, 1000, 200, 100, 50, 20, 10, 5, 2, 1}
#define RETX_RATIO_SUM_SCALE 1000000000ULL /* sum_scaled is in units of 1e-9 */

/* Key of retx_ratio_hist: the namespace, as in struct retx_key. */
struct retx_netns_key {
	__u64 netns_cookie; /* never reused; 0 where the kernel has none */
	__u32 netns;        /* inode: the user-facing label */
	__u32 pad;
};

struct retx_ratio_hist {
	__u64 buckets[RETX_RATIO_BOUNDS + 1]; /* not cumulative; [RETX_RATIO_BOUNDS] is +Inf */
	__u64 sum_scaled;                     /* sum of ratios x RETX_RATIO_SUM_SCALE, each rounded down */
};

#define RETX_RATIO_HIST_MAX_ENTRIES 1024

/* One TCP socket as the iterator program (bpf/retx_top.bpf.c) writes it to
 * its seq_file: figures from tcp_sock (what TCP_INFO reports), the probe's
 * per-socket causes when it has them, and what identifies the socket. */
struct retx_top_sock {
	__u64 cookie;        /* socket cookie (the same as INET_DIAG's idiag_cookie) */
	__u64 cgroup_id;     /* cgroup v2 id of the socket (sk_cgrp_data), 0 if unknown */
	__u64 ino;           /* socket inode, as in /proc/PID/fd links; 0 when orphaned */
	__u64 bytes_acked;   /* tcpi_bytes_acked */
	__u32 netns;         /* inode of the socket's network namespace */
	__u32 total_retrans; /* tcpi_total_retrans: segments */
	__u32 segs_out;      /* tcpi_segs_out */
	__u32 data_segs_out; /* tcpi_data_segs_out */
	__u32 lost_out;      /* tcpi_lost */
	__u32 sacked_out;    /* tcpi_sacked */
	__u32 dsack_dups;    /* tcpi_dsack_dups */
	__u32 reord_seen;    /* tcpi_reord_seen */
	__u32 srtt_us;       /* tcpi_rtt: smoothed RTT in microseconds (tp->srtt_us >> 3) */
	__u32 snd_cwnd;      /* tcpi_snd_cwnd */
	__u32 causes[RETX_CAUSE_COUNT]; /* the probe's retx_sk_last.causes */
	__u8 causes_known;   /* 1 when the probe had state for this socket */
	__u8 state;          /* TCP_ESTABLISHED = 1, ... (include/net/tcp_states.h) */
	__u16 family;        /* AF_INET or AF_INET6 */
	__u16 lport;         /* host order */
	__u16 rport;         /* host order */
	__u8 laddr[16];      /* network order; IPv4 in the first four bytes */
	__u8 raddr[16];
};

/* One socket file held by a process, as retx_top.bpf.c's task_file iterator
 * writes it: how retx-top names a socket's owner without a readlink of
 * every /proc/PID/fd entry. */
struct retx_top_owner {
	__u64 ino;     /* socket inode (the file's) */
	__u32 tgid;    /* process id in the initial pid namespace */
	__u32 pad;
	char comm[16]; /* task->comm */
};

/* Where the iterator finds the probe's per-socket state (set before load). */
enum retx_top_causes_map {
	RETX_TOP_CAUSES_NONE = 0,
	RETX_TOP_CAUSES_SK_STORAGE = 1, /* retx_sk_btf: the tp_btf flavour */
	RETX_TOP_CAUSES_PTR_HASH = 2,   /* retx_sk_ptr: raw_tp and tracepoint */
};

/* Map sizes. The aggregate map is keyed by (netns, family, cause, outcome, err):
 * bounded by the number of living namespaces (dead ones are deleted), so 16k
 * entries is generous. */
#define RETX_AGG_MAX_ENTRIES 16384
#define RETX_NETNS_FILTER_MAX 1024
/* Namespaces the exporter's seed pass has walked (retx.bpf.c, netns_seeded);
 * a namespace beyond it is left unmarked (every connection there gets a
 * baseline at setup). */
#define RETX_SEEDED_NETNS_MAX 8192
/* Cgroups the exporter found removed; their sockets' hits fold into the
 * aggregate map. LRU: an evicted id is found removed again and re-added. */
#define RETX_CGROUP_GONE_MAX 4096
/* Spill maps take the rows whose insert a counting map refused although it
 * had room: a hash map's bucket lock held on the same CPU (6.1: the program
 * interrupted a syscall or another program between map_locked and the lock,
 * -EBUSY; 6.15+: rqspinlock's -EDEADLK/-ETIMEDOUT). Only keys first met in
 * that window land here, so they stay small. */
#define RETX_SPILL_MAX_ENTRIES 1024

#endif /* RETX_ABI_H */
