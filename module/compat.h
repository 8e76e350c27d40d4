/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows how the kernel API differs between versions
 * (5.10 to mainline).  Everything else in the module calls these wrappers
 * and tests these GPT_HAVE_* macros, never LINUX_VERSION_CODE.
 *
 * The facts come from build-time probes, not version numbers: Kbuild
 * compiles each conftest/NAME.c against the target kernel's headers with
 * its own flags (conftest.mk), and generated/gpt_conftest.h says which
 * ones compiled.  Below, each answer becomes GPT_HAVE_NAME 0 or 1 (usable
 * with #if and IS_ENABLED()), and the wrappers pick the right call.
 */
#ifndef GPT_COMPAT_H
#define GPT_COMPAT_H

#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/user.h>
#include "generated/gpt_conftest.h"

/*
 * 64-bit only: the uapi's addresses and handles are u64 and the module
 * reads pages through the direct map where kmap_local_page() is missing.
 */
#ifndef CONFIG_64BIT
#error "gup_pin_test supports 64-bit kernels only"
#endif

/* The probe answers, as 0 or 1.  Keep one line per conftest/NAME.c. */
#ifndef GPT_HAVE_VMAS_ARG
#define GPT_HAVE_VMAS_ARG 0
#endif
#ifndef GPT_HAVE_REMOTE_TSK_ARG
#define GPT_HAVE_REMOTE_TSK_ARG 0
#endif
#ifndef GPT_HAVE_REMOTE_VMAS_ARG
#define GPT_HAVE_REMOTE_VMAS_ARG 0
#endif
#ifndef GPT_HAVE_MMAP_READ_LOCK
#define GPT_HAVE_MMAP_READ_LOCK 0
#endif
#ifndef GPT_HAVE_FOLL_ENUM
#define GPT_HAVE_FOLL_ENUM 0
#endif
#ifndef GPT_HAVE_PIN_USER_PAGES_FAST_ONLY
#define GPT_HAVE_PIN_USER_PAGES_FAST_ONLY 0
#endif
#ifndef GPT_HAVE_FOLIO_MAYBE_DMA_PINNED
#define GPT_HAVE_FOLIO_MAYBE_DMA_PINNED 0
#endif
#ifndef GPT_HAVE_PAGE_MAYBE_DMA_PINNED
#define GPT_HAVE_PAGE_MAYBE_DMA_PINNED 0
#endif
#ifndef GPT_HAVE_GUP_ARGS_CHECKED
#define GPT_HAVE_GUP_ARGS_CHECKED 0
#endif
#ifndef GPT_HAVE_FILE_LONGTERM_REFUSED
#define GPT_HAVE_FILE_LONGTERM_REFUSED 0
#endif
#ifndef GPT_HAVE_FOLIO
#define GPT_HAVE_FOLIO 0
#endif
#ifndef GPT_HAVE_USER_LOCKED_VM
#define GPT_HAVE_USER_LOCKED_VM 0
#endif
#ifndef GPT_HAVE_FOLIO_PINCOUNT_PTR
#define GPT_HAVE_FOLIO_PINCOUNT_PTR 0
#endif
#ifndef GPT_HAVE_FOLIO_PINCOUNT_FIELD
#define GPT_HAVE_FOLIO_PINCOUNT_FIELD 0
#endif
#ifndef GPT_HAVE_VMA_LOOKUP
#define GPT_HAVE_VMA_LOOKUP 0
#endif
#ifndef GPT_HAVE_FOLL_NOFAULT
#define GPT_HAVE_FOLL_NOFAULT 0
#endif
#ifndef GPT_HAVE_IS_ZERO_PAGE
#define GPT_HAVE_IS_ZERO_PAGE 0
#endif
#ifndef GPT_HAVE_PAGE_MAPCOUNT
#define GPT_HAVE_PAGE_MAPCOUNT 0
#endif
#ifndef GPT_HAVE_PMD_DEVMAP
#define GPT_HAVE_PMD_DEVMAP 0
#endif
#ifndef GPT_HAVE_KMAP_LOCAL_PAGE
#define GPT_HAVE_KMAP_LOCAL_PAGE 0
#endif
#ifndef GPT_HAVE_FOLIO_TEST_KSM
#define GPT_HAVE_FOLIO_TEST_KSM 0
#endif
#ifndef GPT_HAVE_FOLIO_IS_LONGTERM_PINNABLE
#define GPT_HAVE_FOLIO_IS_LONGTERM_PINNABLE 0
#endif
#ifndef GPT_HAVE_FOLIO_LRU_FLAGS
#define GPT_HAVE_FOLIO_LRU_FLAGS 0
#endif
#ifndef GPT_HAVE_FOLLOW_HUGETLB_PAGE
#define GPT_HAVE_FOLLOW_HUGETLB_PAGE 0
#endif

/*
 * A long-term pin of a hugetlb page that is not long-term pinnable (in
 * ZONE_MOVABLE or CMA) WARNs where GUP walks hugetlb with
 * follow_hugetlb_page() and try_grab_folio() refuses such a page under
 * FOLL_LONGTERM: follow_hugetlb_page() says it "should always succeed" and
 * WARN_ON_ONCE()s (seen on Debian's 6.1; GUP-fast falls back to it).
 * From 6.10 hugetlb goes through follow_page_mask() and the page is
 * migrated instead; 5.10's follow_hugetlb_page() takes pages with
 * try_grab_page(), which does not look.  (5.17 to 5.19, with
 * try_grab_compound_head()'s is_pinnable_page() check and no
 * folio_is_longterm_pinnable(), escape this probe; none is supported.)
 * The module refuses such a request itself (GPT_REASON_HUGETLB_LONGTERM).
 */
#define GPT_HAVE_HUGETLB_LONGTERM_WARN \
	(GPT_HAVE_FOLLOW_HUGETLB_PAGE && GPT_HAVE_FOLIO_IS_LONGTERM_PINNABLE)

/*
 * get_user_pages*() with FOLL_LONGTERM returns -EINVAL behind a
 * WARN_ON_ONCE() on every supported kernel: is_valid_gup_flags() (5.10 to
 * 6.2), is_valid_gup_args() from 6.3.  The module refuses the combination
 * itself.
 */
#define GPT_HAVE_GET_LONGTERM_WARN	1

/*
 * get_user_pages_unlocked() WARNs on FOLL_LONGTERM (it may drop the mmap
 * lock, and the fsdax check needs the VMA) until is_valid_gup_args() (6.3)
 * lets FOLL_PIN callers through; pin_user_pages_unlocked() goes through it.
 */
#define GPT_HAVE_UNLOCKED_LONGTERM_WARN	(!GPT_HAVE_GUP_ARGS_CHECKED)

/*
 * get_user_pages_fast_only() checks no flags before 6.3 (FOLL_LONGTERM
 * with FOLL_GET passes); is_valid_gup_args() WARNs on it from 6.3.
 */
#define GPT_HAVE_GET_FAST_ONLY_LONGTERM_WARN	GPT_HAVE_GUP_ARGS_CHECKED

/*
 * GPT_HAVE_PIN_USER_PAGES_FAST_ONLY (5.8 to 6.2) and
 * GPT_HAVE_FILE_LONGTERM_REFUSED (6.5: long-term writable pins of file
 * mappings that need dirty tracking fail with -EFAULT) are probe answers.
 */

/*
 * The user's locked_vm (AF_XDP's and io_uring's RLIMIT_MEMLOCK count), or
 * NULL where struct user_struct has none (GPT_HAVE_USER_LOCKED_VM).
 */
static inline atomic_long_t *gpt_user_locked_vm(struct user_struct *user)
{
#if GPT_HAVE_USER_LOCKED_VM
	return &user->locked_vm;
#else
	return NULL;
#endif
}

#if !GPT_HAVE_MMAP_READ_LOCK
/* Before the mmap_lock API (5.8): the same lock, by its old name. */
static inline void mmap_read_lock(struct mm_struct *mm)
{
	down_read(&mm->mmap_sem);
}

static inline int mmap_read_lock_killable(struct mm_struct *mm)
{
	return down_read_killable(&mm->mmap_sem);
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_sem);
}
#endif

