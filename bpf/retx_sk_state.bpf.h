/* The probe's per-socket state maps (struct retx_sk_last, retx_abi.h),
 * defined once: retx.bpf.c keeps them; retx_top.bpf.c is handed a running
 * probe's through bpf_map__reuse_fd, and declares the same maps so that its
 * programs read them with the same definition.
 *
 * tp_btf keeps the state in socket-local storage (freed with the socket);
 * raw_tp and the classic tracepoint cannot, and use an LRU hash keyed by the
 * socket pointer. */
#ifndef RETX_SK_STATE_BPF_H
#define RETX_SK_STATE_BPF_H

#include "retx_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct retx_sk_last);
} retx_sk_btf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct retx_sk_last);
} retx_sk_ptr SEC(".maps");

#endif /* RETX_SK_STATE_BPF_H */
