// SPDX-License-Identifier: GPL-2.0
/*
 * Held pins: pages a PIN with GPT_FLAG_HOLD keeps under a handle, owned by
 * the open file.  GPT_IOC_UNPIN releases one hold, close() all of them.
 * A hold is taken out of the file under the lock and released outside it:
 * releasing may sleep on a page lock (set_page_dirty_lock()).  While in a
 * file, a hold is also on one module-wide list, for HOLDS (watch.c); the
 * file's lock is taken before the list's.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include "gpt.h"

/* Every hold of every file, in the order they were taken. */
static DEFINE_MUTEX(gpt_all_lock);
static LIST_HEAD(gpt_all_holds);
static u64 gpt_last_id;

/* Count @nr more held pages against the file's budget, or -ENOSPC. */
int gpt_hold_reserve(struct gpt_file *gf, unsigned long nr)
{
	unsigned long max = READ_ONCE(gpt_max_held_pages);
	int ret = 0;

	mutex_lock(&gf->lock);
	if (nr > max || gf->held_pages > max - nr)
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

/*
 * Publish @hold in the file; returns its handle, or 0 if it could not be
 * added.  Once published, another thread may release it at any time: the
 * caller must not touch @hold again.
 */
u64 gpt_hold_add(struct gpt_file *gf, struct gpt_hold *hold)
{
	u64 handle;

	mutex_lock(&gf->lock);
	handle = ++gf->next_handle;
	hold->handle = handle;
	if (xa_insert(&gf->holds, handle, hold, GFP_KERNEL)) {
		handle = 0;
	} else {
		hold->owner = get_task_pid(current, PIDTYPE_TGID);
		mutex_lock(&gpt_all_lock);
		hold->id = ++gpt_last_id;
		list_add_tail(&hold->all, &gpt_all_holds);
		mutex_unlock(&gpt_all_lock);
	}
	mutex_unlock(&gf->lock);
	return handle;
}

/*
 * Why pages [@first, @first + @nr) of @hold may not be dirtied, or 0: a
 * hold pinned without FOLL_WRITE, or page cache held by FOLL_GET, whose
 * buffers reclaim may have stripped (only FOLL_PIN keeps it away:
 * folio_maybe_dma_pinned() in shrink_folio_list()), so that dirtying it
 * WARNs in ext4_dirty_folio().  Caller holds the file's lock.
 */
u32 gpt_hold_dirty_refusal(const struct gpt_hold *hold, u64 first, u64 nr)
{
	u64 i, magic;

	if (!(hold->flags & GPT_FLAG_WRITE))
		return GPT_REASON_READ_ONLY_PIN;
	if (hold->path->class & GPT_PC_PIN)
		return GPT_REASON_NONE;
	for (i = first; i < first + nr; i++)
		if (gpt_page_kind(hold->pages[i], &magic) == GPT_KIND_FILE)
			return GPT_REASON_GET_FILE_DIRTY;
	return GPT_REASON_NONE;
}

/* Take the hold @handle out of the file; NULL if there is none. */
struct gpt_hold *gpt_hold_take(struct gpt_file *gf, u64 handle)
{
	struct gpt_hold *hold;

	mutex_lock(&gf->lock);
	hold = xa_erase(&gf->holds, handle);
	if (hold) {
		gf->held_pages -= hold->nr;
		mutex_lock(&gpt_all_lock);
		list_del(&hold->all);
		mutex_unlock(&gpt_all_lock);
	}
	mutex_unlock(&gf->lock);
	return hold;
}

/* Give the pages and the memlock charge back; @hold is out of the file. */
void gpt_hold_release(struct gpt_hold *hold, bool dirty)
{
	hold->path->release(hold->pages, hold->nr, dirty);
	gpt_charge_give(&hold->charge, hold->charge.nr);
	put_pid(hold->owner);
	mmdrop(hold->mm);
	kvfree(hold->pages);
	kfree(hold);
}

void gpt_holds_walk(const struct gpt_holds *req, struct gpt_holds_result *res,
		    struct gpt_held_page *snap, u64 room, u64 *n)
{
	struct gpt_hold *hold;
	u64 now = ktime_get_ns(), age, i;

	mutex_lock(&gpt_all_lock);
	list_for_each_entry(hold, &gpt_all_holds, all) {
		age = now - hold->pinned_ns;
		if (age < req->older_than_ns)
			continue;
		if (!gpt_may_access_mm(hold->mm)) {
			res->hidden++;
			continue;
		}
		res->holds++;
		res->pages += hold->nr;
		if (hold->id < req->id || !room)
			continue;
		for (i = hold->id == req->id ? req->index : 0; i < hold->nr; i++) {
			struct gpt_held_page *p;

			if (*n == room) {
				if (!res->next_id) {
					res->next_id = hold->id;
					res->next_index = i;
				}
				break;
			}
			p = &snap[(*n)++];
			*p = (struct gpt_held_page) {
				.id = hold->id,
				.handle = hold->handle,
				.index = i,
				.addr = hold->addr + i * PAGE_SIZE,
				.age_ns = age,
				.flags = hold->flags,
				.path = hold->path->id,
				.owner = pid_vnr(hold->owner),
				.pid = hold->pid,
			};
			/* The pin keeps the page; sampling does not sleep. */
			gpt_sample_page(hold->pages[i], &p->sample);
		}
	}
	mutex_unlock(&gpt_all_lock);
}

/* close(): what was written through a pin is released dirty. */
void gpt_holds_release_all(struct gpt_file *gf)
{
	struct gpt_hold *hold;
	unsigned long index;

	xa_for_each(&gf->holds, index, hold) {
		hold = gpt_hold_take(gf, index);
		if (hold)
			gpt_hold_release(hold, hold->written);
	}
}

long gpt_ioctl_unpin(struct gpt_file *gf, void __user *uarg)
{
	struct gpt_unpin_result res = { 0 };
	struct gpt_vmstat v0, v1;
	struct gpt_hold *hold;
	struct gpt_unpin req;
	u32 reason = GPT_REASON_NONE;
	bool dirty;
	u64 t0;
	int ret;

	ret = gpt_req_begin(&req, sizeof(req), GPT_UNPIN_SIZE_VER3,
			    GPT_UNPIN_RESULT_SIZE_VER3, uarg);
	if (ret)
		return ret;
	if (req.flags & ~GPT_UNPIN_FLAGS_ALL)
		return gpt_req_fail(&req.head, GPT_REASON_BAD_ARGUMENT, -EINVAL);

	/*
	 * Refuse before taking the hold out: a refused UNPIN changes nothing.
	 * Releasing is anyone's right; dirtying another mm's pages is a write.
	 */
	mutex_lock(&gf->lock);
	hold = xa_load(&gf->holds, req.handle);
	if (!hold)
		reason = GPT_REASON_NO_HANDLE;
	else if ((req.flags & GPT_UNPIN_DIRTY) && !gpt_may_access_mm(hold->mm))
		reason = GPT_REASON_PTRACE;
	else if (req.flags & GPT_UNPIN_DIRTY)
		reason = gpt_hold_dirty_refusal(hold, 0, hold->nr);
	mutex_unlock(&gf->lock);
	if (reason)
		return gpt_req_fail(&req.head, reason, gpt_reason_errno(reason));

	hold = gpt_hold_take(gf, req.handle);
	if (!hold)	/* another thread released it meanwhile */
		return gpt_req_fail(&req.head, GPT_REASON_NO_HANDLE, -ENOENT);
	dirty = (req.flags & GPT_UNPIN_DIRTY) || hold->written;
	res.released = hold->nr;
	res.dirtied = dirty ? hold->nr : 0;
	res.memlock_uncharged = hold->charge.nr;
	gpt_vmstat_read(&v0);
	t0 = ktime_get_ns();
	gpt_hold_release(hold, dirty);
	res.release_ns = ktime_get_ns() - t0;
	gpt_vmstat_read(&v1);
	gpt_vmstat_delta(&v0, &v1, &res.sys_vmstat);
	return gpt_req_done(&req.head, &res, sizeof(res));
}
