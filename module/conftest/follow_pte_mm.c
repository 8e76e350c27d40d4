// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FOLLOW_PTE_MM: follow_pte(mm, addr, &ptep, &ptl), exported for
 * modules since 5.12 (and in 5.10.y stable); takes the VMA from 6.10.
 */
#include <linux/mm.h>

int gpt_probe(struct mm_struct *mm, unsigned long addr);
int gpt_probe(struct mm_struct *mm, unsigned long addr)
{
	spinlock_t *ptl;	/* returned locked */
	pte_t *ptep;

	return follow_pte(mm, addr, &ptep, &ptl);
}
