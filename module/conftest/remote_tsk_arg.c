// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_REMOTE_TSK_ARG: get_user_pages_remote() and
 * pin_user_pages_remote() take a task_struct first (until 5.9).
 */
#include <linux/mm.h>
#include <linux/sched.h>

long gpt_probe(struct mm_struct *mm, struct page **pages);
long gpt_probe(struct mm_struct *mm, struct page **pages)
{
	return get_user_pages_remote(current, mm, 0, 1, 0, pages, NULL, NULL) +
	       pin_user_pages_remote(current, mm, 0, 1, 0, pages, NULL, NULL);
}
