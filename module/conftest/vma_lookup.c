// SPDX-License-Identifier: GPL-2.0
/* GPT_HAVE_VMA_LOOKUP: vma_lookup() (5.14). */
#include <linux/mm.h>

bool gpt_probe(struct mm_struct *mm);
bool gpt_probe(struct mm_struct *mm)
{
	return vma_lookup(mm, 0);
}
