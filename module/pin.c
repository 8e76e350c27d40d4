// SPDX-License-Identifier: GPL-2.0
/* GPT_IOC_PIN: pin a user range through one path, measure, release or hold. */
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "gpt.h"
#include "compat.h"

/* Why the request cannot run, or GPT_REASON_NONE. */
static u32 gpt_pin_check(const struct gpt_pin *req,
			 const struct gpt_path_desc **pathp)
{
	const struct gpt_path_desc *path;
	unsigned long len, end;
	u32 reason;

	if (req->reserved_in0 ||
	    memchr_inv(req->reserved_in, 0, sizeof(req->reserved_in)))
		return GPT_REASON_BAD_ARGUMENT;
	if (req->flags & ~GPT_FLAG_ALL)
		return GPT_REASON_BAD_ARGUMENT;
	path = gpt_path_find(req->path);
	if (!path)
		return GPT_REASON_BAD_ARGUMENT;
	if (req->pid && !(path->class & GPT_PC_REMOTE))
		return GPT_REASON_BAD_ARGUMENT;
	/* GUP-fast takes an int count: never ask it for more. */
	if (!req->nr_pages || req->nr_pages > min_t(u64, gpt_max_pages, INT_MAX))
		return GPT_REASON_BAD_ARGUMENT;
	if (offset_in_page(req->addr))
		return GPT_REASON_BAD_ARGUMENT;
	if (check_mul_overflow((unsigned long)req->nr_pages, PAGE_SIZE, &len) ||
	    check_add_overflow((unsigned long)req->addr, len, &end))
		return GPT_REASON_BAD_ARGUMENT;
	*pathp = path;
	reason = gpt_path_unavailable(path);
	if (reason)
		return reason;
	return gpt_path_refusal(path, req->flags);
}

/* The mm of @pid (0: the caller), with a reference, or NULL. */
static struct mm_struct *gpt_get_mm(s32 pid)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *p;

	if (!pid) {
		mmget(current->mm);
		return current->mm;
	}
	p = find_get_pid(pid);
	task = get_pid_task(p, PIDTYPE_PID);
	put_pid(p);
	if (!task)
		return NULL;
	mm = get_task_mm(task);
	put_task_struct(task);
	return mm;
}

/* Name the cause of @err for the page at @addr from its VMA. */
static u32 gpt_attribute(struct mm_struct *mm, unsigned long addr, u64 flags,
			 int err)
{
	struct vm_area_struct *vma;
	u32 reason = GPT_REASON_UNATTRIBUTED;

	if (mmap_read_lock_killable(mm))
		return reason;
	vma = vma_lookup(mm, addr);
	if (!vma)
		reason = GPT_REASON_NO_VMA;
	else if (err == EOPNOTSUPP && (flags & GPT_FLAG_LONGTERM) &&
		 vma_is_fsdax(vma))
		reason = GPT_REASON_FSDAX_LONGTERM;
	else if (err != EFAULT)
		reason = GPT_REASON_UNATTRIBUTED;
	else if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		reason = GPT_REASON_VM_IO_PFNMAP;
	else if ((flags & GPT_FLAG_ANON) && !vma_is_anonymous(vma))
		reason = GPT_REASON_ANON_ONLY;
	/* secretmem files are known by their filesystem: no export needed */
	else if (vma->vm_file &&
		 file_inode(vma->vm_file)->i_sb->s_magic == SECRETMEM_MAGIC)
		reason = GPT_REASON_SECRETMEM;
	else if ((flags & GPT_FLAG_WRITE) && !(vma->vm_flags & VM_WRITE) &&
		 !(flags & GPT_FLAG_FORCE))
		reason = GPT_REASON_NOT_WRITABLE;
	else if (!(vma->vm_flags & VM_READ) && !(flags & GPT_FLAG_FORCE))
		reason = GPT_REASON_NOT_READABLE;
	else if (flags & GPT_FLAG_NOFAULT)
		reason = GPT_REASON_NOFAULT;
	mmap_read_unlock(mm);
	return reason;
}

/* Pin into @pages, measuring; returns pages pinned. */
static unsigned long gpt_pin_run(struct gpt_pin *req,
				 const struct gpt_path_desc *path,
				 struct mm_struct *mm, struct page **pages)
{
	unsigned long per_call = req->nr_pages;
	unsigned long done = 0;
	struct gpt_vmstat v0, v1, v2;
	bool hold = req->flags & GPT_FLAG_HOLD;

