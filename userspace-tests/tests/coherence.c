// SPDX-License-Identifier: GPL-2.0
/*
 * Pin coherence (lib/coherence.c), asserted cell by cell: after each event,
 * does the page a pin holds stay the page the process maps, per memory,
 * per way of pinning, per kernel version range, with the function or
 * commit that decides it.  Run by "gpt-tests --experiments": the VM has
 * swap and THP there (vm/guest-init).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "coherence.h"
#include "suite.h"

#define N	GPT_COH_PAGES

/* Columns, as masks of pin numbers (GPT_COH_GET | READ_ONLY | LONGTERM). */
#define PINS_ALL	0xffU
#define PINS_FOLL_PIN	0x55U	/* pin-fast: pins 0, 2, 4, 6 */
#define PINS_GET	0x0aU	/* get-fast, short-term: 1, 3 */
#define PINS_GET_LT	0xa0U	/* get-fast, long-term: 5, 7 */

#define M(m)		(1U << GPT_COH_##m)
#define MEMS_ALL	0x1fU
#define MEMS_ANON	(M(ANON) | M(THP) | M(THP_PTE))	/* private anonymous */
#define MEMS_PTE	(M(ANON) | M(THP_PTE))		/* ... mapped by PTEs */

#define ANY_EVENT	(-1)

enum want {
	COHERENT,	/* the same page both sides, each sees the other */
	DIVERGED,	/* two pages: split (writable pin), dev-stale (read-only) */
	REFUSED,	/* the pin is not taken */
};

struct coh_expect {
	bool no_thp;		/* only without CONFIG_TRANSPARENT_HUGEPAGE */
	int event;		/* enum gpt_coh_event, or ANY_EVENT */
	unsigned int mems;	/* bits of enum gpt_coh_mem */
	unsigned int pins;	/* bits of pin numbers */
	struct krange k;
	enum want want;
	int err;		/* REFUSED: the errno; otherwise the event's */
	const char *why;
};

