// SPDX-License-Identifier: GPL-2.0
/*
 * The count model, as measured on Debian's 6.1 and explained by mm/gup.c,
 * applied to every page of a request:
 *
 *   small folio, FOLL_PIN: refcount +GUP_PIN_COUNTING_BIAS (1024) per pin
 *                FOLL_GET: refcount +1
 *   large folio: refcount +1 per page pinned (all N land on the one folio,
 *                and every page reports the folio's count), and FOLL_PIN
 *                adds N to _pincount too (try_grab_folio())
 *   zero page:   FOLL_GET +1 per page (N on the one page), FOLL_PIN nothing
 *                (try_grab_folio(): is_zero_page(), 6.5, in 6.1.y); before
 *                that FOLL_PIN +1024 per page, N pins on the one page
 *   vmstat:      nr_foll_pin_acquired and _released +1 per FOLL_PIN page,
 *                except the zero page; FOLL_GET counts nothing
 *
 * PINNED: each page's delta is pinned minus before, and after must equal
 * before.  PINNED_FRESH: GUP faulted in new pages, so the delta is pinned
 * minus after (before was another page or none).
 *
 * One reference is not a pin: paths that pass FOLL_TOUCH (get_user_pages,
 * *_unlocked, *_remote in 6.1) call folio_mark_accessed(), which moves a
 * small folio that is on the LRU, inactive and already referenced to the
 * active list through a per-CPU batch holding a reference until drained.
 * The batch drains itself when it fills (PAGEVEC_SIZE, 15 in 6.1), so
 * after a request the last (k mod 15) of the k pages that entered it hold
 * +1.  With the multi-gen LRU on (Debian's default from 6.12),
 * folio_mark_accessed() only counts the access in the folio's flags
 * (folio_inc_refs(), lru_gen_inc_refs() in 7.x): no batch, no reference.  Which pages enter is read from /proc/kpageflags before the request
 * (the harness drained this CPU's batches first), never from the module.
 *
 * Every sample of the module is also checked against the kernel's own
 * files: the pfn against /proc/PID/pagemap, the map count against
 * /proc/kpagecount, the LRU bits against /proc/kpageflags.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kernel-page-flags.h>
#include "expect.h"

/* PAGEVEC_SIZE: 15 until 9cecde80aae0 "mm: increase folio batch size" (6.9) */
static unsigned int lru_batch(void)
{
	return kernel_since(6, 9) ? 31 : 15;
}
#define KPF(b)		(1ULL << KPF_##b)

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

int kind_missing(enum gpt_mem_kind kind)
{
	switch (kind) {
	case GPT_MEM_SECRET:	/* memfd_secret(2): 1507f51255c9, 5.14 */
		return kernel_since(5, 14) && kernel.secretmem ? 0 : ENOSYS;
	case GPT_MEM_ANON_THP:	/* madvise(MADV_HUGEPAGE) */
		return kernel.thp ? 0 : EINVAL;
	default:
		return 0;
	}
}

const struct expect *expect_here(const struct expect *e, enum gpt_mem_kind kind,
				 struct expect *buf)
{
	int err = kind_missing(kind);

