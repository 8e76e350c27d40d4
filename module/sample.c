// SPDX-License-Identifier: GPL-2.0
/*
 * What the module measures: a page's folio counts, and the exact pin
 * counters of /proc/vmstat.
 */
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include "gpt.h"
#include "compat.h"

/*
 * /proc/vmstat lags by up to a per-CPU batch (KERNEL-NOTES "Pin counts"),
 * so add the per-CPU diffs to each node's total ourselves.
 */
static long gpt_node_stat_exact(enum node_stat_item item)
{
	long sum = 0;
	int nid, cpu;

	for_each_online_node(nid) {
		struct pglist_data *pgdat = NODE_DATA(nid);

		sum += atomic_long_read(&pgdat->vm_stat[item]);
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)
				       ->vm_node_stat_diff[item];
	}
	return sum;
}

/*
 * A fold on another CPU moves a diff into the total in two steps; a read
 * between them is off by the diff.  Read until two reads agree.
 */
void gpt_vmstat_read(struct gpt_vmstat *v)
{
	struct gpt_vmstat prev;
	int tries = 8;

	v->acquired = gpt_node_stat_exact(NR_FOLL_PIN_ACQUIRED);
	v->released = gpt_node_stat_exact(NR_FOLL_PIN_RELEASED);
	do {
		prev = *v;
		v->acquired = gpt_node_stat_exact(NR_FOLL_PIN_ACQUIRED);
		v->released = gpt_node_stat_exact(NR_FOLL_PIN_RELEASED);
	} while (--tries && memcmp(&prev, v, sizeof(prev)));
}

void gpt_vmstat_delta(const struct gpt_vmstat *from,
		      const struct gpt_vmstat *to, struct gpt_vmstat_delta *d)
{
	d->acquired = to->acquired - from->acquired;
	d->released = to->released - from->released;
}

/* Sample @page; @own_refs is how many references the caller holds on it. */
void gpt_sample_page(struct page *page, int own_refs,
		     struct gpt_page_sample *s)
{
	struct folio *folio = page_folio(page);

	memset(s, 0, sizeof(*s));
	s->pfn = page_to_pfn(page);
	s->flags = GPT_SAMPLE_PRESENT;
	s->refcount = folio_ref_count(folio) - own_refs;
	s->order = folio_order(folio);
	if (folio_test_large(folio)) {
		s->flags |= GPT_SAMPLE_LARGE;
		s->pincount = gpt_folio_pincount(folio);
	}
	if (folio_maybe_dma_pinned(folio))
		s->flags |= GPT_SAMPLE_DMA_PINNED;
	if (is_zero_page(page))
		s->flags |= GPT_SAMPLE_ZERO_PAGE;
	if (is_zone_device_page(page))
		s->flags |= GPT_SAMPLE_DEVMAP;
}

/*
 * Sample whatever page is mapped at @addr, without faulting one in and
 * without pinning it: a FOLL_GET reference, subtracted from the count.
 * GUP-fast first (it does not mark the page accessed, which could park
 * a reference in a per-CPU LRU batch); the slow walk only for what
 * GUP-fast skips, such as the zero page's special PTE.
 */
void gpt_sample_addr(unsigned long addr, struct gpt_page_sample *s)
{
	struct page *page;
	long got;

	memset(s, 0, sizeof(*s));
	got = get_user_pages_fast_only(addr, 1, 0, &page);
	if (got != 1) {
		if (mmap_read_lock_killable(current->mm))
			return;
		got = gpt_get_user_page_nofault(addr, &page);
		mmap_read_unlock(current->mm);
	}
	if (got != 1)
		return;
	gpt_sample_page(page, 1, s);
	put_page(page);
}
