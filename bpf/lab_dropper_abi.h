/* The one ABI between bpf/lab_dropper.bpf.c (the lab's cls_bpf dropper) and
 * lab/kernel/impairment_bpf.cpp. Fixed-width fields only; the C++ side
 * static_asserts the sizes. Settings are read-only data set before load. */
#ifndef LAB_DROPPER_ABI_H
#define LAB_DROPPER_ABI_H

#ifndef __BPF__
#include <linux/types.h>
#endif

enum lab_drop_kind {
	LAB_DROP_RANDOM = 1,       /* independent loss */
	LAB_DROP_GE = 2,           /* Gilbert-Elliott two-state bursts */
	LAB_DROP_NTH = 3,          /* the nth candidate, once */
	LAB_DROP_BLACKHOLE = 4,    /* every candidate inside a CLOCK_MONOTONIC window */
	LAB_DROP_FIRST_SYN = 5,    /* the first SYN of each connection */
	LAB_DROP_FIRST_SYNACK = 6, /* the first SYN-ACK of each connection */
};

/* Per-CPU counters, summed by user space. segments are weighted by gso_segs:
 * one GSO skb dropped removes all of its MSS-sized segments. */
struct lab_drop_stats {
	__u64 candidates;
	__u64 packets_dropped;
	__u64 segments_dropped;
	__u64 bytes_dropped;
	__u64 ge_bad_packets; /* candidates seen while in the bad state */
};

/* Probabilities are thresholds over a 32-bit random value: p * 2^32, so
 * p = 1 (2^32) is above every value. */
#define LAB_DROP_ONE (1ULL << 32)

#endif /* LAB_DROPPER_ABI_H */
