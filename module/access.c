// SPDX-License-Identifier: GPL-2.0
/*
 * The device as a privilege boundary: whoever holds the fd gets no more
 * than its own syscalls would give it.
 *
 * Another process's memory: process_vm_writev() asks mm_access() with
 * PTRACE_MODE_ATTACH_REALCREDS, that is the caller's credentials now
 * against the target's, the target's dumpability and every LSM (Yama's
 * ptrace_scope, SELinux).  Neither ptrace_may_access() nor mm_access() nor
 * security_ptrace_access_check() is exported to modules on any kernel we
 * build for (5.10 to 7.2), and a uid comparison of our own would skip the
 * LSMs, so we ask for what always passes mm_access()'s credential checks:
 * CAP_SYS_PTRACE in the initial user namespace, checked at every request.
 * A caller's own mm needs nothing.
 *
 * Held pages: charged like RDMA memory registrations (ib_umem_get()):
 * mm->pinned_vm of the process that holds them against RLIMIT_MEMLOCK,
 * unless CAP_IPC_LOCK.  As with RDMA, the charge stays with that mm when
 * the fd outlives the process (fork, exec, fd passing); what bounds a file
 * whatever its holders is max_held_pages.
 */
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/user_namespace.h>
#include "gpt.h"

bool gpt_may_access_mm(struct mm_struct *mm)
{
	return mm == current->mm || capable(CAP_SYS_PTRACE);
}

/*
 * Page frame numbers: /proc/PID/pagemap shows them only to CAP_SYS_ADMIN
 * (they help rowhammer-style attacks).  Asked of the caller, per request.
 */
bool gpt_may_see_pfn(void)
{
	return ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
}

int gpt_memlock_charge(struct mm_struct *mm, unsigned long nr)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	u64 total = atomic64_add_return(nr, &mm->pinned_vm);

	if (total > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(nr, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

void gpt_memlock_uncharge(struct mm_struct *mm, unsigned long nr)
{
	atomic64_sub(nr, &mm->pinned_vm);
}
