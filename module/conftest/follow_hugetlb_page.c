// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FOLLOW_HUGETLB_PAGE: GUP walks hugetlb VMAs with
 * follow_hugetlb_page() (until 6.9; follow_page_mask() after).
 */
#include <linux/hugetlb.h>

void *gpt_probe(void);
void *gpt_probe(void)
{
	return follow_hugetlb_page;
}
