// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_REMOTE_VMAS_ARG: get_user_pages_remote() and
 * pin_user_pages_remote() are (mm, start, nr, flags, pages, vmas, locked):
 * from 5.9, which dropped the task argument, until 6.5, which dropped vmas.
 */
#include <linux/mm.h>

long gpt_probe(struct mm_struct *mm, struct page **pages, int *locked);
long gpt_probe(struct mm_struct *mm, struct page **pages, int *locked)
{
	return get_user_pages_remote(mm, 0, 1, 0, pages, NULL, locked) +
	       pin_user_pages_remote(mm, 0, 1, 0, pages, NULL, locked);
}
