// SPDX-License-Identifier: GPL-2.0
/* GPT_IOC_PIN: pin a user range through one path, measure, release. */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/overflow.h>
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

	if (memchr_inv(req->reserved_in, 0, sizeof(req->reserved_in)))
		return GPT_REASON_BAD_ARGUMENT;
	if (req->flags & ~GPT_FLAG_ALL)
		return GPT_REASON_BAD_ARGUMENT;
	path = gpt_path_find(req->path);
	if (!path)
		return GPT_REASON_BAD_ARGUMENT;
	if (!req->nr_pages || req->nr_pages > gpt_max_pages)
		return GPT_REASON_BAD_ARGUMENT;
	if (offset_in_page(req->addr))
		return GPT_REASON_BAD_ARGUMENT;
	if (check_mul_overflow((unsigned long)req->nr_pages, PAGE_SIZE, &len) ||
	    check_add_overflow((unsigned long)req->addr, len, &end))
		return GPT_REASON_BAD_ARGUMENT;
	*pathp = path;
	return gpt_path_refusal(path, req->flags);
}

/* Name the cause of @err for the page at @addr from its VMA. */
static u32 gpt_attribute(unsigned long addr, u64 flags, int err)
{
	struct vm_area_struct *vma;
	u32 reason = GPT_REASON_UNATTRIBUTED;

	if (mmap_read_lock_killable(current->mm))
		return reason;
	vma = vma_lookup(current->mm, addr);
	if (!vma)
		reason = GPT_REASON_NO_VMA;
	else if (err == EOPNOTSUPP && (flags & GPT_FLAG_LONGTERM) &&
		 vma_is_fsdax(vma))
		reason = GPT_REASON_FSDAX_LONGTERM;
	else if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		reason = GPT_REASON_VM_IO_PFNMAP;
	else if ((flags & GPT_FLAG_WRITE) && !(vma->vm_flags & VM_WRITE))
		reason = GPT_REASON_NOT_WRITABLE;
	else if (!(vma->vm_flags & VM_READ))
		reason = GPT_REASON_NOT_READABLE;
	mmap_read_unlock(current->mm);
	return reason;
}

static void gpt_pin_run(struct gpt_pin *req, const struct gpt_path_desc *path,
			struct page **pages)
{
	unsigned long per_call = req->nr_pages;
	unsigned long done = 0;
	struct gpt_vmstat v0, v1, v2;

	if (req->pages_per_call && req->pages_per_call < per_call)
		per_call = req->pages_per_call;

	gpt_sample_addr(req->addr, &req->before);
	gpt_vmstat_read(&v0);
	while (done < req->nr_pages) {
		unsigned long start = req->addr + done * PAGE_SIZE;
		unsigned long n = min(per_call, req->nr_pages - done);
		long got = gpt_path_grab(path, start, n, req->flags,
					 pages + done);

		req->calls++;
		if (got < 0) {
			req->error = -got;
			req->reason = gpt_attribute(start, req->flags, -got);
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
	path->release(pages, done);
	gpt_vmstat_read(&v2);
	gpt_sample_addr(req->addr, &req->after);
	gpt_vmstat_delta(&v0, &v1, &req->vmstat_pinned);
	gpt_vmstat_delta(&v0, &v2, &req->vmstat_after);
}

long gpt_ioctl_pin(void __user *uarg)
{
	struct gpt_pin __user *ureq = uarg;
	const struct gpt_path_desc *path = NULL;
	struct gpt_pin in, req;
	struct page **pages;
	u32 reason;

	if (copy_from_user(&in, ureq, sizeof(in)))
		return -EFAULT;
	reason = gpt_pin_check(&in, &path);
	if (reason) {
		/* Say why, even though the ioctl fails. */
		if (put_user(reason, &ureq->reason))
			return -EFAULT;
		return -EINVAL;
	}

	/* Outputs start from zero, whatever the caller left there. */
	req = (struct gpt_pin) {
		.addr = in.addr,
		.nr_pages = in.nr_pages,
		.flags = in.flags,
		.path = in.path,
		.pages_per_call = in.pages_per_call,
	};
	pages = kvmalloc_array(req.nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	gpt_pin_run(&req, path, pages);
	kvfree(pages);

	if (copy_to_user(ureq, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}
