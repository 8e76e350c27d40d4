// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_IOC_BENCH: mm/gup_test.c's benchmark loop, timed per repeat: the
 * same calls, the same mmap_read_lock() around a locked path's loop and
 * release, the same release; inside the timed windows nothing else but
 * the loop's bookkeeping (a call counter, a look for a kill every 1024
 * calls).
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "gpt.h"
#include "compat.h"

struct gpt_bench_ctx {
	struct gpt_bench req;
	struct gpt_bench_result res;
	const struct gpt_path_desc *path;
	struct page **pages;
	struct gpt_bench_repeat *rep;
};

static u32 gpt_bench_check(struct gpt_bench_ctx *c)
{
	const struct gpt_bench *req = &c->req;
	unsigned long len, end;
	u32 reason;

	c->path = gpt_path_find(req->path);
	if (!c->path || (req->flags & ~GPT_FLAG_GUP_ALL) || req->reserved0)
		return GPT_REASON_BAD_ARGUMENT;
	if (!req->nr_pages || offset_in_page(req->addr) || !req->repeats ||
	    req->repeats > GPT_BENCH_MAX_REPEATS)
		return GPT_REASON_BAD_ARGUMENT;
	if (req->nr_pages > gpt_pin_max_pages())
		return GPT_REASON_TOO_BIG;
	if (check_mul_overflow((unsigned long)req->nr_pages, PAGE_SIZE, &len) ||
	    check_add_overflow((unsigned long)req->addr, len, &end))
		return GPT_REASON_BAD_ARGUMENT;
	if (gpt_array_check(&req->records, GPT_BENCH_REPEAT_SIZE_VER3) ||
	    req->records.count < req->repeats)
		return GPT_REASON_BAD_ARGUMENT;
	reason = gpt_path_unavailable(c->path);
	if (reason)
		return reason;
	return gpt_path_refusal(c->path, req->flags);
}

/*
 * The call as mm/gup_test.c makes it, a direct one: through the path
 * table's pointer it would be an indirect call, a retpoline thunk on
 * most kernels, and under TCG a lookup of the target's translation: 8 to
 * 17% of the time at one page a call (make bench-compare).
 */
static __always_inline long gpt_bench_grab(const struct gpt_path_desc *path,
					   struct mm_struct *mm, unsigned long start,
					   unsigned long nr, unsigned int foll,
					   struct page **pages)
{
	switch (path->id) {
	case GPT_PATH_GUP_FAST:
		return get_user_pages_fast(start, nr, foll, pages);
	case GPT_PATH_PIN_FAST:
		return pin_user_pages_fast(start, nr, foll, pages);
	case GPT_PATH_PIN:
		return gpt_pin_user_pages(start, nr, foll, pages);
	case GPT_PATH_GUP:
		return gpt_get_user_pages(start, nr, foll, pages);
	}
	return path->grab(mm, start, nr, foll, pages);
}

/*
 * One repeat: pin everything (or until GUP stops), release it.  Global,
 * so that it is not cloned (and called, not inlined, from the loop of
 * repeats: the suite's profile test fails otherwise): gupctl bench
 * --profile traces it by name, the GUP calls (gpt_bench_grab() inlined)
 * its children.
 */
int gpt_bench_once(struct gpt_bench_ctx *c, struct gpt_bench_repeat *r)
{
	const struct gpt_path_desc *path = c->path;
	struct mm_struct *mm = current->mm;
	bool locked = path->class & GPT_PC_LOCKED;
	unsigned long nr_pages = c->req.nr_pages, addr = c->req.addr;
	unsigned long per_call = nr_pages, done = 0;
	unsigned int foll = gpt_foll_flags(c->req.flags);
	struct page **pages = c->pages;
	u64 t0;

	if (c->req.pages_per_call && c->req.pages_per_call < per_call)
		per_call = c->req.pages_per_call;
	if (locked && mmap_read_lock_killable(mm)) {
		c->res.error = EINTR;
		return -EINTR;
	}
	t0 = ktime_get_ns();
	while (done < nr_pages) {
		unsigned long n = min_t(unsigned long, per_call, nr_pages - done);
		long got = gpt_bench_grab(path, mm, addr + done * PAGE_SIZE, n,
					  foll, pages + done);

		/* A repeat may be 2^20 calls: let others run, heed a kill. */
		if (!(++r->calls % 1024)) {
			if (fatal_signal_pending(current)) {
				/* what this call took is released below too */
				if (got > 0)
					done += got;
				c->res.error = EINTR;
				c->res.error_index = done;
				break;
			}
			if (!locked)
				cond_resched();
		}
		if (got <= 0) {
			c->res.error = got ? -got : 0;
			c->res.error_index = done;
			break;
		}
		done += got;
	}
	r->pin_ns = ktime_get_ns() - t0;
	r->pinned = done;
	/* Released under the lock too, as mm/gup_test.c does. */
	t0 = ktime_get_ns();
	path->release(pages, done, false);
	r->release_ns = ktime_get_ns() - t0;
	if (locked)
		mmap_read_unlock(mm);
	return done < c->req.nr_pages ? 1 : 0;
}

static int gpt_bench_run(struct gpt_bench_ctx *c)
{
	u32 i;
	int ret;

	c->res.error_index = c->req.nr_pages;
	for (i = 0; i < c->req.repeats; i++) {
		if (fatal_signal_pending(current))
			break;
		ret = gpt_bench_once(c, &c->rep[i]);
		if (ret < 0)
			break;
		c->res.repeats++;
		if (ret) {
			/* GUP's errno says why; a call without progress, the module. */
			if (!c->res.error) {
				c->res.reason = GPT_REASON_SHORT;
				c->res.reason_how = GPT_HOW_MODULE;
			}
			break;
		}
		cond_resched();
	}
	for (i = 0; i < c->res.repeats; i++) {
		ret = gpt_array_put(&c->req.records, i, &c->rep[i], sizeof(c->rep[i]));
		if (ret)
			return ret;
	}
	return 0;
}

long gpt_ioctl_bench(void __user *uarg)
{
	struct gpt_bench_ctx *c;
	u32 reason;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	ret = gpt_req_begin(&c->req, sizeof(c->req), GPT_BENCH_SIZE_VER3,
			    GPT_BENCH_RESULT_SIZE_VER3, uarg);
	if (ret)
		goto out;
	reason = gpt_bench_check(c);
	if (reason) {
		ret = gpt_req_fail(&c->req.head, reason, -EINVAL);
		goto out;
	}
	ret = gpt_hugetlb_longterm_check(current->mm, c->path, c->req.addr,
					 c->req.nr_pages, c->req.flags, &reason);
	if (ret) {
		ret = gpt_req_fail(&c->req.head, reason, ret);
		goto out;
	}
	c->pages = kvmalloc_array(c->req.nr_pages, sizeof(*c->pages), GFP_KERNEL_ACCOUNT);
	c->rep = kvcalloc(c->req.repeats, sizeof(*c->rep), GFP_KERNEL);
	ret = -ENOMEM;
	if (c->pages && c->rep)
		ret = gpt_bench_run(c);
	if (!ret)
		ret = gpt_req_done(&c->req.head, &c->res, sizeof(c->res));
out:
	kvfree(c->pages);
	kvfree(c->rep);
	kfree(c);
	return ret;
}
