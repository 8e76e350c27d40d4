// SPDX-License-Identifier: GPL-2.0
/*
 * The table of GUP paths: every entry point the module can call, how to
 * call it and how to give its pages back.  Everything else is table-driven.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include "gpt.h"
#include "compat.h"

/* Our flags and the FOLL_* bits they stand for on this kernel. */
static const struct {
	u64 flag;
	unsigned int foll;
} gpt_foll_map[] = {
	{ GPT_FLAG_WRITE, FOLL_WRITE },
	{ GPT_FLAG_LONGTERM, FOLL_LONGTERM },
};

static unsigned int gpt_foll_flags(u64 flags)
{
	unsigned int foll = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpt_foll_map); i++)
		if (flags & gpt_foll_map[i].flag)
			foll |= gpt_foll_map[i].foll;
	return foll;
}

static long grab_gup_fast(unsigned long start, unsigned long nr,
			  unsigned int foll, struct page **pages)
{
	return get_user_pages_fast(start, nr, foll, pages);
}

static long grab_pin_fast(unsigned long start, unsigned long nr,
			  unsigned int foll, struct page **pages)
{
	return pin_user_pages_fast(start, nr, foll, pages);
}

static long grab_pin(unsigned long start, unsigned long nr,
		     unsigned int foll, struct page **pages)
{
	return gpt_pin_user_pages(start, nr, foll, pages);
}

static void release_put(struct page **pages, unsigned long nr)
{
	while (nr--)
		put_page(pages[nr]);
}

static void release_unpin(struct page **pages, unsigned long nr)
{
	unpin_user_pages(pages, nr);
}

static const struct gpt_refusal get_refusals[] = {
#if GPT_HAVE_GET_LONGTERM_WARN
	{ GPT_FLAG_LONGTERM, GPT_REASON_GET_LONGTERM },
#endif
	{ 0, 0 },
};

static const struct gpt_refusal pin_refusals[] = {
	{ 0, 0 },
};

const struct gpt_path_desc gpt_paths[] = {
	{
		.id = GPT_PATH_GUP_FAST,
		.name = "gup-fast",
		.function = "get_user_pages_fast",
		.pins = false,
		.locked = false,
		.grab = grab_gup_fast,
		.release = release_put,
		.refusals = get_refusals,
	},
	{
		.id = GPT_PATH_PIN_FAST,
		.name = "pin-fast",
		.function = "pin_user_pages_fast",
		.pins = true,
		.locked = false,
		.grab = grab_pin_fast,
		.release = release_unpin,
		.refusals = pin_refusals,
	},
	{
		.id = GPT_PATH_PIN,
		.name = "pin",
		.function = "pin_user_pages",
		.pins = true,
		.locked = true,
		.grab = grab_pin,
		.release = release_unpin,
		.refusals = pin_refusals,
	},
};

const unsigned int gpt_nr_paths = ARRAY_SIZE(gpt_paths);

const struct gpt_path_desc *gpt_path_find(u32 id)
{
	unsigned int i;

	for (i = 0; i < gpt_nr_paths; i++)
		if (gpt_paths[i].id == id)
			return &gpt_paths[i];
	return NULL;
}

/* Why @path refuses @flags here, or GPT_REASON_NONE. */
u32 gpt_path_refusal(const struct gpt_path_desc *path, u64 flags)
{
	const struct gpt_refusal *r;

	for (r = path->refusals; r->flag; r++)
		if (flags & r->flag)
			return r->reason;
	return GPT_REASON_NONE;
}

long gpt_path_grab(const struct gpt_path_desc *path, unsigned long start,
		   unsigned long nr, u64 flags, struct page **pages)
{
	unsigned int foll = gpt_foll_flags(flags);
	long ret;

	if (!path->locked)
		return path->grab(start, nr, foll, pages);

	if (mmap_read_lock_killable(current->mm))
		return -EINTR;
	ret = path->grab(start, nr, foll, pages);
	mmap_read_unlock(current->mm);
	return ret;
}
