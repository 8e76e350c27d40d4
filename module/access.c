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
 * Held pages: charged against the pinning process's RLIMIT_MEMLOCK as a
 * driver charges them (enum gpt_account), by default as RDMA memory
 * registrations are (ib_umem_get(): mm->pinned_vm, unless CAP_IPC_LOCK).
 * As with the drivers, the charge stays with that mm (or user) when the fd
 * outlives the process (fork, exec, fd passing); what bounds a file
 * whatever its holders is max_held_pages.  Each count is bounded on its
 * own, as the kernel bounds them: a process may have pinned_vm, locked_vm
 * and its user's locked_vm each up to RLIMIT_MEMLOCK (RDMA, mlock() and
 * io_uring give as much).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/user_namespace.h>
#include "gpt.h"
#include "compat.h"

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

/* The caller's RLIMIT_MEMLOCK in pages. */
static unsigned long gpt_memlock_limit(void)
{
	return rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
}

/* The user's locked_vm, as AF_XDP's and io_uring's accounting charge it. */
static int gpt_user_charge(atomic_long_t *locked_vm, unsigned long nr)
{
	long cur = atomic_long_read(locked_vm), new;

	do {
		new = cur + nr;
		if (new > gpt_memlock_limit())
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(locked_vm, &cur, new));
	return 0;
}

/* pinned_vm up to the limit, without a window between look and add. */
static int gpt_pinned_vm_charge(atomic64_t *pinned_vm, unsigned long nr)
{
	s64 cur = atomic64_read(pinned_vm);

	do {
		if (cur + nr > gpt_memlock_limit())
			return -ENOMEM;
	} while (!atomic64_try_cmpxchg(pinned_vm, &cur, cur + nr));
	return 0;
}

int gpt_charge_take(struct gpt_charge *c, u32 account, unsigned long nr)
{
	struct mm_struct *mm = current->mm;
	bool cap;
	int ret = 0;

	*c = (struct gpt_charge) { .account = account };
	switch (account) {
	case GPT_ACCOUNT_NONE:
		return 0;
	case GPT_ACCOUNT_PINNED_VM:
		/* ib_umem_get(): add, then compare */
		if (atomic64_add_return(nr, &mm->pinned_vm) > gpt_memlock_limit() &&
		    !capable(CAP_IPC_LOCK)) {
			atomic64_sub(nr, &mm->pinned_vm);
			return -ENOMEM;
		}
		break;
	case GPT_ACCOUNT_PINNED_VM_NOCAP:
		/*
		 * vhost_vdpa_pa_map(): compare, then add; no capability helps.
		 * vhost serializes per device; the fd's threads need the cmpxchg.
		 */
		ret = gpt_pinned_vm_charge(&mm->pinned_vm, nr);
		if (ret)
			return ret;
		break;
	case GPT_ACCOUNT_LOCKED_VM:
		/* vfio_lock_acct(): mm->locked_vm, as mlock() counts it */
		cap = capable(CAP_IPC_LOCK);
		if (mmap_write_lock_killable(mm))
			return -EINTR;
		ret = __account_locked_vm(mm, nr, true, current, cap);
		mmap_write_unlock(mm);
		if (ret)
			return ret;
		break;
	case GPT_ACCOUNT_USER_LOCKED_VM:
	case GPT_ACCOUNT_USER_LOCKED_VM_PINNED:
		/*
		 * xdp_umem_account_pages(), io_account_mem(): the user's count
		 * unless CAP_IPC_LOCK; io_uring adds pinned_vm, unchecked.
		 */
		if (!capable(CAP_IPC_LOCK)) {
			/* The cred keeps its user: no free_uid() on 5.10. */
			c->cred = get_current_cred();
			ret = gpt_user_locked_vm(c->cred->user) ?
			      gpt_user_charge(gpt_user_locked_vm(c->cred->user), nr) :
			      -EINVAL;
			if (ret) {
				put_cred(c->cred);
				c->cred = NULL;
				return ret;
			}
		} else if (account == GPT_ACCOUNT_USER_LOCKED_VM) {
			return 0;
		}
		if (account == GPT_ACCOUNT_USER_LOCKED_VM_PINNED)
			atomic64_add(nr, &mm->pinned_vm);
		break;
	default:
		return -EINVAL;
	}
	mmgrab(mm);
	c->mm = mm;
	c->nr = nr;
	return 0;
}

void gpt_charge_give(struct gpt_charge *c, unsigned long nr)
{
	nr = min(nr, c->nr);
	if (!nr)
		return;
	c->nr -= nr;
	switch (c->account) {
	case GPT_ACCOUNT_PINNED_VM:
	case GPT_ACCOUNT_PINNED_VM_NOCAP:
		atomic64_sub(nr, &c->mm->pinned_vm);
		break;
	case GPT_ACCOUNT_LOCKED_VM:
		/* As vfio_lock_acct(): an mm that has gone counts nothing. */
		if (mmget_not_zero(c->mm)) {
			mmap_write_lock(c->mm);
			__account_locked_vm(c->mm, nr, false, current, true);
			mmap_write_unlock(c->mm);
			mmput(c->mm);
		}
		break;
	case GPT_ACCOUNT_USER_LOCKED_VM:
	case GPT_ACCOUNT_USER_LOCKED_VM_PINNED:
		if (c->cred)
			atomic_long_sub(nr, gpt_user_locked_vm(c->cred->user));
		if (c->account == GPT_ACCOUNT_USER_LOCKED_VM_PINNED)
			atomic64_sub(nr, &c->mm->pinned_vm);
		break;
	}
	if (c->nr)
		return;
	if (c->cred)
		put_cred(c->cred);
	mmdrop(c->mm);
	c->cred = NULL;
	c->mm = NULL;
}
