/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared by the files of gup_pin_test.ko. */
#ifndef GPT_H
#define GPT_H

#include <linux/bits.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include "gup_pin_test.h"

/* Classes of GUP paths (struct gpt_path_desc.class). */
#define GPT_PC_GET		BIT(0)	/* FOLL_GET: get_user_pages*() */
#define GPT_PC_PIN		BIT(1)	/* FOLL_PIN: pin_user_pages*() */
#define GPT_PC_FAST		BIT(2)	/* GUP-fast first */
#define GPT_PC_FAST_ONLY	BIT(3)	/* GUP-fast and nothing else */
#define GPT_PC_LOCKED		BIT(4)	/* called under mmap_read_lock() */
#define GPT_PC_UNLOCKED		BIT(5)	/* takes mmap_lock itself, may drop it */
#define GPT_PC_REMOTE		BIT(6)	/* on the mm of gpt_pin.pid */

/*
 * One GUP entry point.  grab() returns what the kernel function returned
 * (NULL: not in this kernel); release() gives back pages grab() took.
 * Only remote paths use @mm; the others work on current->mm.
 */
struct gpt_path_desc {
	u32 id;
	const char *name;
	const char *function;
	u32 class;		/* GPT_PC_* */
	long (*grab)(struct mm_struct *mm, unsigned long start,
		     unsigned long nr, unsigned int foll, struct page **pages);
	void (*release)(struct page **pages, unsigned long nr, bool dirty);
};

extern const struct gpt_path_desc gpt_paths[];
extern const unsigned int gpt_nr_paths;

const struct gpt_path_desc *gpt_path_find(u32 id);
u32 gpt_path_unavailable(const struct gpt_path_desc *path);
u32 gpt_path_refusal(const struct gpt_path_desc *path, u64 flags);
long gpt_path_grab(const struct gpt_path_desc *path, struct mm_struct *mm,
		   unsigned long start, unsigned long nr, u64 flags,
		   struct page **pages);

/* Pages held under a handle, owned by one open file. */
struct gpt_hold {
	u64 handle;
	const struct gpt_path_desc *path;
	u64 flags;		/* the PIN request's GPT_FLAG_* */
	u64 addr;
	unsigned long nr;
	struct page **pages;
};

/* Per open file of /dev/gup_test. */
struct gpt_file {
	struct mutex lock;	/* protects everything below */
	struct xarray holds;	/* handle -> struct gpt_hold */
	u64 next_handle;
	unsigned long held_pages;	/* counted against gpt_max_held_pages */
};

struct gpt_vmstat {
	long acquired;
	long released;
};

void gpt_vmstat_read(struct gpt_vmstat *v);
void gpt_vmstat_delta(const struct gpt_vmstat *from,
		      const struct gpt_vmstat *to, struct gpt_vmstat_delta *d);
void gpt_sample_page(struct page *page, int own_refs,
		     struct gpt_page_sample *s);
void gpt_sample_addr(struct mm_struct *mm, unsigned long addr,
		     struct gpt_page_sample *s);
void gpt_page_record(struct page *page, struct gpt_page_record *rec);

int gpt_hold_reserve(struct gpt_file *gf, unsigned long nr);
void gpt_hold_unreserve(struct gpt_file *gf, unsigned long nr);
int gpt_hold_add(struct gpt_file *gf, struct gpt_hold *hold);
void gpt_holds_release_all(struct gpt_file *gf);

/* Fail an ioctl with @err, saying @reason in the caller's result. */
static inline long gpt_fail(u32 __user *ureason, u32 reason, long err)
{
	if (put_user(reason, ureason))
		return -EFAULT;
	return err;
}

long gpt_ioctl_info(void __user *uarg);
long gpt_ioctl_pin(struct gpt_file *gf, void __user *uarg);
long gpt_ioctl_unpin(struct gpt_file *gf, void __user *uarg);
long gpt_ioctl_query(struct gpt_file *gf, void __user *uarg);
long gpt_ioctl_rw(struct gpt_file *gf, void __user *uarg, bool write);

extern unsigned int gpt_max_pages;
extern unsigned int gpt_max_held_pages;

#endif /* GPT_H */
