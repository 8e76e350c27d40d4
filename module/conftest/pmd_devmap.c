// SPDX-License-Identifier: GPL-2.0
/* GPT_HAVE_PMD_DEVMAP: pmd_devmap() and pud_devmap() (the devmap bit, gone in 6.17). */
#include <linux/mm.h>

int gpt_probe(pmd_t pmd, pud_t pud);
int gpt_probe(pmd_t pmd, pud_t pud)
{
	return pmd_devmap(pmd) + pud_devmap(pud);
}
