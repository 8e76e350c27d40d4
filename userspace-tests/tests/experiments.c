// SPDX-License-Identifier: GPL-2.0
/*
 * The experiments of "gupctl experiment" (lib/experiment.c), asserted: what
 * the kernel does to pinned pages, per way of pinning, per kernel version
 * range, with the function or commit that decides it.  Run by
 * "gpt-tests --experiments" in the experiments VM (vm/layout.sh), whose
 * NUMA node 1 is a movable DIMM.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "experiment.h"
#include "suite.h"

#define N	GPT_EXP_PAGES
#define ALL	GPT_EXP_MODES	/* every mode */

struct exp_expect {
	const char *name;
	int mode;		/* enum gpt_exp_mode, or ALL */
	struct krange k;
	enum gpt_exp_what what;
	int err;
	unsigned int count;	/* pages the outcome holds for */
	const char *why;
	/* where the kernel's answer depends on memory it may not find: the
	 * other outcome, err and count (GPT_EXP_NOT_RUN: none) */
	enum gpt_exp_what alt;
	int alt_err;
};

#define NO_ALT	GPT_EXP_NOT_RUN, 0

/* The first row that matches the experiment, mode and kernel decides. */
static const struct exp_expect expected[] = {
	/* fsdax: the filesystem breaks the layout first, and waits for pins */
	{ "fsdax-truncate", GPT_EXP_RELEASED, ALL_KERNELS, GPT_EXP_AT_ONCE, 0, N,
	  "ext4_break_layouts(): no page busy", NO_ALT },
	{ "fsdax-truncate", GPT_EXP_HELD, ALL_KERNELS, GPT_EXP_WAITED, 0, N,
	  "ext4_break_layouts() waits until dax_layout_busy_page() finds none "
	  "(dax_break_layout(), idle at refcount 0: 38607c62b34b, 6.15)", NO_ALT },
	{ "fsdax-truncate", GPT_EXP_LONGTERM, ALL_KERNELS, GPT_EXP_REFUSED, EOPNOTSUPP, N,
	  "check_vma_flags(): vma_is_fsdax() (52650c8b466b, 5.11; "
	  "__gup_longterm_locked() after pinning before)", NO_ALT },
	{ "fsdax-punch", GPT_EXP_RELEASED, ALL_KERNELS, GPT_EXP_AT_ONCE, 0, N,
	  "ext4_punch_hole()/ext4_fallocate(): ext4_break_layouts(), no page busy", NO_ALT },
	{ "fsdax-punch", GPT_EXP_HELD, ALL_KERNELS, GPT_EXP_WAITED, 0, N,
	  "ext4_break_layouts() before the hole is punched", NO_ALT },
	{ "fsdax-punch", GPT_EXP_LONGTERM, ALL_KERNELS, GPT_EXP_REFUSED, EOPNOTSUPP, N,
	  "vma_is_fsdax(): long-term pins of fsdax refused", NO_ALT },
	/* device-DAX: no filesystem, nothing waits on its pages */
	{ "devdax", ALL, ALL_KERNELS, GPT_EXP_PINNED, 0, N,
	  "vma_is_fsdax() is false for a device-DAX character device: long-term "
	  "pins allowed", NO_ALT },
	/* ZONE_MOVABLE */
	{ "movable", GPT_EXP_LONGTERM, BEFORE(5, 13), GPT_EXP_IN_PLACE, 0, N,
	  "check_and_migrate_cma_pages(): only CMA is migrated before 5.13", NO_ALT },
	{ "movable", GPT_EXP_LONGTERM, SINCE(5, 13), GPT_EXP_MIGRATED, 0, N,
	  "check_and_migrate_movable_pages(), MR_LONGTERM_PIN (d1e153fea2a8, 5.13)", NO_ALT },
	{ "movable", ALL, ALL_KERNELS, GPT_EXP_IN_PLACE, 0, N,
	  "short-term pins stay where the pages are", NO_ALT },
	{ "hugetlb-movable", GPT_EXP_LONGTERM, BEFORE(5, 13), GPT_EXP_IN_PLACE, 0, N,
	  "check_and_migrate_cma_pages(): only CMA is migrated before 5.13", NO_ALT },
	{ "hugetlb-movable", GPT_EXP_LONGTERM, FROM_TO(6, 0, 6, 10), GPT_EXP_FAILED, EINVAL, 0,
	  "the module refuses (hugetlb-longterm): follow_hugetlb_page() WARN_ON_ONCE()s "
	  "when try_grab_folio() turns down a page that is not long-term pinnable", NO_ALT },
	{ "hugetlb-movable", GPT_EXP_LONGTERM, SINCE(6, 10), GPT_EXP_MIGRATED, 0, N,
	  "hugetlb through follow_page_mask() (6.10): migrate_longterm_unpinnable_folios() "
	  "moves the huge page to a free pinnable one; without one (node 0's free huge "
	  "pages in CMA, and no fresh one on the page's own node: "
	  "htlb_allow_alloc_fallback() is false for MR_LONGTERM_PIN) GUP fails ENOMEM",
	  GPT_EXP_REFUSED, ENOMEM },
	{ "hugetlb-movable", ALL, ALL_KERNELS, GPT_EXP_IN_PLACE, 0, N,
	  "short-term pins stay where the page is", NO_ALT },
	/* CMA: long-term pins leave it, so that cma_alloc() can have it */
	{ "cma", GPT_EXP_LONGTERM, SINCE(5, 13), GPT_EXP_MIGRATED, 0, N,
	  "check_and_migrate_movable_pages(): !folio_is_longterm_pinnable() in a "
	  "CMA pageblock, MR_LONGTERM_PIN (before 5.13: check_and_migrate_cma_pages())", NO_ALT },
	{ "cma", ALL, ALL_KERNELS, GPT_EXP_IN_PLACE, 0, N,
	  "short-term pins stay in the CMA area", NO_ALT },
	{ "longterm-of-pinned", GPT_EXP_RELEASED, BEFORE(5, 13), GPT_EXP_IN_PLACE, 0, N,
	  "no ZONE_MOVABLE migration before 5.13", NO_ALT },
	{ "longterm-of-pinned", GPT_EXP_RELEASED, SINCE(5, 13), GPT_EXP_MIGRATED, 0, N,
	  "the first pin is gone: migrate_longterm_unpinnable_pages() moves them", NO_ALT },
	{ "longterm-of-pinned", GPT_EXP_HELD, BEFORE(5, 13), GPT_EXP_IN_PLACE, 0, N,
	  "no ZONE_MOVABLE migration before 5.13", NO_ALT },
	{ "longterm-of-pinned", GPT_EXP_HELD, SINCE(5, 13), GPT_EXP_FAILED, ENOMEM, 0,
	  "migrate_pages() fails on the pinned pages (try_to_migrate_one(): "
	  "maybe_dma_pinned), GUP returns -ENOMEM", NO_ALT },
	{ "longterm-of-pinned", GPT_EXP_LONGTERM, ALL_KERNELS, GPT_EXP_IN_PLACE, 0, N,
	  "the first long-term pin left them pinnable", NO_ALT },
	/* memory offline: offline_pages() retries until the pins are gone */
	{ "offline", GPT_EXP_RELEASED, ALL_KERNELS, GPT_EXP_AT_ONCE, 0, N,
	  "offline_pages(): do_migrate_range() moves the unpinned pages", NO_ALT },
	{ "offline", GPT_EXP_HELD, ALL_KERNELS, GPT_EXP_WAITED, 0, N,
	  "offline_pages() retries migration until the pin is gone (or a signal)", NO_ALT },
	{ "offline", GPT_EXP_LONGTERM, BEFORE(5, 13), GPT_EXP_WAITED, 0, N,
	  "a long-term pin stays in ZONE_MOVABLE before 5.13 and blocks offline", NO_ALT },
	{ "offline", GPT_EXP_LONGTERM, SINCE(5, 13), GPT_EXP_AT_ONCE, 0, 0,
	  "the long-term pin migrated the pages out of the block (d1e153fea2a8)", NO_ALT },
	/* move_pages() */
	{ "move-pages", GPT_EXP_RELEASED, ALL_KERNELS, GPT_EXP_MOVED, 0, N,
	  "do_pages_move(): nothing holds them", NO_ALT },
	{ "move-pages", ALL, ALL_KERNELS, GPT_EXP_NOT_MOVED, 0, N,
	  "migrate_pages() gives up on pinned pages after its retries; "
	  "status[] of a failed batch is not written", NO_ALT },
	/* compaction of node 1 */
	{ "compaction", GPT_EXP_RELEASED, ALL_KERNELS, GPT_EXP_MOVED, 0, N,
	  "isolate_migratepages_block() takes them, migrate_pages() moves them up "
	  "to the free scanner's pages", NO_ALT },
	{ "compaction", GPT_EXP_LONGTERM, BEFORE(5, 13), GPT_EXP_NOT_MOVED, 0, N,
	  "a long-term pin stays in ZONE_MOVABLE before 5.13: compaction passes it by "
	  "like any pin", NO_ALT },
	{ "compaction", GPT_EXP_LONGTERM, SINCE(5, 13), GPT_EXP_MIGRATED, 0, N,
	  "the long-term pin migrated them out of ZONE_MOVABLE first (d1e153fea2a8)", NO_ALT },
	{ "compaction", ALL, ALL_KERNELS, GPT_EXP_NOT_MOVED, 0, N,
	  "isolate_migratepages_block() passes by anonymous pages with more references "
	  "than mappings (\"admittedly racy check\", 119d6d59dcc0, 2014): a pinned page "
	  "is not even isolated", NO_ALT },
	/* fork(): early COW of pinned anonymous pages */
	{ "fork", GPT_EXP_RELEASED, ALL_KERNELS, GPT_EXP_SHARED, 0, N,
	  "copy_present_pte(): not pinned now, shared COW", NO_ALT },
	{ "fork", ALL, ALL_KERNELS, GPT_EXP_COPIED, 0, N,
	  "copy_present_pte(): page_needs_cow_for_dma() copies pinned pages "
	  "(70e806e4e645, 5.9)", NO_ALT },
	/* KSM */
	{ "ksm", GPT_EXP_RELEASED, ALL_KERNELS, GPT_EXP_MERGED, 0, N / 2,
	  "write_protect_page(): no extra references", NO_ALT },
	{ "ksm", ALL, ALL_KERNELS, GPT_EXP_NOT_MERGED, 0, N / 2,
	  "write_protect_page(): mapcount + 1 != refcount (and "
	  "page_try_share_anon_rmap() from 6.1)", NO_ALT },
};

