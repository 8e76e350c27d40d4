// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FILE_LONGTERM_REFUSED: FOLL_LONGTERM | FOLL_WRITE pins of file
 * mappings that need dirty tracking (ext4, xfs; not shmem or hugetlb) are
 * refused with -EFAULT (writable_file_mapping_allowed(), 6.5).
 *
 * That check is static in mm/gup.c.  This probes a header-visible change
 * of the same release and author instead: the *_remote() calls lost their
 * vmas argument, leaving (mm, start, nr, flags, pages, locked).
 */
#include <linux/mm.h>

long gpt_probe(struct mm_struct *mm, struct page **pages, int *locked);
long gpt_probe(struct mm_struct *mm, struct page **pages, int *locked)
{
	return get_user_pages_remote(mm, 0, 1, 0, pages, locked) +
	       pin_user_pages_remote(mm, 0, 1, 0, pages, locked);
}
