// SPDX-License-Identifier: GPL-2.0
/*
 * What the module measures: a page's folio counts, and the exact pin
 * counters of /proc/vmstat.
 */
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
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
	if (gpt_folio_test_lru(folio))
		s->flags |= GPT_SAMPLE_LRU;
	if (gpt_folio_test_active(folio))
		s->flags |= GPT_SAMPLE_ACTIVE;
	if (gpt_folio_test_referenced(folio))
		s->flags |= GPT_SAMPLE_REFERENCED;
}

/*
 * Sample the page a PTE maps, under the PTE lock: no reference taken, no
 * page flag touched.  (GUP-fast would mark the folio referenced, and a
 * later FOLL_TOUCH would then activate it through a per-CPU batch that
 * holds a reference: the measurement would change what it measures.)
 * Returns -EAGAIN where there is no PTE level (huge PMDs, hugetlb) or no
 * way for a module to read it (6.12+: see gpt_follow_pte()).
 */
static int gpt_sample_pte(struct mm_struct *mm, unsigned long addr,
			  struct gpt_page_sample *s)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	spinlock_t *ptl;	/* the PTE lock follow_pte() takes */
	pte_t *ptep;
	pte_t pte;
	pmd_t pmd;
	int ret;

	if (!vma)
		return 0;
	if (is_vm_hugetlb_page(vma))
		return -EAGAIN;
	ret = gpt_pmd_lookup(mm, addr, &pmd);
	if (ret || pmd_none(pmd))
		return ret == -EAGAIN ? ret : 0;
	if (pmd_trans_huge(pmd) || gpt_pmd_devmap(pmd) || pmd_leaf(pmd))
		return -EAGAIN;
	ret = gpt_follow_pte(vma, addr, &ptep, &ptl);
	if (ret)
		return ret == -EOPNOTSUPP ? -EAGAIN : 0;
	__acquire(ptl);	/* for sparse: follow_pte() returned it locked */
	pte = ptep_get(ptep);
	if (pte_present(pte) && pfn_valid(pte_pfn(pte)))
		gpt_sample_page(pfn_to_page(pte_pfn(pte)), 0, s);
	pte_unmap_unlock(ptep, ptl);
	return 0;
}

/*
 * Sample whatever page is mapped at @addr without faulting one in or
 * pinning it.  Huge mappings have no PTE: there a FOLL_GET reference is
 * taken and subtracted (marking a large folio referenced parks no
 * reference anywhere: large folios skip the per-CPU batches).
 */
void gpt_sample_addr(struct mm_struct *mm, unsigned long addr,
		     struct gpt_page_sample *s)
{
	struct page *page;
	long got = 0;
	int ret;

	memset(s, 0, sizeof(*s));
	if (mmap_read_lock_killable(mm))
		return;
	ret = gpt_sample_pte(mm, addr, s);
	if (ret == -EAGAIN)
		got = gpt_get_user_page_nofault(mm, addr, &page);
	mmap_read_unlock(mm);
	if (got != 1)
		return;
	gpt_sample_page(page, 1, s);
	put_page(page);
}

/*
 * The filesystem of a folio that is not anonymous, or 0.  The folio lock
 * keeps truncation, and with it inode eviction, away while we look.
 * fsdax folios need no lock: truncation waits for their pins to drop.
 */
static u64 gpt_folio_fs_magic(struct folio *folio, bool devmap)
{
	struct address_space *mapping;
	u64 magic = 0;

	if (!devmap)
		gpt_folio_lock(folio);
	mapping = gpt_folio_mapping(folio);
	if (mapping && mapping->host)
		magic = mapping->host->i_sb->s_magic;
	if (!devmap)
		gpt_folio_unlock(folio);
	return magic;
}

static u32 gpt_page_kind(struct page *page, u64 *magic)
{
	struct folio *folio = page_folio(page);

	*magic = 0;
	if (is_zero_page(page))
		return GPT_KIND_ZERO;
	/* Before the anon test: private hugetlb pages are anonymous too. */
	if (gpt_folio_test_hugetlb(folio)) {
		if (!gpt_folio_test_anon(folio))
			*magic = gpt_folio_fs_magic(folio, false);
		return GPT_KIND_HUGETLB;
	}
	if (gpt_folio_test_anon(folio)) {
		if (gpt_folio_test_ksm(folio))
			return GPT_KIND_KSM;
		if (is_zone_device_page(page))
			return GPT_KIND_DEVMAP;
		return folio_test_large(folio) ? GPT_KIND_THP : GPT_KIND_ANON;
	}
	if (is_zone_device_page(page)) {
		*magic = gpt_folio_fs_magic(folio, true);
		return *magic ? GPT_KIND_FSDAX : GPT_KIND_DEVMAP;
	}
	*magic = gpt_folio_fs_magic(folio, false);
	if (*magic == TMPFS_MAGIC)
		return GPT_KIND_SHMEM;
	return *magic ? GPT_KIND_FILE : GPT_KIND_UNKNOWN;
}

/* QUERY's record of a held page; the hold's own pin is counted. */
void gpt_page_record(struct page *page, struct gpt_page_record *rec)
{
	struct folio *folio = page_folio(page);
	struct gpt_page_sample s;

	gpt_sample_page(page, 0, &s);
	memset(rec, 0, sizeof(*rec));
	rec->pfn = s.pfn;
	rec->refcount = s.refcount;
	rec->pincount = s.pincount;
	rec->order = s.order;
	rec->flags = s.flags;
	rec->mapcount = gpt_page_mapcount(page);
	rec->kind = gpt_page_kind(page, &rec->fs_magic);
	if (gpt_folio_longterm_pinnable(folio))
		rec->flags |= GPT_PAGE_LONGTERM_PINNABLE;
	if (gpt_folio_zonenum(folio) == ZONE_MOVABLE)
		rec->flags |= GPT_PAGE_ZONE_MOVABLE;
	if (gpt_folio_test_dirty(folio))
		rec->flags |= GPT_PAGE_DIRTY;
}
