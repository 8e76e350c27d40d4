/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows how the GUP API differs between kernels.
 * Everything else in the module calls these wrappers and tests these
 * GPT_HAVE_* macros, never LINUX_VERSION_CODE.
 *
 * Written for the 6.1 API (Debian bookworm); the build-time probes that
 * choose between API generations for other kernels will feed this file.
 */
#ifndef GPT_COMPAT_H
#define GPT_COMPAT_H

#include <linux/mm.h>

/*
 * get_user_pages*() with FOLL_LONGTERM returns -EINVAL behind a
 * WARN_ON_ONCE(): is_valid_gup_flags() in 6.1, is_valid_gup_args() from
 * 6.3.  The module refuses the combination itself.
 */
#define GPT_HAVE_GET_LONGTERM_WARN	1

/*
 * get_user_pages_unlocked() WARNs on FOLL_LONGTERM (it may drop the mmap
 * lock, and the fsdax check needs the VMA) until is_valid_gup_args() (6.3)
 * lets FOLL_PIN callers through; pin_user_pages_unlocked() goes through it.
 */
#define GPT_HAVE_UNLOCKED_LONGTERM_WARN	1

/*
 * get_user_pages_fast_only() checks no flags in 6.1 (FOLL_LONGTERM with
 * FOLL_GET passes); is_valid_gup_args() WARNs on it from 6.3.
 */
#define GPT_HAVE_GET_FAST_ONLY_LONGTERM_WARN	0

/* pin_user_pages_fast_only(): 5.8 to 6.2. */
#define GPT_HAVE_PIN_USER_PAGES_FAST_ONLY	1

/* get_user_pages() and pin_user_pages() take a vmas array until 6.5. */
static inline long gpt_get_user_pages(unsigned long start, unsigned long nr,
				      unsigned int foll, struct page **pages)
{
	return get_user_pages(start, nr, foll, pages, NULL);
}

static inline long gpt_pin_user_pages(unsigned long start, unsigned long nr,
				      unsigned int foll, struct page **pages)
{
	return pin_user_pages(start, nr, foll, pages, NULL);
}

/* The *_remote() calls take (..., vmas, locked) from 5.9 until 6.5. */
static inline long gpt_get_user_pages_remote(struct mm_struct *mm,
					     unsigned long start,
					     unsigned long nr,
					     unsigned int foll,
					     struct page **pages)
{
	return get_user_pages_remote(mm, start, nr, foll, pages, NULL, NULL);
}

static inline long gpt_pin_user_pages_remote(struct mm_struct *mm,
					     unsigned long start,
					     unsigned long nr,
					     unsigned int foll,
					     struct page **pages)
{
	return pin_user_pages_remote(mm, start, nr, foll, pages, NULL, NULL);
}

/* Large folios keep their pin count in the first tail page until 6.2. */
static inline long gpt_folio_pincount(struct folio *folio)
{
	return atomic_read(folio_pincount_ptr(folio));
}

/* KSM folios: folio_test_ksm() since 6.1 (PageKsm() before). */
static inline bool gpt_folio_test_ksm(struct folio *folio)
{
	return folio_test_ksm(folio);
}

/*
 * The PMD mapping @addr in @mm, read once: 0, -ENOENT if a level above is
 * missing, -EAGAIN if a huge PUD maps it.  Caller holds mmap_read_lock(mm).
 */
static inline int gpt_pmd_lookup(struct mm_struct *mm, unsigned long addr,
				 pmd_t *pmdp)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;
	pud_t pudval;

	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return -ENOENT;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return -ENOENT;
	pud = pud_offset(p4d, addr);
	pudval = READ_ONCE(*pud);
	if (pud_none(pudval))
		return -ENOENT;
	if (pud_leaf(pudval) || pud_devmap(pudval))
		return -EAGAIN;
	if (pud_bad(pudval))
		return -ENOENT;
	*pmdp = READ_ONCE(*pmd_offset(pud, addr));
	return 0;
}

#endif /* GPT_COMPAT_H */
