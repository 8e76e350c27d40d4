/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a PIN request is expected to do, and the one function that checks
 * a measured cell against it.  Counts are not written per row: they follow
 * from the outcome, the shape of the pinned folio and pin-or-get, by the
 * model in expect.c.
 */
#ifndef GPT_EXPECT_H
#define GPT_EXPECT_H

#include "suite.h"

enum outcome {
	PINNED = 1,	/* all pinned: the pages that were mapped before */
	PINNED_FRESH,	/* all pinned: pages GUP faulted in (COW copy, new) */
	REFUSED,	/* GUP returned @err, nothing pinned */
	NOTHING,	/* a fast-only path pinned 0 pages, no errno */
	MODULE_REFUSED,	/* the module refused the request: ioctl @err */
	NO_MEMORY,	/* the memory cannot be made here: setup @err */
	PARTIAL,	/* the first half pinned (what is mapped), then GUP
			 * returned @err (0: a call pinned nothing)
			 */
};

enum shape {
	SHAPE_OF_KIND = 0,	/* the kind's usual shape (kind_shape()) */
	SMALL,			/* order-0 folio */
	LARGE,			/* all pages in one large folio */
	ZERO,			/* the shared zero page */
	ZERO_PINNED,		/* the zero page, FOLL_PIN counted on it */
	DEVMAP,			/* order-0 ZONE_DEVICE page (fsdax) */
};

struct expect {
	enum outcome outcome;
	int err;		/* REFUSED, MODULE_REFUSED, NO_MEMORY */
	uint32_t reason;	/* GPT_REASON_* the result must carry */
	enum shape shape;
	int transient;		/* pins taken and dropped inside the call */
	bool replaced;		/* refused, but the pages mapped after are new */
	const char *why;	/* kernel function that decides; versions */
	uint32_t calls;		/* GUP calls, if not one per pages_per_call */
	struct krange k;	/* kernels it holds for (pin_cases.c) */
};

enum shape kind_shape(enum gpt_mem_kind kind);
/*
 * The errno setting up @kind fails with on this kernel, 0 if it exists:
 * memfd_secret() from 5.14, THP where configured (never with PREEMPT_RT).
 */
int kind_missing(enum gpt_mem_kind kind);
/* @e, or in @buf "setup fails with kind_missing()" where the kind is missing */
const struct expect *expect_here(const struct expect *e, enum gpt_mem_kind kind,
				 struct expect *buf);
bool path_pins(uint32_t path);
bool kernel_pins_zero_page(void);	/* FOLL_PIN counts on the zero page */		/* FOLL_PIN rather than FOLL_GET */

/* Checks @r against @e; @calls is the number of GUP calls expected. */
void expect_check(struct tap_point *t, const struct expect *e,
		  enum gpt_mem_kind kind, const struct gpt_cell_result *r,
		  uint64_t calls);
/* "pinned 16, refcount +1024, 16 vmstat pins", "GUP refuses EFAULT ..." */
const char *expect_describe(const struct expect *e, enum gpt_mem_kind kind,
			    uint32_t path, uint64_t pages);

#endif /* GPT_EXPECT_H */
