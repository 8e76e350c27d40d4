// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FOLLOW_PTE_VMA: follow_pte(vma, addr, &ptep, &ptl), 6.10 and
 * 6.11; 6.12 replaced it with follow_pfnmap_start(), for PFN maps only.
 */
#include <linux/mm.h>

int gpt_probe(struct vm_area_struct *vma, unsigned long addr);
int gpt_probe(struct vm_area_struct *vma, unsigned long addr)
{
	spinlock_t *ptl;	/* returned locked */
	pte_t *ptep;

	return follow_pte(vma, addr, &ptep, &ptl);
}
