// SPDX-License-Identifier: GPL-2.0
/*
 * The table of GUP paths: every entry point the module can call, how to
 * call it, which of our flags the running kernel lets it take, and how to
 * give its pages back.  Everything else is table-driven.
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
	{ GPT_FLAG_FORCE, FOLL_FORCE },
#if GPT_HAVE_FOLL_NOFAULT
	{ GPT_FLAG_NOFAULT, FOLL_NOFAULT },
#endif
	{ GPT_FLAG_NOWAIT, FOLL_NOWAIT },
	{ GPT_FLAG_ANON, FOLL_ANON },
};

unsigned int gpt_foll_flags(u64 flags)
{
	unsigned int foll = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpt_foll_map); i++)
		if (flags & gpt_foll_map[i].flag)
			foll |= gpt_foll_map[i].foll;
	return foll;
}

static long grab_gup_fast(struct mm_struct *mm, unsigned long start,
			  unsigned long nr, unsigned int foll,
			  struct page **pages)
{
	return get_user_pages_fast(start, nr, foll, pages);
}

static long grab_gup_fast_only(struct mm_struct *mm, unsigned long start,
			       unsigned long nr, unsigned int foll,
			       struct page **pages)
{
	return get_user_pages_fast_only(start, nr, foll, pages);
}

static long grab_gup(struct mm_struct *mm, unsigned long start,
		     unsigned long nr, unsigned int foll, struct page **pages)
{
	return gpt_get_user_pages(start, nr, foll, pages);
}

static long grab_gup_unlocked(struct mm_struct *mm, unsigned long start,
			      unsigned long nr, unsigned int foll,
			      struct page **pages)
{
	return get_user_pages_unlocked(start, nr, pages, foll);
}

static long grab_gup_remote(struct mm_struct *mm, unsigned long start,
			    unsigned long nr, unsigned int foll,
			    struct page **pages)
{
	return gpt_get_user_pages_remote(mm, start, nr, foll, pages);
}

static long grab_pin_fast(struct mm_struct *mm, unsigned long start,
			  unsigned long nr, unsigned int foll,
			  struct page **pages)
{
	return pin_user_pages_fast(start, nr, foll, pages);
}

#if GPT_HAVE_PIN_USER_PAGES_FAST_ONLY
static long grab_pin_fast_only(struct mm_struct *mm, unsigned long start,
			       unsigned long nr, unsigned int foll,
			       struct page **pages)
{
	return pin_user_pages_fast_only(start, nr, foll, pages);
}
#else
#define grab_pin_fast_only NULL
#endif

static long grab_pin(struct mm_struct *mm, unsigned long start,
		     unsigned long nr, unsigned int foll, struct page **pages)
{
	return gpt_pin_user_pages(start, nr, foll, pages);
}

static long grab_pin_unlocked(struct mm_struct *mm, unsigned long start,
			      unsigned long nr, unsigned int foll,
			      struct page **pages)
{
	return pin_user_pages_unlocked(start, nr, pages, foll);
}

static long grab_pin_remote(struct mm_struct *mm, unsigned long start,
			    unsigned long nr, unsigned int foll,
			    struct page **pages)
{
	return gpt_pin_user_pages_remote(mm, start, nr, foll, pages);
}

/* FOLL_GET references: put_page(), after set_page_dirty_lock() if asked. */
static void release_put(struct page **pages, unsigned long nr, bool dirty)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		if (dirty)
			set_page_dirty_lock(pages[i]);
		put_page(pages[i]);
	}
}

static void release_unpin(struct page **pages, unsigned long nr, bool dirty)
{
	unpin_user_pages_dirty_lock(pages, nr, dirty);
}

#define GET	(GPT_PC_GET)
#define PIN	(GPT_PC_PIN)
#define FAST	(GPT_PC_FAST)
#define FAST_ONLY (GPT_PC_FAST | GPT_PC_FAST_ONLY)
#define LOCKED	(GPT_PC_LOCKED)
#define UNLOCKED (GPT_PC_UNLOCKED)
#define REMOTE	(GPT_PC_LOCKED | GPT_PC_REMOTE)

