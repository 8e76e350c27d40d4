// SPDX-License-Identifier: GPL-2.0
/*
 * What the module measures: a page's folio counts and state, and the pin
 * counters of /proc/vmstat (system-wide, folded exactly).
 *
 * Sampling never changes what it samples: mapped pages are found under
 * their page table lock, without a reference and without touching a flag.
 */
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/pagemap.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
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

/* The kernel's zone numbers depend on its config; ours do not. */
static u8 gpt_zone(struct page *page)
{
	switch (page_zonenum(page)) {
#ifdef CONFIG_ZONE_DMA
	case ZONE_DMA:
		return GPT_ZONE_DMA;
#endif
#ifdef CONFIG_ZONE_DMA32
	case ZONE_DMA32:
		return GPT_ZONE_DMA32;
#endif
	case ZONE_NORMAL:
		return GPT_ZONE_NORMAL;
#ifdef CONFIG_HIGHMEM
	case ZONE_HIGHMEM:
		return GPT_ZONE_HIGHMEM;
#endif
	case ZONE_MOVABLE:
		return GPT_ZONE_MOVABLE;
#ifdef CONFIG_ZONE_DEVICE
	case ZONE_DEVICE:
		return GPT_ZONE_DEVICE;
#endif
	default:
		return GPT_ZONE_UNKNOWN;
	}
}

/*
 * The filesystem of a folio that is not anonymous, or 0, without the
 * folio lock (which could sleep): inodes, their address_space and super
 * blocks are freed after an RCU grace period, so under rcu_read_lock() a
 * mapping read once stays readable even if truncation races with us.
 */
static u64 gpt_folio_fs_magic(struct folio *folio)
{
	struct address_space *mapping;
	struct inode *host;
	u64 magic = 0;

	rcu_read_lock();
	mapping = gpt_folio_mapping(folio);
	if (mapping && !((unsigned long)mapping & PAGE_MAPPING_FLAGS)) {
		host = READ_ONCE(mapping->host);
		if (host)
			magic = READ_ONCE(host->i_sb)->s_magic;
	}
	rcu_read_unlock();
	return magic;
}

u8 gpt_page_kind(struct page *page, u64 *magic)
{
	struct folio *folio = page_folio(page);

	*magic = 0;
	if (is_zero_page(page))
		return GPT_KIND_ZERO;
	/* Before the anon test: private hugetlb pages are anonymous too. */
	if (gpt_folio_test_hugetlb(folio)) {
		if (!gpt_folio_test_anon(folio))
			*magic = gpt_folio_fs_magic(folio);
		return GPT_KIND_HUGETLB;
	}
	if (gpt_folio_test_anon(folio)) {
		if (gpt_folio_test_ksm(folio))
			return GPT_KIND_KSM;
		if (is_zone_device_page(page))
			return GPT_KIND_DEVMAP;
		return folio_test_large(folio) ? GPT_KIND_THP : GPT_KIND_ANON;
	}
	*magic = gpt_folio_fs_magic(folio);
	if (is_zone_device_page(page)) {
		/* device-DAX pages belong to the dax pseudo filesystem */
		if (*magic == DAXFS_MAGIC)
			return GPT_KIND_DEVDAX;
		return *magic ? GPT_KIND_FSDAX : GPT_KIND_DEVMAP;
	}
	if (*magic == TMPFS_MAGIC)
		return GPT_KIND_SHMEM;
	return *magic ? GPT_KIND_FILE : GPT_KIND_UNKNOWN;
}

/* Sample @page; the caller keeps it from being freed. */
void gpt_sample_page(struct page *page, struct gpt_page_sample *s)
{
	struct folio *folio = page_folio(page);

	memset(s, 0, sizeof(*s));
	s->pfn = page_to_pfn(page);
	s->flags = GPT_PAGE_PRESENT;
	s->refcount = folio_ref_count(folio);
	s->order = folio_order(folio);
	s->zone = gpt_zone(page);
	s->nid = page_to_nid(page);
	s->mapcount = gpt_page_mapcount(page);
	if (!GPT_HAVE_PAGE_MAPCOUNT)
		s->flags |= GPT_PAGE_FOLIO_MAPCOUNT;
	s->kind = gpt_page_kind(page, &s->fs_magic);
	if (folio_test_large(folio)) {
		s->flags |= GPT_PAGE_LARGE;
		s->pincount = gpt_folio_pincount(folio);
	}
	if (folio_maybe_dma_pinned(folio))
		s->flags |= GPT_PAGE_DMA_PINNED;
	if (is_zero_page(page))
		s->flags |= GPT_PAGE_ZERO;
	if (is_zone_device_page(page))
		s->flags |= GPT_PAGE_DEVMAP;
	if (gpt_folio_test_lru(folio))
		s->flags |= GPT_PAGE_LRU;
	if (gpt_folio_test_active(folio))
		s->flags |= GPT_PAGE_ACTIVE;
	if (gpt_folio_test_referenced(folio))
		s->flags |= GPT_PAGE_REFERENCED;
	if (gpt_folio_test_dirty(folio))
		s->flags |= GPT_PAGE_DIRTY;
	if (gpt_folio_longterm_pinnable(folio))
		s->flags |= GPT_PAGE_LONGTERM_PINNABLE;
	if (GPT_PINNABLE_BY_ZONE)
		s->flags |= GPT_PAGE_PINNABLE_BY_ZONE;
}