/* The first row that matches the cell and the kernel decides. */
static const struct coh_expect expected[] = {
	{ false, ANY_EVENT, MEMS_ALL, PINS_GET_LT, ALL_KERNELS, REFUSED, EINVAL,
	  "the module refuses FOLL_LONGTERM without FOLL_PIN (get-longterm): "
	  "is_valid_gup_flags() (to 6.2), is_valid_gup_args() (6.3+) WARN on it" },
	{ true, GPT_COH_COLLAPSE, MEMS_ALL, PINS_ALL, ALL_KERNELS, COHERENT, EINVAL,
	  "no CONFIG_TRANSPARENT_HUGEPAGE (Debian's PREEMPT_RT): madvise() knows "
	  "neither MADV_HUGEPAGE nor MADV_COLLAPSE" },
	/* MADV_DONTNEED: private memory is gone, page cache stays */
	{ false, GPT_COH_DONTNEED, MEMS_ANON, PINS_ALL, ALL_KERNELS, DIVERGED, 0,
	  "zap_pte_range()/zap_huge_pmd() unmap the pages: the read maps the zero "
	  "page, the write a new page, the pin keeps the old one" },
	{ false, GPT_COH_DONTNEED, M(HUGETLB), PINS_ALL, BEFORE(5, 18), COHERENT, EINVAL,
	  "madvise_dontneed_free_valid_vma(): no hugetlb before 5.18" },
	{ false, GPT_COH_DONTNEED, M(HUGETLB), PINS_ALL, SINCE(5, 18), DIVERGED, 0,
	  "MADV_DONTNEED unmaps hugetlb (90e7e7f5ef3f, 5.18): the next fault "
	  "allocates a new huge page" },
	{ false, GPT_COH_DONTNEED, M(SHMEM), PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "the page stays in the page cache: the fault maps it again" },
	/* fork() */
	{ false, GPT_COH_FORK_CHILD_WRITES, M(SHMEM), PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "MAP_SHARED: no copy-on-write, parent and child map the page cache page" },
	{ false, GPT_COH_FORK_CHILD_EXITS, M(SHMEM), PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "MAP_SHARED: no copy-on-write" },
	{ false, GPT_COH_MPROTECT, M(SHMEM), PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "MAP_SHARED: the write fault makes the PTE writable again (wp_page_shared())" },
	{ false, GPT_COH_PAGEOUT, M(SHMEM), PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "try_to_unmap() unmaps it, but reclaim keeps a page with extra references "
	  "(a maybe-pinned one activated, pageout(): PAGE_KEEP): the fault finds the "
	  "same page in the page cache" },
	{ false, GPT_COH_FORK_CHILD_WRITES, M(HUGETLB), PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "the child's write copies; hugetlb_wp() (hugetlb_cow() before 6.2) lets "
	  "the parent reuse a huge page it alone maps: mapcount, not refcount" },
	{ false, GPT_COH_FORK_CHILD_EXITS, M(HUGETLB), PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "hugetlb_wp()/hugetlb_cow(): the parent alone maps it again: reused" },
	{ false, GPT_COH_FORK_CHILD_WRITES, MEMS_ANON, PINS_GET, ALL_KERNELS, DIVERGED, 0,
	  "copy_present_pte() shares a page FOLL_GET holds (not maybe-pinned) "
	  "read-only; after the child's copy the parent's write copies too: "
	  "do_wp_page() counts references (09854ba94c6a, 5.9; from 5.19 fork "
	  "clears PageAnonExclusive and wp_can_reuse_anon_folio() checks the refcount)" },
	{ false, GPT_COH_FORK_CHILD_EXITS, MEMS_PTE, PINS_GET, ALL_KERNELS, DIVERGED, 0,
	  "one mapping is left, but the FOLL_GET reference is more: do_wp_page() "
	  "copies (page_count(), 09854ba94c6a, 5.9)" },
	{ false, GPT_COH_FORK_CHILD_EXITS, M(THP), PINS_GET, BEFORE(5, 19), COHERENT, 0,
	  "do_huge_pmd_wp_page() reuses a THP its process alone maps "
	  "(reuse_swap_page(): mapcounts) before 5.19" },
	{ false, GPT_COH_FORK_CHILD_EXITS, M(THP), PINS_GET, SINCE(5, 19), DIVERGED, 0,
	  "fork cleared PageAnonExclusive (5.19): do_huge_pmd_wp_page() reuses "
	  "only an exclusive THP or one without extra references; it splits the PMD "
	  "and do_wp_page() copies" },
	{ false, GPT_COH_FORK_CHILD_WRITES, MEMS_ANON, PINS_FOLL_PIN, ALL_KERNELS, COHERENT, 0,
	  "copy_present_pte()/copy_huge_pmd(): a maybe-pinned anonymous page is "
	  "copied for the child at fork (page_needs_cow_for_dma(), 70e806e4e645, "
	  "5.9): the parent keeps its page writable" },
	{ false, GPT_COH_FORK_CHILD_EXITS, MEMS_ANON, PINS_FOLL_PIN, ALL_KERNELS, COHERENT, 0,
	  "the child got copies at fork (70e806e4e645): the parent's PTEs stay writable" },
	/* mprotect() */
	{ false, GPT_COH_MPROTECT, MEMS_PTE, PINS_ALL, BEFORE(5, 19), DIVERGED, 0,
	  "mprotect(READ|WRITE) leaves private PTEs write-protected and the write "
	  "fault copies a page with extra references, pinned or not: do_wp_page() "
	  "page_count() (09854ba94c6a, 5.9)" },
	{ false, GPT_COH_MPROTECT, MEMS_PTE, PINS_ALL, SINCE(5, 19), COHERENT, 0,
	  "PageAnonExclusive (6c287605fd56, 5.19): the write fault reuses an "
	  "exclusive page whatever its refcount; from 6.0 mprotect() makes it "
	  "writable at once (can_change_pte_writable(), 64fe24a3e05e)" },
	{ false, GPT_COH_MPROTECT, MEMS_ALL, PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "a PMD-mapped THP is reused by mapcount before 5.19, as exclusive after; "
	  "hugetlb_wp(): by mapcount" },
	/* MADV_PAGEOUT */
	{ false, GPT_COH_PAGEOUT, M(ANON), PINS_FOLL_PIN, ALL_KERNELS, COHERENT, 0,
	  "shrink_page_list() keeps maybe-pinned anonymous pages out of the swap "
	  "cache (feb889fb40fa, 5.11, in 5.10.y): they stay mapped" },
	{ false, GPT_COH_PAGEOUT, M(ANON), PINS_GET, BEFORE(5, 19), DIVERGED, 0,
	  "a FOLL_GET page is unmapped into the swap cache, where its reference "
	  "keeps it (pageout(): PAGE_KEEP); the read maps it back read-only, the "
	  "write copies it: do_wp_page() page_count()" },
	{ false, GPT_COH_PAGEOUT, M(ANON), PINS_GET, SINCE(5, 19), COHERENT, 0,
	  "try_to_unmap_one() keeps PageAnonExclusive in the swap PTE "
	  "(1493a1913e34, 5.19): do_swap_page() maps the swap cache page back "
	  "exclusive and the write reuses it" },
	{ false, GPT_COH_PAGEOUT, MEMS_ALL, PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "a THP with a pinned page is neither swapped whole nor split "
	  "(can_split_folio(): extra references): every page of it stays mapped" },
	/* the rest leave pinned pages where they are */
	{ false, GPT_COH_KSM, MEMS_ALL, PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "write_protect_page(): a page with more references than mappings is "
	  "never merged" },
	{ false, GPT_COH_THP_SPLIT, MEMS_ALL, PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "splitting the PMD keeps every page mapped where it was; the pinned "
	  "folio itself cannot be split (can_split_folio())" },
	{ false, GPT_COH_COLLAPSE, MEMS_ALL, PINS_ALL, BEFORE(6, 1), COHERENT, EINVAL,
	  "no MADV_COLLAPSE before 6.1 (7d8faaf15545)" },
	{ false, GPT_COH_COLLAPSE, MEMS_ALL, PINS_ALL, SINCE(6, 1), COHERENT, EAGAIN,
	  "hpage_collapse_scan_pmd()/collapse_file(): a page with unexpected "
	  "references is not collapsed (SCAN_PAGE_COUNT): EAGAIN" },
	{ false, GPT_COH_MREMAP, M(HUGETLB), PINS_ALL, BEFORE(5, 16), COHERENT, EINVAL,
	  "vma_to_resize(): no mremap() of hugetlb before 5.16 (550a7d60bd5e)" },
	{ false, GPT_COH_MREMAP, MEMS_ALL, PINS_ALL, ALL_KERNELS, COHERENT, 0,
	  "move_page_tables() moves the entries: the same pages at the new address" },
};