#if !GPT_HAVE_VMA_LOOKUP
/* vma_lookup() (5.14): the VMA containing @addr, or NULL. */
static inline struct vm_area_struct *vma_lookup(struct mm_struct *mm,
						unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (vma && addr < vma->vm_start)
		vma = NULL;
	return vma;
}
#endif

#if !GPT_HAVE_IS_ZERO_PAGE
static inline bool is_zero_page(const struct page *page)
{
	return is_zero_pfn(page_to_pfn(page));
}
#endif

#if GPT_HAVE_FOLIO
static inline struct page *gpt_folio_head(struct folio *folio)
{
	return &folio->page;
}
#else
/*
 * No folios before 5.16.  Stand in with the compound head page, behind an
 * opaque struct folio so that the code above reads the same everywhere.
 */
struct folio;

static inline struct page *gpt_folio_head(struct folio *folio)
{
	return (struct page *)folio;
}

static inline struct folio *page_folio(struct page *page)
{
	return (struct folio *)compound_head(page);
}

static inline int folio_ref_count(struct folio *folio)
{
	return page_ref_count(gpt_folio_head(folio));
}

static inline unsigned int folio_order(struct folio *folio)
{
	return compound_order(gpt_folio_head(folio));
}

static inline bool folio_test_large(struct folio *folio)
{
	return PageCompound(gpt_folio_head(folio));
}
#endif

