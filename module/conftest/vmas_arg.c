// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_VMAS_ARG: get_user_pages() and pin_user_pages() take a vmas
 * array as their last argument (until 6.5).
 */
#include <linux/mm.h>

long gpt_probe(struct page **pages);
long gpt_probe(struct page **pages)
{
	return get_user_pages(0, 1, 0, pages, NULL) +
	       pin_user_pages(0, 1, 0, pages, NULL);
}