	if (!err)
		return e;
	*buf = (struct expect){ .outcome = NO_MEMORY, .err = err,
		.why = kind == GPT_MEM_SECRET ? "memfd_secret(2): 5.14, and secretmem.enable" :
		"no CONFIG_TRANSPARENT_HUGEPAGE (it depends on !PREEMPT_RT)" };
	return buf;
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

/* Paths whose slow path passes FOLL_TOUCH on 6.1. */
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

/*
 * The activation batch's reference per page, predicted from the kernel's
 * page flags before the request: @touch[i] is 1 where page i keeps one.
 */
static void touch_refs(const struct gpt_cell_result *r, enum shape shape,
		       int64_t *touch, size_t n)
{
	const uint64_t want = KPF(LRU) | KPF(REFERENCED);
	const uint64_t mask = want | KPF(ACTIVE) | KPF(UNEVICTABLE);
	size_t entered = 0, last_drain = 0;

	for (size_t i = 0; i < n; i++)
		touch[i] = 0;
	if (!path_touches(r->pin.path) || shape != SMALL || kernel.lru_gen)
		return;
	for (size_t i = 0; i < n; i++) {
		if ((r->kbefore[i].kflags & mask) != want)
			continue;
		touch[i] = 1;
		if (++entered % lru_batch() == 0)
			last_drain = i + 1;
	}
	/* Pages before the last drain gave their reference back. */
	for (size_t i = 0; i < last_drain; i++)
		touch[i] = 0;
}

struct counts {
	int64_t ref;		/* a page's refcount delta */
	int64_t pincount;	/* its folio's _pincount delta (large) */
	int64_t vmstat;		/* acquired, then released */
	uint32_t flags;		/* pinned page's GPT_PAGE_* that must be set */
};

static struct counts model(enum shape shape, bool pins, int64_t n)
{
	switch (shape) {
	case LARGE:
		return (struct counts){ n, pins ? n : 0, pins ? n : 0,
			GPT_PAGE_LARGE | (pins ? GPT_PAGE_DMA_PINNED : 0) };
	case ZERO:
		return (struct counts){ pins ? 0 : n, 0, 0, GPT_PAGE_ZERO };
	case ZERO_PINNED:	/* all N pins on the one page */
		return (struct counts){ pins ? 1024 * n : n, 0, pins ? n : 0,
			GPT_PAGE_ZERO | (pins ? GPT_PAGE_DMA_PINNED : 0) };
	case DEVMAP:
		return (struct counts){ pins ? 1024 : 1, 0, pins ? n : 0,
			GPT_PAGE_DEVMAP | (pins ? GPT_PAGE_DMA_PINNED : 0) };
	default:
		return (struct counts){ pins ? 1024 : 1, 0, pins ? n : 0,
			pins ? GPT_PAGE_DMA_PINNED : 0 };
	}
}

/*
 * FOLL_PIN stopped counting on the zero page with c8070b787519 ("mm: Don't
 * pin ZERO_PAGE in pin_user_pages()", 6.5), in 6.1.y from 6.1.130.
 */
static const struct krange zero_page_pinned[] = {
	{ 0, KV(6, 1, 130) }, FROM_TO(6, 2, 6, 5),
};

bool kernel_pins_zero_page(void)
{
	for (size_t i = 0; i < sizeof(zero_page_pinned) / sizeof(zero_page_pinned[0]); i++)
		if (kernel_in(zero_page_pinned[i]))
			return true;
	return false;
}

static enum shape shape_of(const struct expect *e, enum gpt_mem_kind kind)
{
	enum shape shape = e->shape;

