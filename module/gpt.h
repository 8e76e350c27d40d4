/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared by the files of gup_pin_test.ko. */
#ifndef GPT_H
#define GPT_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include "gup_pin_test.h"

/* Classes of GUP paths (struct gpt_path_desc.class): the uapi's. */
#define GPT_PC_GET		GPT_CLASS_GET
#define GPT_PC_PIN		GPT_CLASS_PIN
#define GPT_PC_FAST		GPT_CLASS_FAST
#define GPT_PC_FAST_ONLY	GPT_CLASS_FAST_ONLY
#define GPT_PC_LOCKED		GPT_CLASS_LOCKED
#define GPT_PC_UNLOCKED		GPT_CLASS_UNLOCKED
#define GPT_PC_REMOTE		GPT_CLASS_REMOTE

/*
 * Hard bounds, whatever the module parameters say: what one request may
 * make the module allocate (8 + 24 bytes a page) and sample per QUERY.
 */
#define GPT_MAX_PAGES_HARD	BIT(20)
#define GPT_QUERY_MAX		256

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
unsigned int gpt_path_refusals(const struct gpt_path_desc *path,
			       struct gpt_refusal *out, unsigned int room);
long gpt_path_grab(const struct gpt_path_desc *path, struct mm_struct *mm,
		   unsigned long start, unsigned long nr, u64 flags,
		   struct page **pages);
/* Our GPT_FLAG_* as FOLL_* bits on this kernel. */
unsigned int gpt_foll_flags(u64 flags);

/*
 * Pages charged against RLIMIT_MEMLOCK (access.c): @nr pages on @mm's
 * count, or on the user of @cred, as @account (enum gpt_account, never
 * DEFAULT) says.  @mm is grabbed and @cred referenced while anything is
 * charged.
 */
struct gpt_charge {
	u32 account;
	struct mm_struct *mm;
	const struct cred *cred;
	unsigned long nr;
};

/*
 * Charge @nr pages to the caller as @account says: 0, -ENOMEM over the
 * limit, -EINTR.  gpt_charge_give() gives @nr of them back; the last
 * drops the references.
 */
int gpt_charge_take(struct gpt_charge *c, u32 account, unsigned long nr);
void gpt_charge_give(struct gpt_charge *c, unsigned long nr);

/*
 * Pages held under a handle, owned by one open file.  @mm is the address
 * space the pages came from (READ, WRITE and QUERY check the caller may
 * look into it), grabbed (mmgrab()) so that it stays valid until release;
 * @charge is what the pages are charged against RLIMIT_MEMLOCK.
 */
struct gpt_hold {
	u64 handle;
	u64 id;			/* module-wide, for HOLDS (never reused) */
	struct pid *owner;	/* the process that pinned (its tgid) */
	struct list_head all;	/* on the module-wide list of holds */
	const struct gpt_path_desc *path;
	u64 flags;		/* the PIN request's GPT_FLAG_* */
	u64 addr;
	s32 pid;		/* the PIN's pid */
	unsigned long nr;
	struct page **pages;
	struct mm_struct *mm;
	struct gpt_charge charge;
	u64 pinned_ns;		/* ktime_get_ns() when pinned */
	u64 written;		/* WRITE calls: release dirty */
};

/* Per open file of /dev/gup_test. */
struct gpt_file {
	/*
	 * Protects everything below; never held across user copies or
	 * anything that sleeps on a page.
	 */
	struct mutex lock;
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
void gpt_sample_page(struct page *page, struct gpt_page_sample *s);
u8 gpt_page_kind(struct page *page, u64 *magic);
int gpt_sample_range(struct mm_struct *mm, unsigned long addr,
		     unsigned long nr, struct gpt_page_sample *s);

/* May the caller, as it is now, look into and write to @mm? */
bool gpt_may_access_mm(struct mm_struct *mm);
bool gpt_may_see_pfn(void);

int gpt_hold_reserve(struct gpt_file *gf, unsigned long nr);
void gpt_hold_unreserve(struct gpt_file *gf, unsigned long nr);
u64 gpt_hold_add(struct gpt_file *gf, struct gpt_hold *hold);
u32 gpt_hold_dirty_refusal(const struct gpt_hold *hold, u64 first, u64 nr);
struct gpt_hold *gpt_hold_take(struct gpt_file *gf, u64 handle);
void gpt_hold_release(struct gpt_hold *hold, bool dirty);
void gpt_holds_release_all(struct gpt_file *gf);
/*
 * HOLDS: fill @snap (room for @room) from every hold on the module-wide
 * list as @req asks; count them in @res.  @n: records filled.
 */
void gpt_holds_walk(const struct gpt_holds *req, struct gpt_holds_result *res,
		    struct gpt_held_page *snap, u64 room, u64 *n);

/* The errno that goes with a refusal's reason (uarg.c). */
int gpt_reason_errno(u32 reason);

/* Extensible structs (uarg.c). */
int gpt_req_begin(void *req, size_t ksize, size_t minsize,
		  size_t res_minsize, const void __user *uarg);
int gpt_req_fail(const struct gpt_head *h, u32 reason, int err);
int gpt_req_done(const struct gpt_head *h, void *res, size_t res_ksize);
int gpt_array_check(const struct gpt_array *a, size_t minsize);
int gpt_array_put(const struct gpt_array *a, u64 index, const void *elem,
		  size_t ksize);

long gpt_ioctl_info(void __user *uarg);
long gpt_ioctl_pin(struct gpt_file *gf, void __user *uarg);
long gpt_ioctl_unpin(struct gpt_file *gf, void __user *uarg);
long gpt_ioctl_query(struct gpt_file *gf, void __user *uarg);
long gpt_ioctl_rw(struct gpt_file *gf, void __user *uarg, bool write);
long gpt_ioctl_holds(void __user *uarg);
long gpt_ioctl_bench(void __user *uarg);
struct gpt_bench_ctx;
/* gupctl bench --profile's graph function: one timed repeat */
int gpt_bench_once(struct gpt_bench_ctx *c, struct gpt_bench_repeat *r);

extern unsigned int gpt_max_pages;
extern unsigned int gpt_max_held_pages;

/* What one PIN may name now: the parameter, bounded. */
unsigned long gpt_pin_max_pages(void);
int gpt_hugetlb_longterm_check(struct mm_struct *mm, const struct gpt_path_desc *path,
			       u64 addr, u64 nr, u64 flags, u32 *reason);

#endif /* GPT_H */
