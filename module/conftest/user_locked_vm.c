// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_USER_LOCKED_VM: struct user_struct has locked_vm, the per-user
 * count AF_XDP and io_uring charge pinned pages to.  It exists only with
 * CONFIG_PERF_EVENTS, CONFIG_BPF_SYSCALL, CONFIG_NET or CONFIG_IO_URING.
 */
#include <linux/sched/user.h>

long gpt_probe(struct user_struct *user);
long gpt_probe(struct user_struct *user)
{
	return atomic_long_read(&user->locked_vm);
}