	/* A fresh page is a new anonymous one unless said otherwise. */
	if (shape == SHAPE_OF_KIND)
		shape = e->outcome == PINNED_FRESH ? SMALL : kind_shape(kind);
	return shape == ZERO && kernel_pins_zero_page() ? ZERO_PINNED : shape;
}

/* @pins stay pinned until the release; @transient come and go inside. */
static void check_vmstat(struct tap_point *t, const struct gpt_cell_result *r,
			 int64_t pins, int64_t transient)
{
	const struct gpt_pin_result *p = &r->res;
	int64_t all = pins + transient;

	if (!r->ioctl_err) {
		tap_check_eq(t, "module sys_vmstat acquired while pinned", all,
			     p->sys_vmstat_pinned.acquired);
		tap_check_eq(t, "module sys_vmstat released while pinned",
			     transient, p->sys_vmstat_pinned.released);
		tap_check_eq(t, "module sys_vmstat acquired after release", all,
			     p->sys_vmstat_after.acquired);
		tap_check_eq(t, "module sys_vmstat released after release", all,
			     p->sys_vmstat_after.released);
	}
	if (tap_check(t, !r->fold_err, "reading /proc/vmstat failed")) {
		tap_check_eq(t, "/proc/vmstat nr_foll_pin_acquired delta", all,
			     r->folded.acquired);
		tap_check_eq(t, "/proc/vmstat nr_foll_pin_released delta", all,
			     r->folded.released);
	}
}

/* A module sample against the kernel's own view of the same moment. */
static void check_kpage(struct tap_point *t, const char *when, size_t i,
			const struct gpt_page_sample *s, const struct gpt_kpage *k)
{
	/* Not dirty: writeback cleans page cache whenever it likes. */
	const uint32_t bits = GPT_PAGE_LRU | GPT_PAGE_ACTIVE |
			      GPT_PAGE_REFERENCED;
	uint32_t kbits = 0;
	bool present = s->flags & GPT_PAGE_PRESENT;

	if (!tap_check(t, present == k->present,
		       "page %zu %s: module says %spresent, pagemap %spresent",
		       i, when, present ? "" : "not ", k->present ? "" : "not "))
		return;
	if (!present)
		return;
	tap_check(t, s->pfn == k->pfn, "page %zu %s: pfn %#llx, pagemap %#llx",
		  i, when, (unsigned long long)s->pfn,
		  (unsigned long long)k->pfn);
	/* /proc/kpage* skip ZONE_DEVICE pages (pfn_to_online_page()). */
	if (s->flags & GPT_PAGE_DEVMAP)
		return;
	tap_check(t, (uint64_t)s->mapcount == k->mapcount,
		  "page %zu %s: mapcount %d, kpagecount %llu", i, when,
		  s->mapcount, (unsigned long long)k->mapcount);
	tap_check(t, !(s->flags & GPT_PAGE_LARGE) ==
		  !(k->kflags & (KPF(COMPOUND_HEAD) | KPF(COMPOUND_TAIL))),
		  "page %zu %s: large %d, kpageflags %#llx", i, when,
		  !!(s->flags & GPT_PAGE_LARGE), (unsigned long long)k->kflags);
	tap_check(t, !(s->flags & GPT_PAGE_ZERO) == !(k->kflags & KPF(ZERO_PAGE)),
		  "page %zu %s: zero-page %d, kpageflags %#llx", i, when,
		  !!(s->flags & GPT_PAGE_ZERO), (unsigned long long)k->kflags);
	/*
	 * kpageflags shows a tail page's own flags, the module the folio's.
	 * After the request, a fresh page may leave its LRU batch any time
	 * (anyone's lru_add_drain_all()): only "before", taken on drained
	 * batches, is stable enough to compare.
	 */
	if ((k->kflags & KPF(COMPOUND_TAIL)) || strcmp(when, "before"))
		return;
	kbits |= (k->kflags & KPF(LRU)) ? GPT_PAGE_LRU : 0;
	kbits |= (k->kflags & KPF(ACTIVE)) ? GPT_PAGE_ACTIVE : 0;
	kbits |= (k->kflags & KPF(REFERENCED)) ? GPT_PAGE_REFERENCED : 0;
	tap_check(t, (s->flags & bits) == kbits,
		  "page %zu %s: lru/active/referenced %#x, kpageflags say %#x",
		  i, when, s->flags & bits, kbits);
}

/*
 * Where the module finds no page, the kernel's own walkers find none
 * either: a PFN map (VM_IO | VM_PFNMAP) is a hole to /proc/PID/pagemap too.
 */
static void check_views(struct tap_point *t, const struct gpt_cell_result *r,
			size_t n)
{
	if (!tap_check(t, !r->kpage_err, "reading pagemap/kpage*: %s",
		       gpt_errno_name(-r->kpage_err)))
		return;
	for (size_t i = 0; i < n; i++) {
		check_kpage(t, "before", i, &r->rec[i].before, &r->kbefore[i]);
		check_kpage(t, "after", i, &r->rec[i].after, &r->kafter[i]);
	}
}

/* Every page: its pin's delta while pinned, and nothing left after. */
static void check_pinned(struct tap_point *t, const struct expect *e,
			 const struct counts *c, const struct gpt_cell_result *r,
			 const int64_t *touch)
{
	const struct gpt_pin_result *p = &r->res;
	const uint32_t shown = GPT_PAGE_DMA_PINNED | GPT_PAGE_ZERO |
			       GPT_PAGE_DEVMAP | GPT_PAGE_LARGE;
	size_t n = r->pin.nr_pages;
	size_t npin = e->outcome == PARTIAL ? n / 2 : n;
	uint64_t unchanged = n - npin, first_changed = n;

	tap_check_eq(t, "pinned", (int64_t)npin, (int64_t)p->pinned);
	tap_check_eq(t, "released", (int64_t)npin, (int64_t)p->released);
	tap_check_eq(t, "error", e->outcome == PARTIAL ? e->err : 0, p->error);
	tap_check_eq(t, "error_index", (int64_t)npin, (int64_t)p->error_index);
	tap_check_eq(t, "records", (int64_t)n, (int64_t)p->nr_records);
	/* What was not mapped stays so, and nothing was pinned there. */
	for (size_t i = npin; i < n; i++)
		tap_check(t, !((r->rec[i].before.flags | r->rec[i].pinned.flags |
				r->rec[i].after.flags) & GPT_PAGE_PRESENT),
			  "page %zu past the mapping has a sample", i);
	for (size_t i = 0; i < npin; i++) {
		const struct gpt_page_record *rec = &r->rec[i];
		const struct gpt_page_sample *ref = &rec->before;
		int64_t extra = 0;

		tap_check(t, (rec->pinned.flags & shown) == c->flags,
			  "page %zu pinned flags %#x, want %#x", i,
			  rec->pinned.flags & shown, c->flags);
		tap_check(t, rec->after.pfn == rec->pinned.pfn,
			  "page %zu: pinned pfn %#llx is not the pfn mapped after, %#llx",
			  i, (unsigned long long)rec->pinned.pfn,
			  (unsigned long long)rec->after.pfn);
		if (e->outcome != PINNED_FRESH) {
			tap_check(t, rec->before.pfn == rec->pinned.pfn,
				  "page %zu: pinned pfn %#llx is not the pfn mapped before, %#llx",
				  i, (unsigned long long)rec->pinned.pfn,
				  (unsigned long long)rec->before.pfn);
			if (!tap_check(t, rec->after.refcount - rec->before.refcount ==
				       touch[i], "page %zu: refcount after - before %+lld, want %+lld (FOLL_TOUCH batch)",
				       i, (long long)(rec->after.refcount - rec->before.refcount),
				       (long long)touch[i]) || touch[i]) {
				if (first_changed == n)
					first_changed = i;
			} else {
				unchanged++;
			}
			extra = touch[i];
		} else {
			tap_check(t, !(rec->before.flags & GPT_PAGE_PRESENT) ||
				  rec->before.pfn != rec->pinned.pfn,
				  "page %zu: expected a fresh page, got the one mapped before", i);
			ref = &rec->after;
		}
		/* A fresh page's batch reference shows in pinned and after alike. */
		tap_check(t, rec->pinned.refcount - ref->refcount == c->ref + extra,
			  "page %zu: refcount delta while pinned %+lld, want %+lld", i,
			  (long long)(rec->pinned.refcount - ref->refcount),
			  (long long)(c->ref + extra));
		tap_check(t, rec->pinned.pincount - ref->pincount == c->pincount,
			  "page %zu: pincount delta while pinned %+d, want %+lld", i,
			  rec->pinned.pincount - ref->pincount, (long long)c->pincount);
	}
	/* The module's own summary must say what the pages say. */
	if (e->outcome != PINNED_FRESH) {
		tap_check_eq(t, "module: pages unchanged after", (int64_t)unchanged,
			     (int64_t)p->unchanged);
		tap_check_eq(t, "module: first changed page", (int64_t)first_changed,
			     (int64_t)p->first_changed);
	}
}

/* Nothing pinned: every page as it was (or, @replaced, a new one). */
static void check_untouched(struct tap_point *t, const struct gpt_cell_result *r,
			    bool replaced)
{
	size_t n = r->pin.nr_pages;

	tap_check_eq(t, "released", 0, (int64_t)r->res.released);
	for (size_t i = 0; i < n; i++) {
		const struct gpt_page_record *rec = &r->rec[i];

		tap_check(t, !(rec->pinned.flags & GPT_PAGE_PRESENT),
			  "page %zu has a pinned sample", i);
		if (replaced) {
			tap_check(t, (rec->after.flags & GPT_PAGE_PRESENT) &&
				  rec->after.pfn != rec->before.pfn,
				  "page %zu: pfn %#llx -> %#llx, want a new page", i,
				  (unsigned long long)rec->before.pfn,
				  (unsigned long long)rec->after.pfn);
			continue;
		}
		tap_check(t, rec->after.refcount == rec->before.refcount &&
			  rec->after.pfn == rec->before.pfn,
			  "page %zu: refcount %lld -> %lld, pfn %#llx -> %#llx", i,
			  (long long)rec->before.refcount, (long long)rec->after.refcount,
			  (unsigned long long)rec->before.pfn,
			  (unsigned long long)rec->after.pfn);
	}
	tap_check_eq(t, "module: pages unchanged after", replaced ? 0 : (int64_t)n,
		     (int64_t)r->res.unchanged);
}

void expect_check(struct tap_point *t, const struct expect *e,
		  enum gpt_mem_kind kind, const struct gpt_cell_result *r,
		  uint64_t calls)
{
	const struct gpt_pin_result *p = &r->res;
	enum shape shape = shape_of(e, kind);
	size_t n = r->pin.nr_pages;
	struct counts c = model(shape, path_pins(r->pin.path), (int64_t)n);
	int64_t touch[GPT_CELL_MAX_PAGES];

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
		/* A refused ioctl's result has its reason only. */
		tap_check_eq(t, "reason_how", GPT_HOW_NONE, p->reason_how);
		check_vmstat(t, r, 0, 0);
		return;
	}
	tap_check_eq(t, "GUP calls", (int64_t)calls, (int64_t)p->calls);
	check_views(t, r, n);
	touch_refs(r, shape, touch, n);
	switch (e->outcome) {
	case PINNED:
	case PINNED_FRESH:
		tap_check_eq(t, "reason_how", GPT_HOW_NONE, p->reason_how);
		check_pinned(t, e, &c, r, touch);
		check_vmstat(t, r, c.vmstat, e->transient);
		return;
	case PARTIAL:
		tap_check_eq(t, "reason_how", e->err ? GPT_HOW_INFERRED :
			     GPT_HOW_MODULE, p->reason_how);
		check_pinned(t, e, &c, r, touch);
		check_vmstat(t, r, c.vmstat / 2, e->transient);
		return;
	default:
		tap_check_eq(t, "pinned", 0, (int64_t)p->pinned);
		tap_check(t, p->error == (e->outcome == REFUSED ? e->err : 0),
			  "GUP errno %s", gpt_errno_name(p->error));
		tap_check_eq(t, "error_index", 0, (int64_t)p->error_index);
		tap_check_eq(t, "reason_how", e->outcome == REFUSED ?
			     GPT_HOW_INFERRED : GPT_HOW_MODULE, p->reason_how);
		check_untouched(t, r, e->replaced);
		check_vmstat(t, r, 0, e->transient);
		return;
	}
}

