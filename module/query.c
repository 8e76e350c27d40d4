// SPDX-License-Identifier: GPL-2.0
/*
 * Looking at held pins: GPT_IOC_QUERY reports each page, GPT_IOC_READ and
 * GPT_IOC_WRITE copy through the kernel's mapping of a page, the way a
 * device would see it.
 */
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "gpt.h"
#include "compat.h"

/* The hold @handle, with gf->lock held; NULL if there is none. */
static struct gpt_hold *gpt_hold_lock(struct gpt_file *gf, u64 handle)
{
	struct gpt_hold *hold;

	mutex_lock(&gf->lock);
	hold = xa_load(&gf->holds, handle);
	if (!hold)
		mutex_unlock(&gf->lock);
	return hold;
}

long gpt_ioctl_query(struct gpt_file *gf, void __user *uarg)
{
	struct gpt_query __user *ureq = uarg;
	struct gpt_page_record __user *urec;
	struct gpt_page_record rec;
	struct gpt_query in, req;
	struct gpt_hold *hold;
	u64 i, n;
	long ret = 0;

	if (copy_from_user(&in, ureq, sizeof(in)))
		return -EFAULT;
	if (in.reserved_in0 ||
	    memchr_inv(in.reserved_in, 0, sizeof(in.reserved_in)))
		return gpt_fail(&ureq->reason, GPT_REASON_BAD_ARGUMENT, -EINVAL);
	hold = gpt_hold_lock(gf, in.handle);
	if (!hold)
		return gpt_fail(&ureq->reason, GPT_REASON_NO_HANDLE, -ENOENT);

	req = (struct gpt_query) {
		.handle = in.handle,
		.records = in.records,
		.first = in.first,
		.max_records = in.max_records,
		.nr_pages = hold->nr,
		.addr = hold->addr,
		.flags = hold->flags,
		.path = hold->path->id,
	};
	urec = u64_to_user_ptr(in.records);
	n = in.first < hold->nr ? min_t(u64, hold->nr - in.first,
					in.max_records) : 0;
	for (i = 0; i < n; i++) {
		gpt_page_record(hold->pages[in.first + i], &rec);
		if (copy_to_user(&urec[i], &rec, sizeof(rec))) {
			ret = -EFAULT;
			break;
		}
	}
	req.nr_records = i;
	mutex_unlock(&gf->lock);
	if (!ret && copy_to_user(ureq, &req, sizeof(req)))
		ret = -EFAULT;
	return ret;
}

long gpt_ioctl_rw(struct gpt_file *gf, void __user *uarg, bool write)
{
	struct gpt_rw __user *ureq = uarg;
	struct gpt_hold *hold;
	struct gpt_rw req;
	void *buf, *kaddr;
	long ret = 0;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (memchr_inv(req.reserved_in, 0, sizeof(req.reserved_in)) ||
	    !req.len || req.offset >= PAGE_SIZE ||
	    req.len > PAGE_SIZE - req.offset)
		return gpt_fail(&ureq->reason, GPT_REASON_BAD_ARGUMENT, -EINVAL);
	buf = kmalloc(req.len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (write && copy_from_user(buf, u64_to_user_ptr(req.buf), req.len)) {
		kfree(buf);
		return -EFAULT;
	}

	hold = gpt_hold_lock(gf, req.handle);
	if (!hold) {
		kfree(buf);
		return gpt_fail(&ureq->reason, GPT_REASON_NO_HANDLE, -ENOENT);
	}
	if (req.index >= hold->nr ||
	    (write && !(hold->flags & GPT_FLAG_WRITE))) {
		/* Writing through a read-only pin is not what a device may do. */
		ret = -EINVAL;
	} else {
		kaddr = gpt_kmap(hold->pages[req.index]);
		if (write)
			memcpy(kaddr + req.offset, buf, req.len);
		else
			memcpy(buf, kaddr + req.offset, req.len);
		gpt_kunmap(kaddr);
	}
	mutex_unlock(&gf->lock);

	if (ret) {
		kfree(buf);
		return gpt_fail(&ureq->reason, GPT_REASON_BAD_ARGUMENT, ret);
	}
	if (!write && copy_to_user(u64_to_user_ptr(req.buf), buf, req.len))
		ret = -EFAULT;
	kfree(buf);
	if (!ret && put_user(GPT_REASON_NONE, &ureq->reason))
		ret = -EFAULT;
	return ret;
}