	if (req->pages_per_call && req->pages_per_call < per_call)
		per_call = req->pages_per_call;

	gpt_sample_addr(mm, req->addr, &req->before);
	gpt_vmstat_read(&v0);
	while (done < req->nr_pages) {
		unsigned long start = req->addr + done * PAGE_SIZE;
		unsigned long n = min(per_call, req->nr_pages - done);
		long got = gpt_path_grab(path, mm, start, n, req->flags,
					 pages + done);

		req->calls++;
		if (got < 0) {
			req->error = -got;
			req->reason = gpt_attribute(mm, start, req->flags, -got);
			break;
		}
		done += got;
		if (got < n) {
			req->reason = GPT_REASON_SHORT;
			break;
		}
	}
	req->pinned = done;
	gpt_vmstat_read(&v1);
	if (done)
		gpt_sample_page(pages[0], 0, &req->pinned_page);
	gpt_vmstat_delta(&v0, &v1, &req->vmstat_pinned);
	if (hold) {
		req->vmstat_after = req->vmstat_pinned;
		return done;
	}
	path->release(pages, done, false);
	gpt_vmstat_read(&v2);
	gpt_sample_addr(mm, req->addr, &req->after);
	gpt_vmstat_delta(&v0, &v2, &req->vmstat_after);
	return done;
}

/* Keep @done pinned pages under a new handle, written to @req. */
static int gpt_pin_keep(struct gpt_file *gf, struct gpt_pin *req,
			const struct gpt_path_desc *path, struct page **pages,
			unsigned long done)
{
	struct gpt_hold *hold = kzalloc(sizeof(*hold), GFP_KERNEL);
	int ret;

	if (!hold)
		return -ENOMEM;
	hold->path = path;
	hold->flags = req->flags;
	hold->addr = req->addr;
	hold->nr = done;
	hold->pages = pages;
	ret = gpt_hold_add(gf, hold);
	if (ret) {
		kfree(hold);
		return ret;
	}
	req->handle = hold->handle;
	return 0;
}

long gpt_ioctl_pin(struct gpt_file *gf, void __user *uarg)
{
	struct gpt_pin __user *ureq = uarg;
	const struct gpt_path_desc *path = NULL;
	struct mm_struct *mm;
	struct gpt_pin in, req;
	struct page **pages;
	unsigned long done;
	bool hold;
	u32 reason;
	int ret = 0;

	if (copy_from_user(&in, ureq, sizeof(in)))
		return -EFAULT;
	reason = gpt_pin_check(&in, &path);
	hold = in.flags & GPT_FLAG_HOLD;
	if (!reason) {
		mm = gpt_get_mm(in.pid);
		if (!mm) {
			reason = GPT_REASON_NO_PROCESS;
			ret = -ESRCH;
		}
	}
	if (!reason && hold && gpt_hold_reserve(gf, in.nr_pages)) {
		mmput(mm);
		reason = GPT_REASON_HOLD_LIMIT;
		ret = -ENOSPC;
	}
	if (reason)
		return gpt_fail(&ureq->reason, reason, ret ? ret : -EINVAL);

	/* Outputs start from zero, whatever the caller left there. */
	req = (struct gpt_pin) {
		.addr = in.addr,
		.nr_pages = in.nr_pages,
		.flags = in.flags,
		.path = in.path,
		.pages_per_call = in.pages_per_call,
		.pid = in.pid,
	};
	pages = kvmalloc_array(req.nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		ret = -ENOMEM;
		goto unreserve;
	}
	done = gpt_pin_run(&req, path, mm, pages);
	if (hold && done) {
		ret = gpt_pin_keep(gf, &req, path, pages, done);
		if (ret) {
			path->release(pages, done, false);
			kvfree(pages);
			goto unreserve;
		}
		/* The hold owns @pages now. */
		gpt_hold_unreserve(gf, req.nr_pages - done);
	} else {
		kvfree(pages);
		if (hold)
			gpt_hold_unreserve(gf, req.nr_pages);
	}
	mmput(mm);
	if (copy_to_user(ureq, &req, sizeof(req)))
		return -EFAULT;	/* a hold stays; close() releases it */
	return 0;

unreserve:
	if (hold)
		gpt_hold_unreserve(gf, req.nr_pages);
	mmput(mm);
	return ret;
}