static const struct exp_expect *expect_for(const char *name, enum gpt_exp_mode mode)
{
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct exp_expect *e = &expected[i];

		if (!strcmp(e->name, name) && (e->mode == ALL || e->mode == (int)mode) &&
		    kernel_in(e->k))
			return e;
	}
	return NULL;
}

/* What every outcome must show besides its kind. */
static void check_evidence(struct tap_point *t, const struct gpt_experiment *x,
			   enum gpt_exp_mode mode, const struct gpt_exp_result *r)
{
	int hold = strcmp(x->name, "offline") ? GPT_EXP_HOLD_MS : GPT_EXP_OFFLINE_HOLD_MS;
	int moved = strcmp(x->name, "hugetlb-movable") ? N : 512;

	switch (r->what) {
	case GPT_EXP_WAITED:
		/* Blocked for the whole hold, returned only after the unpin. */
		tap_check(t, r->unpin_ms >= hold && r->op_ms >= r->unpin_ms,
			  "waited: unpin at %.1f ms (hold %d ms), returned at %.1f ms",
			  r->unpin_ms, hold, r->op_ms);
		break;
	case GPT_EXP_AT_ONCE:
		/*
		 * No unpin was needed (that is what AT_ONCE means); and with
		 * no pin held, nothing to wait for: back well before a stuck
		 * operation is killed, on a stalled host too.
		 */
		tap_check(t, r->op_ms < GPT_EXP_AT_ONCE_MS,
			  "at once: returned at %.1f ms, want under %d ms (hold %d ms)",
			  r->op_ms, GPT_EXP_AT_ONCE_MS, hold);
		break;
	case GPT_EXP_MIGRATED:
		/*
		 * The kernel's own account: vmstat and the tracepoint, which
		 * count base pages: a huge page is 512 of them.
		 */
		tap_check(t, r->vm_success >= moved, "pgmigrate_success %+lld, want >= %d",
			  r->vm_success, moved);
		if (r->traced)
			tap_check(t, r->trace_succeeded == (unsigned long)moved,
				  "mm_migrate_pages: nr_succeeded %lu of longterm_pin (reasons %s), want %d",
				  r->trace_succeeded, r->trace_reason, moved);
		break;
	case GPT_EXP_NOT_MOVED:
		/*
		 * The pages not migrated: one short before 6.0, where
		 * move_pages_and_store_status()'s caller added nr_pages - i - 1
		 * at the last batch ("migrate: fix syscall move_pages() return
		 * value for failure", 6.0).
		 */
		if (!strcmp(x->name, "move-pages"))
			tap_check_eq(t, "move_pages() return", kernel_since(6, 0) ? N : N - 1,
				     r->value);
		break;
	case GPT_EXP_NOT_MERGED:
	case GPT_EXP_MERGED:
		tap_check_eq(t, "unpinned control pages merged", N / 2, r->control);
		break;
	default:
		break;
	}
	if (!strcmp(x->name, "devdax") && mode != GPT_EXP_RELEASED) {
		tap_check_eq(t, "QUERY: held pages devdax and dma-pinned", N, r->value);
		tap_check_eq(t, "pages that read the same through the mapping and the pin",
			     N, r->data_same);
	}
	if (!strcmp(x->name, "cma") && mode == GPT_EXP_LONGTERM)
		tap_check_eq(t, "pages in the CMA area while long-term pinned", 0, r->control);
	/* KSM left the pinned pages mapped: the pin and the process agree. */
	if (!strcmp(x->name, "ksm") && mode != GPT_EXP_RELEASED)
		tap_check_eq(t, "pinned pages the process still maps", N / 2, r->data_same);
	/* Compaction ran, and moved pages: the pool's, past any pinned ones. */
	if (!strcmp(x->name, "compaction")) {
		tap_check(t, r->value >= N, "pgmigrate_success during compaction %+ld, want >= %d",
			  r->value, N);
		if (mode != GPT_EXP_RELEASED)
			tap_check_eq(t, "pages that read the same through the mapping and the pin",
				     N, r->data_same);
	}
	if (!strcmp(x->name, "movable") && mode != GPT_EXP_RELEASED)
		tap_check_eq(t, "pages that read the same through the mapping and the pin",
			     N, r->data_same);
}