static const struct coh_expect *expect_for(int e, int m, unsigned int pin)
{
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct coh_expect *x = &expected[i];

		if ((!x->no_thp || !kernel.thp) &&
		    (x->event == ANY_EVENT || x->event == e) && (x->mems & 1U << m) &&
		    (x->pins & 1U << pin) && kernel_in(x->k))
			return x;
	}
	return NULL;
}

/* What the outcome must show besides its kind. */
static void check_evidence(struct tap_point *t, int e, int m, unsigned int pin,
			   const struct coh_expect *x, const struct gpt_coh_result *r)
{
	bool pinned = !(pin & GPT_COH_GET), anon = MEMS_ANON & 1U << m;

	if (x->want == REFUSED)
		return;
	/* The pfns agree with the data. */
	tap_check_eq(t, "pinned pages the process maps (pagemap pfn == the pin's)",
		     x->want == COHERENT ? N : 0, r->same_page);
	tap_check(t, r->device_wrote == !(pin & GPT_COH_READ_ONLY),
		  "the device wrote through the pin: %d, want it for writable pins only",
		  r->device_wrote);
	switch (e) {
	case GPT_COH_FORK_CHILD_WRITES:
		/* The pin never goes to the child, except that it shares. */
		tap_check_eq(t, "pinned pages the child maps", m == GPT_COH_SHMEM ? N : 0,
			     r->child_maps_pin);
		break;
	case GPT_COH_PAGEOUT:
		if (m == GPT_COH_ANON) {
			tap_check_eq(t, "unpinned control pages swapped out", N,
				     r->control_swapped);
			tap_check(t, r->sys_pswpout >= (long long)(512 - N),
				  "pswpout %+lld (system-wide), want at least the %d unpinned pages",
				  r->sys_pswpout, 512 - N);
			tap_check_eq(t, "pinned pages swapped out", pinned ? 0 : N,
				     r->pinned_swapped);
		} else if (m == GPT_COH_SHMEM) {
			/* pagemap shows no swap entries of a shared mapping */
			tap_check(t, r->sys_pswpout >= (long long)(512 - N),
				  "pswpout %+lld (system-wide), want at least the %d unpinned pages",
				  r->sys_pswpout, 512 - N);
		} else {
			/* One pinned page keeps the whole THP. */
			tap_check_eq(t, "THP pages swapped out, pinned or not", 0,
				     r->pinned_swapped + r->control_swapped);
		}
		break;
	case GPT_COH_KSM:
		/*
		 * Merged control pages map one KSM page; a pinned THP cannot
		 * split; a pinned page has more references than mappings.
		 */
		tap_check_eq(t, "unpinned control pages merged", m == GPT_COH_ANON ? N : 0,
			     r->control_merged);
		tap_check_eq(t, "pinned pages merged", 0, r->pinned_merged);
		break;
	case GPT_COH_DONTNEED:
		if (anon)
			tap_check_eq(t, "unpinned control pages replaced", N, r->control_moved);
		break;
	default:
		break;
	}
}

