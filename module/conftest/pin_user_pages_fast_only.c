// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_PIN_USER_PAGES_FAST_ONLY: pin_user_pages_fast_only() exists
 * (5.8 to 6.2; 6.3 removed it).
 */
#include <linux/mm.h>

int gpt_probe(struct page **pages);
int gpt_probe(struct page **pages)
{
	return pin_user_pages_fast_only(0, 1, 0, pages);
}
