/* The record the per-event comparison program (retx_events.bpf.c) sends to
 * user space for every retransmit, as the original Go tool did: everything a
 * "one line per retransmit" consumer needs, so the record size is realistic.
 * Shared by the BPF side and per_event_main.cpp; fixed-width fields only. */
#ifndef RETX_EVENT_H
#define RETX_EVENT_H

#ifndef __BPF__
#include <linux/types.h>
#endif

struct retx_event {
	__u64 ts_ns;
	__u32 netns;
	__u16 family;
	__u8 state;    /* sk_state */
	__u8 ca_state; /* icsk_ca_state */
	__s32 err;     /* 6.17+: the tracepoint's err; 0 otherwise */
	__u32 segs;    /* tcp_skb_pcount */
	__u16 lport;
	__u16 rport;
	__u8 laddr[16];
	__u8 raddr[16];
	__u32 pad;
};

/* Slots of the per-CPU counter array. */
enum retx_event_stat {
	RETX_EV_HITS = 0,         /* tracepoint hits */
	RETX_EV_RESERVE_FAIL = 1, /* ring buffer full: the record was lost */
	RETX_EV_STAT_COUNT = 2,
};

#endif /* RETX_EVENT_H */