static bool outcome_is(const struct gpt_coh_result *r, const struct coh_expect *x,
		       unsigned int pin)
{
	switch (x->want) {
	case REFUSED:
		return r->what == GPT_COH_REFUSED && r->err == x->err;
	case COHERENT:
		return r->what == GPT_COH_COHERENT && r->event_err == x->err;
	default:
		return r->what == ((pin & GPT_COH_READ_ONLY) ? GPT_COH_DEVICE_STALE :
				   GPT_COH_SPLIT) && r->event_err == x->err &&
		       r->device_sees == 0 && r->process_sees == 0;
	}
}

void test_coherence(struct suite *s)
{
	static const char *const wants[] = { "coherent", "diverged", "refused" };
	struct gpt_coh_env env = { .fd = s->fd };
	struct gpt_pin_counters c0, c1;
	struct tap_point t;
	int err0 = gpt_pin_counters_read(&c0), err1;

	for (int e = 0; e < GPT_COH_EVENTS; e++) {
		for (int m = 0; m < GPT_COH_MEMS; m++) {
			if (!gpt_coh_applies(e, m))
				continue;
			if ((m == GPT_COH_THP || m == GPT_COH_THP_PTE) && !kernel.thp) {
				tap_skip("coherence %s %s: this kernel has no THP "
					 "(CONFIG_TRANSPARENT_HUGEPAGE)", gpt_coh_event_name(e),
					 gpt_coh_mem_name(m));
				continue;
			}
			if (e == GPT_COH_KSM && !kernel.ksm) {
				tap_skip("coherence ksm %s: this kernel has no KSM (CONFIG_KSM)",
					 gpt_coh_mem_name(m));
				continue;
			}
			for (unsigned int pin = 0; pin < GPT_COH_PINS; pin++) {
				const struct coh_expect *x = expect_for(e, m, pin);
				struct gpt_coh_result r;
				char got[32], kr[32];

				gpt_coh_run(&env, e, m, pin, &r);
				gpt_coh_cell(&r, got, sizeof(got));
				tap_begin(&t);
				tap_diag("%s %s %s: %s", gpt_coh_event_name(e), gpt_coh_mem_name(m),
					 gpt_coh_pin_name(pin), r.detail);
				if (!x) {
					tap_check(&t, false, "no expectation for this kernel");
					tap_end(&t, "coherence %s %s %s", gpt_coh_event_name(e),
						gpt_coh_mem_name(m), gpt_coh_pin_name(pin));
					continue;
				}
				tap_check(&t, outcome_is(&r, x, pin),
					  "want %s (%s %s), got %s (%s: event %s)", wants[x->want],
					  x->want == REFUSED ? "pin" : "event",
					  gpt_errno_name(x->err), got, gpt_coh_what_name(r.what),
					  gpt_errno_name(r.event_err));
				check_evidence(&t, e, m, pin, x, &r);
				tap_end(&t, "coherence %s %s %s: %s (%s: %s)", gpt_coh_event_name(e),
					gpt_coh_mem_name(m), gpt_coh_pin_name(pin), got,
					krange_name(x->k, kr, sizeof(kr)), x->why);
			}
		}
	}
	/* Every pin the cells took is released. */
	err1 = gpt_pin_counters_read(&c1);
	tap_begin(&t);
	if (tap_check(&t, !err0 && !err1, "reading /proc/vmstat"))
		tap_check_eq(&t, "pins acquired - released over the cells", 0,
			     (c1.acquired - c0.acquired) - (c1.released - c0.released));
	tap_end(&t, "coherence: every pin released (nr_foll_pin_acquired == released)");
}