#if !GPT_HAVE_FOLIO_MAYBE_DMA_PINNED
#if !GPT_HAVE_PAGE_MAYBE_DMA_PINNED
#error "neither folio_maybe_dma_pinned() nor page_maybe_dma_pinned()"
#endif
static inline bool folio_maybe_dma_pinned(struct folio *folio)
{
	return page_maybe_dma_pinned(gpt_folio_head(folio));
}
#endif

/*
 * A large folio's pin count: folio_pincount_ptr() in 6.1, folio->_pincount
 * from 6.2.  Before folio_pincount_ptr(), compound_pincount lives in the
 * third page, so a two-page compound page has none (report 0).
 */
static inline long gpt_folio_pincount(struct folio *folio)
{
#if GPT_HAVE_FOLIO_PINCOUNT_PTR
	return atomic_read(folio_pincount_ptr(folio));
#elif GPT_HAVE_FOLIO_PINCOUNT_FIELD
	return atomic_read(&folio->_pincount);
#else
	struct page *head = gpt_folio_head(folio);

	if (compound_order(head) < 2)
		return 0;
	return atomic_read(compound_pincount_ptr(head));
#endif
}

/* get_user_pages() and pin_user_pages() take a vmas array until 6.5. */
static inline long gpt_get_user_pages(unsigned long start, unsigned long nr,
				      unsigned int foll, struct page **pages)
{
#if GPT_HAVE_VMAS_ARG
	return get_user_pages(start, nr, foll, pages, NULL);
#else
	return get_user_pages(start, nr, foll, pages);
#endif
}

static inline long gpt_pin_user_pages(unsigned long start, unsigned long nr,
				      unsigned int foll, struct page **pages)
{
#if GPT_HAVE_VMAS_ARG
	return pin_user_pages(start, nr, foll, pages, NULL);
#else
	return pin_user_pages(start, nr, foll, pages);
#endif
}

/*
 * The *_remote() calls: (tsk, mm, ..., vmas, locked) until 5.9,
 * (mm, ..., vmas, locked) until 6.5, then (mm, ..., pages, locked).
 * locked == NULL: the caller holds the mmap lock and keeps it.
 */
static inline long gpt_get_user_pages_remote(struct mm_struct *mm,
					     unsigned long start,
					     unsigned long nr,
					     unsigned int foll,
					     struct page **pages)
{
#if GPT_HAVE_REMOTE_TSK_ARG
	return get_user_pages_remote(NULL, mm, start, nr, foll, pages, NULL,
				     NULL);
#elif GPT_HAVE_REMOTE_VMAS_ARG
	return get_user_pages_remote(mm, start, nr, foll, pages, NULL, NULL);
#else
	return get_user_pages_remote(mm, start, nr, foll, pages, NULL);
#endif
}

static inline long gpt_pin_user_pages_remote(struct mm_struct *mm,
					     unsigned long start,
					     unsigned long nr,
					     unsigned int foll,
					     struct page **pages)
{
#if GPT_HAVE_REMOTE_TSK_ARG
	return pin_user_pages_remote(NULL, mm, start, nr, foll, pages, NULL,
				     NULL);
#elif GPT_HAVE_REMOTE_VMAS_ARG
	return pin_user_pages_remote(mm, start, nr, foll, pages, NULL, NULL);
#else
	return pin_user_pages_remote(mm, start, nr, foll, pages, NULL);
#endif
}

/*
 * Folio flag tests, lock and zone (5.16); the head page's before.  Wrapped
 * under our own names so that no kernel name is ever defined twice.
 */
#if GPT_HAVE_FOLIO_LRU_FLAGS
#define GPT_FOLIO_TEST(name, pagetest)					\
static inline bool gpt_folio_test_##name(struct folio *folio)		\
{									\
	return folio_test_##name(folio);				\
}
#else
#define GPT_FOLIO_TEST(name, pagetest)					\
static inline bool gpt_folio_test_##name(struct folio *folio)		\
{									\
	return pagetest(gpt_folio_head(folio));				\
}
#endif
GPT_FOLIO_TEST(lru, PageLRU)
GPT_FOLIO_TEST(active, PageActive)
GPT_FOLIO_TEST(referenced, PageReferenced)
GPT_FOLIO_TEST(dirty, PageDirty)
GPT_FOLIO_TEST(hugetlb, PageHuge)
GPT_FOLIO_TEST(anon, PageAnon)

