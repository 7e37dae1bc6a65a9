// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Every task's network namespace, as (cookie, inode, tid) records: how the
 * exporter learns the cookie of a namespace that has processes in it without
 * entering it. Threads count too (a thread can sit in another namespace than
 * its process). Consecutive tasks of one namespace are written once.
 *
 * task->nsproxy is read without task_lock: a task switching or leaving its
 * namespaces at that instant can yield a stale record. The exporter only adds
 * the cookies it reads here to the set it treats as alive, so a stale record
 * can keep a dead namespace's rows one scrape longer, never drop a living one's.
 *
 * The program is not named retx_*: that prefix marks the counting programs,
 * which tests and operators count (bpftool prog list) to see a probe attached.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "retx_abi.h"
#include "netns_id.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The namespace of the last record written, to skip repeats. Reset at the
 * start of every pass (seq_num 0): a pass can span several read() calls. */
static const struct net *last_net;

SEC("iter/task")
int netns_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct retx_netns_task rec;
	const struct nsproxy *nsp;
	const struct net *net;

	if (ctx->meta->seq_num == 0)
		last_net = NULL;
	if (!task)
		return 0;
	nsp = task->nsproxy;
	if (!nsp)
		return 0; /* exiting */
	net = nsp->net_ns;
	if (!net || net == last_net)
		return 0;
	last_net = net;
	rec.netns_cookie = netns_cookie_of(net, true);
	rec.netns = net->ns.inum;
	rec.tid = task->pid;
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}