/*
 * The page behind a pfn a page table maps, if it is one GUP could return:
 * online memory, or ZONE_DEVICE memory a mapping holds; never a
 * slab or typed page (a driver's PFN map can point anywhere, and their
 * ->mapping is no address_space).  As kpagecount_read() looks at pages.
 */
static struct page *gpt_mapped_page(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	/*
	 * ZONE_DEVICE memory is never online.  A present entry that is not
	 * special maps a page the mapping holds: a devmap entry until 6.17,
	 * and fsdax behind plain entries from 6.15 (vmf_insert_page_mkwrite()),
	 * while the devmap bit still exists.
	 */
	if (!page && pfn_valid(pfn) && is_zone_device_page(pfn_to_page(pfn)))
		page = pfn_to_page(pfn);
	/* hugetlb folios are a page type too from 6.9: those are ours */
	if (!page || PageSlab(page) ||
	    (page_has_type(page) && !gpt_folio_test_hugetlb(page_folio(page))))
		return NULL;
	return page;
}

/* Sample page @pfn of a huge leaf, if it is a page to sample. */
static void gpt_sample_leaf(unsigned long pfn, struct gpt_page_sample *s)
{
	struct page *page = gpt_mapped_page(pfn);

	if (!page)
		return;
	gpt_sample_page(page, s);
	s->flags |= GPT_PAGE_HUGE_MAPPED;
}

/*
 * The page a PTE maps, under the PTE lock, the way __pte_offset_map_lock()
 * finds it (which modules cannot call since 6.5, nor follow_pte() on
 * ordinary VMAs since 6.10): under RCU, since khugepaged may retract the
 * PTE table (6.5+, freed after a grace period), read the PMD once, take
 * the lock of the table it points to, and check the PMD still points
 * there; the lock then keeps the table.  x86-64 keeps page tables in the
 * direct map: pte_offset_kernel() reaches any table.
 */
static void gpt_sample_pte(struct mm_struct *mm, pmd_t *pmd,
			   unsigned long addr, struct gpt_page_sample *s)
{
	struct page *page = NULL;
	spinlock_t *ptl;	/* the PTE table's split lock */
	pmd_t pmdv;
	pte_t pte;

	rcu_read_lock();
	pmdv = READ_ONCE(*pmd);
	if (!pmd_present(pmdv) || pmd_trans_huge(pmdv) || pmd_leaf(pmdv) ||
	    gpt_pmd_devmap(pmdv) || pmd_bad(pmdv)) {
		rcu_read_unlock();
		return;
	}
	ptl = pte_lockptr(mm, &pmdv);
	spin_lock(ptl);
	if (!pmd_same(pmdv, READ_ONCE(*pmd))) {
		/* The table went or changed: nothing is mapped by it now. */
		spin_unlock(ptl);
		rcu_read_unlock();
		return;
	}
	rcu_read_unlock();
	pte = ptep_get(pte_offset_kernel(&pmdv, addr));
	/*
	 * As vm_normal_page() sees it: special PTEs have no page to look at,
	 * except the zero page and devmap (fsdax) pages, which are ours.
	 */
	if (pte_present(pte) &&
	    (!pte_special(pte) || is_zero_pfn(pte_pfn(pte)) || gpt_pte_devmap(pte)))
		page = gpt_mapped_page(pte_pfn(pte));
	if (page)
		gpt_sample_page(page, s);
	spin_unlock(ptl);
}

/*
 * The page mapped at @addr: a huge PUD or PMD leaf under the lock hugetlb
 * and THP take for it (page_table_lock for PUDs, the PMD's split lock), or
 * a PTE under its own.  Caller holds mmap_read_lock(mm).
 */
