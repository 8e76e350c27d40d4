// SPDX-License-Identifier: GPL-2.0
/*
 * Looking at held pins: GPT_IOC_QUERY samples each page, GPT_IOC_READ and
 * GPT_IOC_WRITE copy through the kernel's mapping of a page, the way a
 * device would see it.  The file's lock is held only to find the hold and
 * snapshot it into a kernel buffer; user memory is touched outside it, so
 * a caller whose buffer faults (userfaultfd) blocks nobody else.
 */
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "gpt.h"
#include "compat.h"

long gpt_ioctl_query(struct gpt_file *gf, void __user *uarg)
{
	struct gpt_query_result res = { 0 };
	struct gpt_page_sample *snap;
	struct gpt_hold *hold;
	struct gpt_query req;
	u64 i, n = 0;
	u32 reason = GPT_REASON_NONE;
	bool show_pfn;
	int ret;

	ret = gpt_req_begin(&req, sizeof(req), GPT_QUERY_SIZE_VER3,
			    GPT_QUERY_RESULT_SIZE_VER3, uarg);
	if (ret)
		return ret;
	if (gpt_array_check(&req.records, GPT_PAGE_SAMPLE_SIZE_VER3))
		return gpt_req_fail(&req.head, GPT_REASON_BAD_ARGUMENT, -EINVAL);
	snap = kmalloc_array(GPT_QUERY_MAX, sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;

	mutex_lock(&gf->lock);
	hold = xa_load(&gf->holds, req.handle);
	if (!hold) {
		reason = GPT_REASON_NO_HANDLE;
	} else if (!gpt_may_access_mm(hold->mm)) {
		reason = GPT_REASON_PTRACE;
	} else {
		res.nr_pages = hold->nr;
		res.addr = hold->addr;
		res.flags = hold->flags;
		res.path = hold->path->id;
		res.pid = hold->pid;
		res.age_ns = ktime_get_ns() - hold->pinned_ns;
		res.memlock_charged = hold->charge.nr;
		res.written = hold->written;
		if (req.records.ptr && req.first < hold->nr)
			n = min3(hold->nr - req.first, (u64)req.records.count,
				 (u64)GPT_QUERY_MAX);
		/* The pins keep the pages; sampling does not sleep. */
		for (i = 0; i < n; i++)
			gpt_sample_page(hold->pages[req.first + i], &snap[i]);
	}
	mutex_unlock(&gf->lock);

	show_pfn = gpt_may_see_pfn();
	for (i = 0; !ret && i < n; i++) {
		if (!show_pfn)
			snap[i].pfn = 0;
		ret = gpt_array_put(&req.records, i, &snap[i], sizeof(snap[i]));
	}
	kfree(snap);
	if (reason)
		return gpt_req_fail(&req.head, reason, gpt_reason_errno(reason));
	if (ret)
		return ret;
	res.nr_records = n;
	return gpt_req_done(&req.head, &res, sizeof(res));
}

long gpt_ioctl_rw(struct gpt_file *gf, void __user *uarg, bool write)
{
	struct gpt_rw_result res = { 0 };
	struct gpt_hold *hold;
	struct page *page;
	struct gpt_rw req;
	void *buf, *kaddr;
	u32 reason = GPT_REASON_NONE;
	int ret;

	ret = gpt_req_begin(&req, sizeof(req), GPT_RW_SIZE_VER3,
			    GPT_RW_RESULT_SIZE_VER3, uarg);
	if (ret)
		return ret;
	if (!req.len ||
	    req.offset >= PAGE_SIZE || req.len > PAGE_SIZE - req.offset)
		return gpt_req_fail(&req.head, GPT_REASON_BAD_ARGUMENT, -EINVAL);
	buf = kmalloc(req.len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (write && copy_from_user(buf, u64_to_user_ptr(req.buf), req.len)) {
		kfree(buf);
		return -EFAULT;
	}

	mutex_lock(&gf->lock);
	hold = xa_load(&gf->holds, req.handle);
	if (!hold)
		reason = GPT_REASON_NO_HANDLE;
	else if (!gpt_may_access_mm(hold->mm))
		reason = GPT_REASON_PTRACE;
	else if (req.index >= hold->nr)
		reason = GPT_REASON_BAD_ARGUMENT;
	/* Not what a device may do: the release could not dirty it. */
	else if (write)
		reason = gpt_hold_dirty_refusal(hold, req.index, 1);
	if (!reason) {
		page = hold->pages[req.index];
		kaddr = gpt_kmap(page);
		if (write)
			memcpy(kaddr + req.offset, buf, req.len);
		else
			memcpy(buf, kaddr + req.offset, req.len);
		gpt_kunmap(kaddr);
		if (write) {
			/* A device wrote: caches follow, release dirties. */
			flush_dcache_page(page);
			hold->written++;
		}
	}
	mutex_unlock(&gf->lock);

	if (!reason && !write &&
	    copy_to_user(u64_to_user_ptr(req.buf), buf, req.len))
		ret = -EFAULT;
	kfree(buf);
	if (reason)
		return gpt_req_fail(&req.head, reason, gpt_reason_errno(reason));
	if (ret)
		return ret;
	return gpt_req_done(&req.head, &res, sizeof(res));
}