void test_experiments(struct suite *s)
{
	struct gpt_exp_env env = { .fd = s->fd, .dirs = s->dirs };
	struct gpt_pin_counters c0, c1;
	struct tap_point t;
	int err0 = gpt_pin_counters_read(&c0), err1;

	for (unsigned int i = 0; i < gpt_nr_experiments; i++) {
		const struct gpt_experiment *x = &gpt_experiments[i];

		if (!strcmp(x->name, "ksm") && !kernel.ksm) {
			tap_skip("experiment ksm: this kernel has no KSM (CONFIG_KSM)");
			continue;
		}
		if (!strcmp(x->name, "devdax") && !kernel.dev_dax_pmem) {
			tap_skip("experiment devdax: this kernel has no dax_pmem driver "
				 "(CONFIG_DEV_DAX_PMEM)");
			continue;
		}
		if (!kernel.movable_node && (!strcmp(x->name, "movable") ||
					     !strcmp(x->name, "hugetlb-movable") ||
					     !strcmp(x->name, "longterm-of-pinned") ||
					     !strcmp(x->name, "offline") ||
					     !strcmp(x->name, "move-pages") ||
					     !strcmp(x->name, "compaction"))) {
			tap_skip("experiment %s: no ZONE_MOVABLE on NUMA node 1: this kernel "
				 "did not online the VM's DIMM (CONFIG_NUMA, "
				 "CONFIG_MEMORY_HOTPLUG, CONFIG_ACPI_HOTPLUG_MEMORY)", x->name);
			continue;
		}
		if (!strcmp(x->name, "cma") && !kernel.cma) {
			tap_skip("experiment cma: this kernel has no CMA area (CONFIG_CMA, "
				 "and CONFIG_DMA_CMA for cma=)");
			continue;
		}
		for (int m = 0; m < GPT_EXP_MODES; m++) {
			const struct exp_expect *e = expect_for(x->name, m);
			struct gpt_exp_result r;
			char want[64], got[64], kr[32];

			gpt_exp_run(x, &env, m, &r);
			gpt_exp_cell(&r, got, sizeof(got));
			tap_begin(&t);
			tap_diag("%s, %s: %s", x->name, gpt_exp_mode_name(m), r.detail);
			if (!e) {
				tap_check(&t, false, "no expectation for this kernel");
				tap_end(&t, "experiment %s, %s", x->name, gpt_exp_mode_name(m));
				continue;
			}
			snprintf(want, sizeof(want), "%s %s %u/%u", gpt_exp_what_name(e->what),
				 gpt_errno_name(e->err), e->count, r.pages);
			tap_check(&t, (r.what == e->what && r.err == e->err &&
				       r.count == e->count) ||
				  (e->alt != GPT_EXP_NOT_RUN && r.what == e->alt &&
				   r.err == e->alt_err && r.count == 0),
				  "want %s%s%s, got %s %s %u/%u", want,
				  e->alt != GPT_EXP_NOT_RUN ? " or " : "",
				  e->alt != GPT_EXP_NOT_RUN ? gpt_exp_what_name(e->alt) : "",
				  gpt_exp_what_name(r.what), gpt_errno_name(r.err), r.count,
				  r.pages);
			check_evidence(&t, x, m, &r);
			tap_end(&t, "experiment %s, %s: %s (%s: %s)", x->name,
				gpt_exp_mode_name(m), got, krange_name(e->k, kr, sizeof(kr)),
				e->why);
		}
	}
	/* Every pin the experiments took is released. */
	err1 = gpt_pin_counters_read(&c1);
	tap_begin(&t);
	if (tap_check(&t, !err0 && !err1, "reading /proc/vmstat"))
		tap_check_eq(&t, "pins acquired - released over the experiments", 0,
			     (c1.acquired - c0.acquired) - (c1.released - c0.released));
	tap_end(&t, "experiments: every pin released (nr_foll_pin_acquired == released)");
}
