// SPDX-License-Identifier: GPL-2.0
/*
 * The count model, as measured on Debian's 6.1 and explained by mm/gup.c:
 *
 *   small folio, FOLL_PIN: refcount +GUP_PIN_COUNTING_BIAS (1024) per pin
 *                FOLL_GET: refcount +1
 *   large folio: refcount +1 per page pinned (all N land on the one folio),
 *                and FOLL_PIN adds N to _pincount too (try_grab_folio())
 *   zero page:   FOLL_GET +1 per page (N on the one page), FOLL_PIN nothing
 *                (try_grab_folio(): is_zero_page(), 6.5, in 6.1.y)
 *   vmstat:      nr_foll_pin_acquired and _released +1 per FOLL_PIN page,
 *                except the zero page; FOLL_GET counts nothing
 *
 * The refcount delta is taken on the first page: pinned minus before for
 * PINNED, pinned minus after for PINNED_FRESH (before was another page or
 * none).  "after" equal to "before" shows the release gave everything back.
 *
 * One reference is not a pin: paths that pass FOLL_TOUCH (get_user_pages,
 * *_unlocked, *_remote in 6.1) call folio_mark_accessed(), which moves a
 * small folio that is on the LRU, inactive and already referenced to the
 * active list through a per-CPU batch holding a reference until drained:
 * +1 while pinned and after.  The module samples pages without touching
 * their flags, so "before" says whether that will happen.
 */
#include <errno.h>
#include <stdio.h>
#include "expect.h"

enum shape kind_shape(enum gpt_mem_kind kind)
{
	switch (kind) {
	case GPT_MEM_ANON_THP:
	case GPT_MEM_MEMFD_HUGETLB:
		return LARGE;
	case GPT_MEM_FSDAX_PRIVATE:
	case GPT_MEM_FSDAX_SHARED:
		return DEVMAP;
	case GPT_MEM_ZERO_PAGE:
		return ZERO;
	default:
		return SMALL;
	}
}

bool path_pins(uint32_t path)
{
	switch (path) {
	case GPT_PATH_PIN:
	case GPT_PATH_PIN_FAST:
	case GPT_PATH_PIN_FAST_ONLY:
	case GPT_PATH_PIN_UNLOCKED:
	case GPT_PATH_PIN_REMOTE:
		return true;
	default:
		return false;
	}
}

static bool path_touches(uint32_t path)
{
	switch (path) {
	case GPT_PATH_GUP:
	case GPT_PATH_GUP_UNLOCKED:
	case GPT_PATH_GUP_REMOTE:
	case GPT_PATH_PIN_UNLOCKED:
	case GPT_PATH_PIN_REMOTE:
		return true;
	default:
		return false;
	}
}

/* The activation batch's reference, if FOLL_TOUCH will take one. */
static int64_t touch_ref(const struct gpt_pin *p, enum shape shape)
{
	const uint32_t want = GPT_SAMPLE_LRU | GPT_SAMPLE_REFERENCED;
	uint32_t f = p->before.flags;

	if (!path_touches(p->path) || shape != SMALL)
		return 0;
	return (f & (want | GPT_SAMPLE_ACTIVE)) == want;
}

struct counts {
	int64_t ref;		/* first folio's refcount delta */
	int64_t pincount;	/* its _pincount delta (large folios) */
	int64_t vmstat;		/* acquired, then released */
	uint32_t flags;		/* pinned page's GPT_SAMPLE_* that must be set */
};

static struct counts model(enum shape shape, bool pins, int64_t n)
{
	switch (shape) {
	case LARGE:
		return (struct counts){ n, pins ? n : 0, pins ? n : 0,
			GPT_SAMPLE_LARGE | (pins ? GPT_SAMPLE_DMA_PINNED : 0) };
	case ZERO:
		return (struct counts){ pins ? 0 : n, 0, 0, GPT_SAMPLE_ZERO_PAGE };
	case DEVMAP:
		return (struct counts){ pins ? 1024 : 1, 0, pins ? n : 0,
			GPT_SAMPLE_DEVMAP | (pins ? GPT_SAMPLE_DMA_PINNED : 0) };
	default:
		return (struct counts){ pins ? 1024 : 1, 0, pins ? n : 0,
			pins ? GPT_SAMPLE_DMA_PINNED : 0 };
	}
}

static enum shape shape_of(const struct expect *e, enum gpt_mem_kind kind)
{
	if (e->shape != SHAPE_OF_KIND)
		return e->shape;
	/* A fresh page is a new anonymous one unless said otherwise. */
	return e->outcome == PINNED_FRESH ? SMALL : kind_shape(kind);
}

/* @pins stay pinned until the release; @transient come and go inside. */
static void check_vmstat(struct tap_point *t, const struct gpt_cell_result *r,
			 int64_t pins, int64_t transient)
{
	const struct gpt_pin *p = &r->pin;
	int64_t all = pins + transient;

	if (!r->ioctl_err) {
		tap_check_eq(t, "module vmstat acquired while pinned", all,
			     p->vmstat_pinned.acquired);
		tap_check_eq(t, "module vmstat released while pinned", transient,
			     p->vmstat_pinned.released);
		tap_check_eq(t, "module vmstat acquired after release", all,
			     p->vmstat_after.acquired);
		tap_check_eq(t, "module vmstat released after release", all,
			     p->vmstat_after.released);
	}
	if (tap_check(t, !r->fold_err, "reading /proc/vmstat failed")) {
		tap_check_eq(t, "/proc/vmstat nr_foll_pin_acquired delta", all,
			     r->folded.acquired);
		tap_check_eq(t, "/proc/vmstat nr_foll_pin_released delta", all,
			     r->folded.released);
	}
}

