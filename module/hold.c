// SPDX-License-Identifier: GPL-2.0
/*
 * Held pins: pages a PIN with GPT_FLAG_HOLD keeps under a handle, owned by
 * the open file.  GPT_IOC_UNPIN releases one hold, close() all of them.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include "gpt.h"

/* Count @nr more held pages against the file's budget, or -ENOSPC. */
int gpt_hold_reserve(struct gpt_file *gf, unsigned long nr)
{
	int ret = 0;

	mutex_lock(&gf->lock);
	if (nr > gpt_max_held_pages ||
	    gf->held_pages > gpt_max_held_pages - nr)
		ret = -ENOSPC;
	else
		gf->held_pages += nr;
	mutex_unlock(&gf->lock);
	return ret;
}

void gpt_hold_unreserve(struct gpt_file *gf, unsigned long nr)
{
	mutex_lock(&gf->lock);
	gf->held_pages -= nr;
	mutex_unlock(&gf->lock);
}

int gpt_hold_add(struct gpt_file *gf, struct gpt_hold *hold)
{
	int ret;

	mutex_lock(&gf->lock);
	hold->handle = ++gf->next_handle;
	ret = xa_insert(&gf->holds, hold->handle, hold, GFP_KERNEL);
	mutex_unlock(&gf->lock);
	return ret;
}

/* Give the pages back; the caller has taken @hold out of the file. */
static void gpt_hold_free(struct gpt_file *gf, struct gpt_hold *hold,
			  bool dirty)
{
	hold->path->release(hold->pages, hold->nr, dirty);
	gf->held_pages -= hold->nr;
	kvfree(hold->pages);
	kfree(hold);
}

void gpt_holds_release_all(struct gpt_file *gf)
{
	struct gpt_hold *hold;
	unsigned long index;

	mutex_lock(&gf->lock);
	xa_for_each(&gf->holds, index, hold) {
		xa_erase(&gf->holds, index);
		gpt_hold_free(gf, hold, false);
	}
	mutex_unlock(&gf->lock);
}

long gpt_ioctl_unpin(struct gpt_file *gf, void __user *uarg)
{
	struct gpt_unpin __user *ureq = uarg;
	struct gpt_vmstat v0, v1;
	struct gpt_unpin in, req;
	struct gpt_hold *hold;

	if (copy_from_user(&in, ureq, sizeof(in)))
		return -EFAULT;
	if ((in.flags & ~GPT_UNPIN_ALL) ||
	    memchr_inv(in.reserved_in, 0, sizeof(in.reserved_in)))
		return gpt_fail(&ureq->reason, GPT_REASON_BAD_ARGUMENT, -EINVAL);

	mutex_lock(&gf->lock);
	hold = xa_erase(&gf->holds, in.handle);
	if (!hold) {
		mutex_unlock(&gf->lock);
		return gpt_fail(&ureq->reason, GPT_REASON_NO_HANDLE, -ENOENT);
	}
	req = (struct gpt_unpin) {
		.handle = in.handle,
		.flags = in.flags,
		.released = hold->nr,
	};
	gpt_vmstat_read(&v0);
	gpt_hold_free(gf, hold, in.flags & GPT_UNPIN_DIRTY);
	gpt_vmstat_read(&v1);
	mutex_unlock(&gf->lock);
	gpt_vmstat_delta(&v0, &v1, &req.vmstat);

	if (copy_to_user(ureq, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}
