/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libgpt: driver profiles.  How an in-kernel caller of GUP pins user
 * memory on a range of kernels (the function, its flags, its batch, its
 * RLIMIT_MEMLOCK accounting, its own checks and the errno it returns),
 * so that one PIN request does what that caller does, and the caller's
 * answer can be told from the result.  docs/profiles.md has the table
 * with its sources.
 */
#ifndef LIBGPT_DRIVERS_H
#define LIBGPT_DRIVERS_H

#include <stdbool.h>
#include <stdint.h>
#include "gpt.h"

/* A kernel release as a number: 6.1 is GPT_KV(6, 1). */
#define GPT_KV(a, b)	((uint32_t)(a) << 8 | (uint32_t)(b))

/* The caller's own rules beside GUP's. */
#define GPT_PC_SINGLE_CALL	(1U << 0)  /* one GUP call: short is its own error */
#define GPT_PC_IOURING_FILE	(1U << 1)  /* file-backed, not shmem or hugetlbfs: EOPNOTSUPP */
#define GPT_PC_FSDAX_FIRST	(1U << 2)  /* the first VMA fsdax: EOPNOTSUPP */
#define GPT_PC_PFNMAP_FALLBACK	(1U << 3)  /* VM_IO/VM_PFNMAP: the pfns, unpinned */
#define GPT_PC_PFNMAP_ONLY	(1U << 4)  /* ... VM_PFNMAP only, not VM_IO alone */
#define GPT_PC_PFNMAP_WHOLE	(1U << 5)  /* ... only if nothing was pinned */
#define GPT_PC_FULL_BATCH	(1U << 6)  /* a short batch is its own error */
#define GPT_PC_ONE_FILE		(1U << 7)  /* pages of two VMAs' files: EINVAL */

struct gpt_driver {
	const char *name;	/* "rdma" */
	uint32_t since, before;	/* GPT_KV() kernels [since, before); 0: open */
	const char *caller;	/* the kernel function it mirrors, and its file */
	const char *entry;	/* what userspace calls to get there */
	uint32_t path;		/* enum gpt_path */
	uint64_t flags;		/* GPT_FLAG_* always */
	uint64_t flags_write;	/* added when the device writes (the default) */
	uint64_t flags_read;	/* added when the device only reads */
	uint32_t per_call;	/* pages per GUP call; 0: all in one */
	uint32_t account;	/* enum gpt_account */
	uint32_t checks;	/* GPT_PC_* */
	int memlock_err;	/* errno over RLIMIT_MEMLOCK */
	int short_err;		/* errno of a short single call */
	int all_err;		/* every failure reaches userspace as this; 0: GUP's */
	const char *fails_as;	/* a failure's name where it is no errno, or NULL */
	const char *change;	/* what made this row differ from the one before */
	const char *note;
};

/* The kernel function of a path, without asking the module. */
const char *gpt_path_function(uint32_t path);
/* Every row, oldest kernel first per name; @n gets the count. */
const struct gpt_driver *gpt_drivers(size_t *n);
/* The running kernel as GPT_KV(), from uname(); 0 if unreadable. */
uint32_t gpt_kernel_kv(void);
/* The row of profile @name for kernel @kv, or NULL. */
const struct gpt_driver *gpt_driver_for(const char *name, uint32_t kv);
bool gpt_driver_in(const struct gpt_driver *p, uint32_t kv);
/* The distinct profile names, in table order; NULL-ended. */
const char *const *gpt_driver_names(void);
/* "6.2+", "up to 6.1", "5.12 to 6.4", "all" */
const char *gpt_driver_kernels(const struct gpt_driver *p, char *buf, size_t len);
/* "pinned-vm (CAP_IPC_LOCK lifts the limit)"... */
const char *gpt_account_text(uint32_t account);
const char *gpt_account_name(uint32_t account);
int gpt_account_by_name(const char *name);	/* -1 if none */

/* The PIN request @p makes: path, flags, batch, account. */
void gpt_driver_request(const struct gpt_driver *p, bool device_writes,
			 struct gpt_pin *req);

/* What the caller would have answered. */
enum gpt_verdict_kind {
	GPT_VERDICT_OK,		/* pinned, the caller succeeds */
	GPT_VERDICT_FALLBACK,	/* GUP refused; the caller maps the pfns
				 * without a pin (its fallback, not run here)
				 */
	GPT_VERDICT_FAILS,	/* the caller returns @err */
	GPT_VERDICT_UNKNOWN,	/* the module did not run it */
};

struct gpt_verdict {
	enum gpt_verdict_kind kind;
	int err;		/* FAILS: the errno userspace gets */
	const char *because;	/* who decides, where */
	const char *fix;	/* what to change, or NULL */
	char buf[256];		/* room for a because that names a number */
};

/*
 * The caller's answer to a PIN sent as gpt_driver_request() made it:
 * @ioctl_err the ioctl's -errno, @res its result, @rec its records
 * (@nrec of them, at least the pinned ones; may be NULL).
 */
void gpt_driver_judge(const struct gpt_driver *p, int ioctl_err,
		       const struct gpt_pin_result *res,
		       const struct gpt_page_record *rec, uint64_t nrec,
		       uint64_t nr_pages, struct gpt_verdict *v);
/* "ok", "ok-no-pin", "EFAULT", "?" for a table cell */
const char *gpt_verdict_cell(const struct gpt_verdict *v);

#endif /* LIBGPT_DRIVERS_H */