static inline void gpt_folio_lock(struct folio *folio)
{
#if GPT_HAVE_FOLIO_LRU_FLAGS
	folio_lock(folio);
#else
	lock_page(gpt_folio_head(folio));
#endif
}

static inline void gpt_folio_unlock(struct folio *folio)
{
#if GPT_HAVE_FOLIO_LRU_FLAGS
	folio_unlock(folio);
#else
	unlock_page(gpt_folio_head(folio));
#endif
}

static inline enum zone_type gpt_folio_zonenum(struct folio *folio)
{
	return page_zonenum(gpt_folio_head(folio));
}

static inline struct address_space *gpt_folio_mapping(struct folio *folio)
{
	return READ_ONCE(gpt_folio_head(folio)->mapping);
}

/* KSM folios: folio_test_ksm(), PageKsm() before it. */
static inline bool gpt_folio_test_ksm(struct folio *folio)
{
#if GPT_HAVE_FOLIO_TEST_KSM
	return folio_test_ksm(folio);
#else
	return PageKsm(gpt_folio_head(folio));
#endif
}

/*
 * folio_is_longterm_pinnable() (6.0).  With CONFIG_CMA it reads the
 * pageblock's migratetype through get_pfnblock_migratetype(), which is not
 * exported (modpost fails; Debian 7.2 sets CMA).  There, and before 6.0,
 * the zone alone decides (GPT_PINNABLE_BY_ZONE): CMA pageblocks, also
 * refused, are not told apart.
 */
#if GPT_HAVE_FOLIO_IS_LONGTERM_PINNABLE && !IS_ENABLED(CONFIG_CMA)
#define GPT_PINNABLE_BY_ZONE	0
static inline bool gpt_folio_longterm_pinnable(struct folio *folio)
{
	return folio_is_longterm_pinnable(folio);
}
#else
#define GPT_PINNABLE_BY_ZONE	1
static inline bool gpt_folio_longterm_pinnable(struct folio *folio)
{
	return is_zero_page(gpt_folio_head(folio)) ||
	       gpt_folio_zonenum(folio) != ZONE_MOVABLE;
}
#endif

/* page_mapcount() until 6.12; then only the folio's count exists. */
static inline int gpt_page_mapcount(struct page *page)
{
#if GPT_HAVE_PAGE_MAPCOUNT
	return page_mapcount(page);
#else
	return folio_mapcount(page_folio(page));
#endif
}

/* The devmap PTE bit is gone in 6.17: nothing is devmap there. */
#if GPT_HAVE_PMD_DEVMAP
#define gpt_pte_devmap(pte)	pte_devmap(pte)
#define gpt_pmd_devmap(pmd)	pmd_devmap(pmd)
#define gpt_pud_devmap(pud)	pud_devmap(pud)
#else
#define gpt_pte_devmap(pte)	false
#define gpt_pmd_devmap(pmd)	false
#define gpt_pud_devmap(pud)	false
#endif

/*
 * A short-lived kernel mapping of a page: kmap_local_page() from 5.11.
 * Before it, the direct map: highmem does not exist on 64-bit kernels,
 * the only ones with memory to pin through fsdax and THP anyway.
 */
static inline void *gpt_kmap(struct page *page)
{
#if GPT_HAVE_KMAP_LOCAL_PAGE
	return kmap_local_page(page);
#else
	return page_address(page);
#endif
}

static inline void gpt_kunmap(void *addr)
{
#if GPT_HAVE_KMAP_LOCAL_PAGE
	kunmap_local(addr);
#endif
}

/* memfd_secret()'s filesystem (5.14); the uapi value, where it is missing. */
#ifndef SECRETMEM_MAGIC
#define SECRETMEM_MAGIC		0x5345434d
#endif
/* The low bits of ->mapping that make it no address_space: renamed in 7.x. */
#ifndef PAGE_MAPPING_FLAGS
#define PAGE_MAPPING_FLAGS	FOLIO_MAPPING_FLAGS
#endif
#ifndef DAXFS_MAGIC
#define DAXFS_MAGIC		0x64646178
#endif

#endif /* GPT_COMPAT_H */