static void gpt_sample_walk(struct mm_struct *mm, unsigned long addr,
			    struct gpt_page_sample *s)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	spinlock_t *ptl;	/* the PMD's split lock, as THP takes it */
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pud_t pudv;
	pmd_t pmdv;
	bool leaf;

	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return;
	pud = pud_offset(p4d, addr);
	pudv = READ_ONCE(*pud);
	if (pud_none(pudv))
		return;
	if (pud_leaf(pudv) || gpt_pud_devmap(pudv)) {
		spin_lock(&mm->page_table_lock);
		pudv = READ_ONCE(*pud);
		if (pud_present(pudv) && pud_leaf(pudv))
			gpt_sample_leaf(pud_pfn(pudv) +
					((addr & ~PUD_MASK) >> PAGE_SHIFT), s);
		spin_unlock(&mm->page_table_lock);
		return;
	}
	if (pud_bad(pudv))
		return;
	/* The table of the PUD value checked, not of a re-read one. */
	pmd = pmd_offset(&pudv, addr);
	pmdv = READ_ONCE(*pmd);
	if (pmd_none(pmdv))
		return;
	if (!pmd_trans_huge(pmdv) && !gpt_pmd_devmap(pmdv) && !pmd_leaf(pmdv)) {
		gpt_sample_pte(mm, pmd, addr, s);
		return;
	}
	/*
	 * Looked like a leaf: whatever it is under the lock (zapped, being
	 * migrated), it is no table to walk now.
	 */
	ptl = pmd_lock(mm, pmd);
	pmdv = READ_ONCE(*pmd);
	leaf = pmd_trans_huge(pmdv) || gpt_pmd_devmap(pmdv) || pmd_leaf(pmdv);
	if (pmd_present(pmdv) && leaf)
		gpt_sample_leaf(pmd_pfn(pmdv) + ((addr & ~PMD_MASK) >> PAGE_SHIFT), s);
	spin_unlock(ptl);
	/* Split meanwhile: the page is mapped by a PTE now. */
	if (pmd_present(pmdv) && !leaf)
		gpt_sample_pte(mm, pmd, addr, s);
}

/* What the VMA is, in GPT_VMA_* bits. */
static u32 gpt_vma_bits(struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;
	u32 bits = GPT_VMA_KNOWN;

	if (vma_is_anonymous(vma))
		bits |= GPT_VMA_ANON;
	if (file)
		bits |= GPT_VMA_FILE;
	/*
	 * vma_is_shmem() is not exported: a regular tmpfs file opened with
	 * its own file operations is one; SysV shm's clone (shm_file_ops,
	 * shm_vm_ops) is not, for vma_is_shmem() either.
	 */
	if (file && S_ISREG(file_inode(file)->i_mode) &&
	    file_inode(file)->i_sb->s_magic == TMPFS_MAGIC &&
	    file->f_op == file_inode(file)->i_fop)
		bits |= GPT_VMA_SHMEM;
	if (is_vm_hugetlb_page(vma))
		bits |= GPT_VMA_HUGETLB;
	if (vma->vm_flags & VM_SHARED)
		bits |= GPT_VMA_SHARED;
	if (vma->vm_flags & VM_WRITE)
		bits |= GPT_VMA_WRITE;
	if (vma->vm_flags & VM_IO)
		bits |= GPT_VMA_IO;
	if (vma->vm_flags & VM_PFNMAP)
		bits |= GPT_VMA_PFNMAP;
	if (vma_is_fsdax(vma))
		bits |= GPT_VMA_FSDAX;
	return bits;
}

/*
 * Sample whatever page is mapped at @addr without faulting one in, taking
 * a reference or touching a flag.  Caller holds mmap_read_lock(mm).
 */
static void gpt_sample_locked(struct mm_struct *mm, unsigned long addr,
			      struct gpt_page_sample *s)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	struct address_space *shared = NULL;
	u32 bits;

	memset(s, 0, sizeof(*s));
	if (!vma)
		return;
	bits = gpt_vma_bits(vma);
	s->vma = bits;
	/* Raw PFN maps have no pages GUP would take: nothing to sample. */
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		return;
	/*
	 * A shared hugetlb mapping may share its PMD table with other
	 * processes; huge_pmd_unshare() clears our PUD under i_mmap_rwsem
	 * only, and the table can then be freed under us (include/linux/
	 * hugetlb.h, hugetlb_walk()): hold it for reading across the walk.
	 */
	if (is_vm_hugetlb_page(vma) && (vma->vm_flags & VM_MAYSHARE))
		shared = vma->vm_file->f_mapping;
	if (shared)
		i_mmap_lock_read(shared);
	gpt_sample_walk(mm, addr, s);
	s->vma = bits;		/* the walk's gpt_sample_page() cleared it */
	if (shared)
		i_mmap_unlock_read(shared);
}

/* Sample @nr pages from @addr into @s[], under one mmap_read_lock(). */
int gpt_sample_range(struct mm_struct *mm, unsigned long addr,
		     unsigned long nr, struct gpt_page_sample *s)
{
	unsigned long i;

	memset(s, 0, nr * sizeof(*s));
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	for (i = 0; i < nr; i++)
		gpt_sample_locked(mm, addr + i * PAGE_SIZE, &s[i]);
	mmap_read_unlock(mm);
	return 0;
}
