// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_MMAP_READ_LOCK: the mmap_read_lock() API (5.8, and backported
 * to some 5.4.y), rather than down_read(&mm->mmap_sem).
 */
#include <linux/mm.h>

int gpt_probe(struct mm_struct *mm);
int gpt_probe(struct mm_struct *mm)
{
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	mmap_read_unlock(mm);
	mmap_read_lock(mm);
	mmap_read_unlock(mm);
	return 0;
}