const char *expect_describe(const struct expect *e, enum gpt_mem_kind kind,
			    uint32_t path, uint64_t pages)
{
	static char buf[160];
	int n;
	struct counts c = model(shape_of(e, kind), path_pins(path),
				(int64_t)pages);

	switch (e->outcome) {
	case PINNED:
	case PINNED_FRESH:
		snprintf(buf, sizeof(buf), "%s %llu, refcount %+lld%s a page, %lld vmstat pins",
			 e->outcome == PINNED ? "pinned" : "pinned fresh",
			 (unsigned long long)pages, (long long)c.ref,
			 c.pincount ? ", pincount +N" : "", (long long)c.vmstat);
		break;
	case PARTIAL:
		snprintf(buf, sizeof(buf), "pinned the mapped %llu, then %s (%s)",
			 (unsigned long long)pages / 2,
			 e->err ? gpt_errno_name(e->err) : "nothing",
			 gpt_reason_name(e->reason));
		break;
	case REFUSED:
	case NOTHING:
		n = snprintf(buf, sizeof(buf), e->outcome == REFUSED ?
			     "GUP refuses %s (%s)" : "nothing pinned, no errno%s(%s)",
			     e->outcome == REFUSED ? gpt_errno_name(e->err) : " ",
			     gpt_reason_name(e->reason));
		if (e->transient == 1)
			n += snprintf(buf + n, sizeof(buf) - n, ", one transient pin");
		else if (e->transient)
			n += snprintf(buf + n, sizeof(buf) - n, ", %d transient pins",
				      e->transient);
		if (e->replaced)
			snprintf(buf + n, sizeof(buf) - n, ", pages COWed");
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
