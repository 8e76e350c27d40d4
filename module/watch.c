// SPDX-License-Identifier: GPL-2.0
/*
 * The pin watch: GPT_IOC_HOLDS lists the pages of every hold of every open
 * file that is at least as old as asked, with its owner, path and a sample
 * of each page now.  Holds are on one module-wide list (hold.c) from the
 * moment they are published until they are taken out to be released, so
 * every page listed is still pinned while it is sampled.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "gpt.h"

long gpt_ioctl_holds(void __user *uarg)
{
	struct gpt_holds_result res = { 0 };
	struct gpt_held_page *snap = NULL;
	struct gpt_holds req;
	bool show_pfn;
	u64 i, n = 0, room;
	int ret;

	ret = gpt_req_begin(&req, sizeof(req), GPT_HOLDS_SIZE_VER3,
			    GPT_HOLDS_RESULT_SIZE_VER3, uarg);
	if (ret)
		return ret;
	if (gpt_array_check(&req.records, GPT_HELD_PAGE_SIZE_VER3))
		return gpt_req_fail(&req.head, GPT_REASON_BAD_ARGUMENT, -EINVAL);
	room = req.records.ptr ? min_t(u64, req.records.count, GPT_QUERY_MAX) : 0;
	if (room) {
		snap = kvmalloc_array(room, sizeof(*snap), GFP_KERNEL);
		if (!snap)
			return -ENOMEM;
	}
	gpt_holds_walk(&req, &res, snap, room, &n);

	show_pfn = gpt_may_see_pfn();
	for (i = 0; !ret && i < n; i++) {
		if (!show_pfn)
			snap[i].sample.pfn = 0;
		ret = gpt_array_put(&req.records, i, &snap[i], sizeof(snap[i]));
	}
	kvfree(snap);
	if (ret)
		return ret;
	res.nr_records = n;
	return gpt_req_done(&req.head, &res, sizeof(res));
}
