/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared by the files of gup_pin_test.ko. */
#ifndef GPT_H
#define GPT_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include "gup_pin_test.h"

/* A flag of ours that a path refuses on this kernel, and why. */
struct gpt_refusal {
	u64 flag;
	u32 reason;
};

/*
 * One GUP entry point.  grab() returns what the kernel function returned;
 * release() gives back pages that grab() took.
 */
struct gpt_path_desc {
	u32 id;
	const char *name;
	const char *function;
	bool pins;		/* FOLL_PIN (pin_*) rather than FOLL_GET */
	bool locked;		/* called under mmap_read_lock() */
	long (*grab)(unsigned long start, unsigned long nr, unsigned int foll,
		     struct page **pages);
	void (*release)(struct page **pages, unsigned long nr);
	const struct gpt_refusal *refusals;	/* ends with flag == 0 */
};

extern const struct gpt_path_desc gpt_paths[];
extern const unsigned int gpt_nr_paths;

const struct gpt_path_desc *gpt_path_find(u32 id);
u32 gpt_path_refusal(const struct gpt_path_desc *path, u64 flags);
long gpt_path_grab(const struct gpt_path_desc *path, unsigned long start,
		   unsigned long nr, u64 flags, struct page **pages);

struct gpt_vmstat {
	long acquired;
	long released;
};

void gpt_vmstat_read(struct gpt_vmstat *v);
void gpt_vmstat_delta(const struct gpt_vmstat *from,
		      const struct gpt_vmstat *to, struct gpt_vmstat_delta *d);
void gpt_sample_page(struct page *page, int own_refs,
		     struct gpt_page_sample *s);
void gpt_sample_addr(unsigned long addr, struct gpt_page_sample *s);

long gpt_ioctl_info(void __user *uarg);
long gpt_ioctl_pin(void __user *uarg);

extern unsigned int gpt_max_pages;

#endif /* GPT_H */