const struct gpt_path_desc gpt_paths[] = {
	{ GPT_PATH_GUP_FAST, "gup-fast", "get_user_pages_fast",
	  GET | FAST, grab_gup_fast, release_put },
	{ GPT_PATH_PIN_FAST, "pin-fast", "pin_user_pages_fast",
	  PIN | FAST, grab_pin_fast, release_unpin },
	{ GPT_PATH_PIN, "pin", "pin_user_pages",
	  PIN | LOCKED, grab_pin, release_unpin },
	{ GPT_PATH_GUP, "gup", "get_user_pages",
	  GET | LOCKED, grab_gup, release_put },
	{ GPT_PATH_GUP_FAST_ONLY, "gup-fast-only", "get_user_pages_fast_only",
	  GET | FAST_ONLY, grab_gup_fast_only, release_put },
	{ GPT_PATH_GUP_UNLOCKED, "gup-unlocked", "get_user_pages_unlocked",
	  GET | UNLOCKED, grab_gup_unlocked, release_put },
	{ GPT_PATH_GUP_REMOTE, "gup-remote", "get_user_pages_remote",
	  GET | REMOTE, grab_gup_remote, release_put },
	{ GPT_PATH_PIN_FAST_ONLY, "pin-fast-only", "pin_user_pages_fast_only",
	  PIN | FAST_ONLY, grab_pin_fast_only, release_unpin },
	{ GPT_PATH_PIN_UNLOCKED, "pin-unlocked", "pin_user_pages_unlocked",
	  PIN | UNLOCKED, grab_pin_unlocked, release_unpin },
	{ GPT_PATH_PIN_REMOTE, "pin-remote", "pin_user_pages_remote",
	  PIN | REMOTE, grab_pin_remote, release_unpin },
};

/*
 * Flags the running kernel would WARN about, by class of path: a rule
 * applies to paths having all of @all and none of @none.  First match
 * gives the reason.
 */
static const struct {
	u64 flags;
	u32 all, none;
	bool active;
	u32 reason;
} gpt_refusals[] = {
	/* FOLL_NOFAULT is 5.16 */
	{ GPT_FLAG_NOFAULT, 0, 0, !GPT_HAVE_FOLL_NOFAULT,
	  GPT_REASON_NOT_IN_KERNEL },
	/* internal_get_user_pages_fast() (6.1), gup_fast_fallback() (6.10) */
	{ GPT_FLAG_NOWAIT | GPT_FLAG_ANON, GPT_PC_FAST, 0, true,
	  GPT_REASON_FAST_FLAG },
	/* get_user_pages_unlocked() in 6.1 */
	{ GPT_FLAG_LONGTERM, GPT_PC_UNLOCKED, 0,
	  GPT_HAVE_UNLOCKED_LONGTERM_WARN, GPT_REASON_UNLOCKED_LONGTERM },
	/* is_valid_gup_flags() (6.1), is_valid_gup_args() (6.3) */
	{ GPT_FLAG_LONGTERM, GPT_PC_GET, GPT_PC_FAST_ONLY,
	  GPT_HAVE_GET_LONGTERM_WARN, GPT_REASON_GET_LONGTERM },
	{ GPT_FLAG_LONGTERM, GPT_PC_GET | GPT_PC_FAST_ONLY, 0,
	  GPT_HAVE_GET_FAST_ONLY_LONGTERM_WARN, GPT_REASON_GET_LONGTERM },
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

/* Why @path cannot run at all here, or GPT_REASON_NONE. */
u32 gpt_path_unavailable(const struct gpt_path_desc *path)
{
	return path->grab ? GPT_REASON_NONE : GPT_REASON_NOT_IN_KERNEL;
}

/* Why @path refuses @flags here, or GPT_REASON_NONE. */
u32 gpt_path_refusal(const struct gpt_path_desc *path, u64 flags)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpt_refusals); i++) {
		if (!gpt_refusals[i].active || !(flags & gpt_refusals[i].flags))
			continue;
		if ((path->class & gpt_refusals[i].all) == gpt_refusals[i].all &&
		    !(path->class & gpt_refusals[i].none))
			return gpt_refusals[i].reason;
	}
	return GPT_REASON_NONE;
}

/* Each flag @path refuses here, as INFO lists it; returns how many. */
unsigned int gpt_path_refusals(const struct gpt_path_desc *path,
			       struct gpt_refusal *out, unsigned int room)
{
	unsigned int bit, n = 0;

	for (bit = 0; bit < 64 && n < room; bit++) {
		u64 flag = 1ULL << bit;
		u32 reason;

		if (!(GPT_FLAG_GUP_ALL & flag))
			continue;
		reason = gpt_path_refusal(path, flag);
		if (reason)
			out[n++] = (struct gpt_refusal) {
				.path = path->id, .reason = reason, .flag = flag,
			};
	}
	return n;
}

long gpt_path_grab(const struct gpt_path_desc *path, struct mm_struct *mm,
		   unsigned long start, unsigned long nr, u64 flags,
		   struct page **pages)
{
	unsigned int foll = gpt_foll_flags(flags);
	long ret;

	if (!(path->class & GPT_PC_LOCKED))
		return path->grab(mm, start, nr, foll, pages);

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	ret = path->grab(mm, start, nr, foll, pages);
	mmap_read_unlock(mm);
	return ret;
}