static void check_pinned(struct tap_point *t, const struct expect *e,
			 const struct counts *c, const struct gpt_cell_result *r,
			 int64_t touch)
{
	const struct gpt_pin *p = &r->pin;
	const uint32_t shown = GPT_SAMPLE_DMA_PINNED | GPT_SAMPLE_ZERO_PAGE |
			       GPT_SAMPLE_DEVMAP | GPT_SAMPLE_LARGE;
	const struct gpt_page_sample *ref = &p->before;

	tap_check_eq(t, "pinned", (int64_t)p->nr_pages, (int64_t)p->pinned);
	tap_check_eq(t, "error", 0, p->error);
	tap_check_eq(t, "pinned page flags", c->flags, p->pinned_page.flags & shown);
	tap_check(t, p->after.pfn == p->pinned_page.pfn,
		  "pinned pfn %#llx is not the pfn mapped after, %#llx",
		  (unsigned long long)p->pinned_page.pfn,
		  (unsigned long long)p->after.pfn);
	if (e->outcome == PINNED) {
		tap_check(t, p->before.pfn == p->pinned_page.pfn,
			  "pinned pfn %#llx is not the pfn mapped before, %#llx",
			  (unsigned long long)p->pinned_page.pfn,
			  (unsigned long long)p->before.pfn);
		tap_check_eq(t, "refcount after - before (FOLL_TOUCH batch)", touch,
			     p->after.refcount - p->before.refcount);
	} else {
		tap_check(t, !(p->before.flags & GPT_SAMPLE_PRESENT) ||
			  p->before.pfn != p->pinned_page.pfn,
			  "expected a fresh page, got the one mapped before");
		ref = &p->after;
	}
	/* A fresh page's batch reference shows in pinned and after alike. */
	tap_check_eq(t, "refcount delta while pinned",
		     c->ref + (e->outcome == PINNED ? touch : 0),
		     p->pinned_page.refcount - ref->refcount);
	tap_check_eq(t, "pincount delta while pinned", c->pincount,
		     p->pinned_page.pincount - ref->pincount);
}

void expect_check(struct tap_point *t, const struct expect *e,
		  enum gpt_mem_kind kind, const struct gpt_cell_result *r,
		  uint64_t calls)
{
	const struct gpt_pin *p = &r->pin;
	struct counts c = model(shape_of(e, kind), path_pins(p->path),
				(int64_t)p->nr_pages);

	if (e->outcome == NO_MEMORY) {
		tap_check_eq(t, "setting up the memory: errno", e->err,
			     -r->setup_err);
		return;
	}
	if (!tap_check(t, !r->setup_err, "setting up %s: errno %s",
		       gpt_kind_name(kind), gpt_errno_name(-r->setup_err)))
		return;
	tap_check(t, -r->ioctl_err == (e->outcome == MODULE_REFUSED ? e->err : 0),
		  "ioctl errno %s", gpt_errno_name(-r->ioctl_err));
	tap_check(t, p->reason == e->reason, "reason %s, expected %s",
		  gpt_reason_name(p->reason), gpt_reason_name(e->reason));
	if (e->outcome == MODULE_REFUSED || r->ioctl_err) {
		check_vmstat(t, r, 0, 0);
		return;
	}
	tap_check_eq(t, "GUP calls", (int64_t)calls, (int64_t)p->calls);
	switch (e->outcome) {
	case PINNED:
	case PINNED_FRESH:
		check_pinned(t, e, &c, r, touch_ref(p, shape_of(e, kind)));
		check_vmstat(t, r, c.vmstat, e->transient);
		return;
	default:
		tap_check_eq(t, "pinned", 0, (int64_t)p->pinned);
		tap_check(t, p->error == (e->outcome == REFUSED ? e->err : 0),
			  "GUP errno %s", gpt_errno_name(p->error));
		tap_check_eq(t, "refcount after - before", 0,
			     p->after.refcount - p->before.refcount);
		check_vmstat(t, r, 0, e->transient);
		return;
	}
}

const char *expect_describe(const struct expect *e, enum gpt_mem_kind kind,
			    uint32_t path, uint64_t pages)
{
	static char buf[160];
	struct counts c = model(shape_of(e, kind), path_pins(path),
				(int64_t)pages);

	switch (e->outcome) {
	case PINNED:
	case PINNED_FRESH:
		snprintf(buf, sizeof(buf), "%s %llu, refcount %+lld%s, %lld vmstat pins",
			 e->outcome == PINNED ? "pinned" : "pinned fresh",
			 (unsigned long long)pages, (long long)c.ref,
			 c.pincount ? ", pincount +N" : "", (long long)c.vmstat);
		break;
	case REFUSED:
		snprintf(buf, sizeof(buf), "GUP refuses %s (%s)%s",
			 gpt_errno_name(e->err), gpt_reason_name(e->reason),
			 e->transient ? ", one transient pin" : "");
		break;
	case NOTHING:
		snprintf(buf, sizeof(buf), "nothing pinned, no errno (%s)%s",
			 gpt_reason_name(e->reason),
			 e->transient ? ", one transient pin" : "");
		break;
	case MODULE_REFUSED:
		snprintf(buf, sizeof(buf), "module refuses %s (%s)",
			 gpt_errno_name(e->err), gpt_reason_name(e->reason));
		break;
	case NO_MEMORY:
		snprintf(buf, sizeof(buf), "memory not available: %s",
			 gpt_errno_name(e->err));
		break;
	}
	return buf;
}
