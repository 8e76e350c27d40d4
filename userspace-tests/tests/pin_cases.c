// SPDX-License-Identifier: GPL-2.0
/*
 * Focused PIN requests the matrix does not cover: GUP flags beyond WRITE
 * and LONGTERM, several calls per request, and nothing mapped at all.
 * One row per request; counts follow from the outcome (expect.c).
 */
#include <errno.h>
#include <stdio.h>
#include "expect.h"

#define NPAGES	16

struct pin_case {
	enum gpt_mem_kind kind;
	uint32_t path;
	uint64_t flags;
	uint32_t per_call;	/* pages_per_call; 0: one call */
	struct expect e;
};

#define W	GPT_FLAG_WRITE
#define L	GPT_FLAG_LONGTERM
#define FORCE	GPT_FLAG_FORCE
#define NOFAULT	GPT_FLAG_NOFAULT
#define NOWAIT	GPT_FLAG_NOWAIT
#define ANON	GPT_FLAG_ANON

#define FAST_FLAG_REFUSED { .outcome = MODULE_REFUSED, .err = EINVAL, \
	.reason = GPT_REASON_FAST_FLAG, .why = \
	"internal_get_user_pages_fast() (gup_fast_fallback() from 6.10) WARNs on flags outside WRITE|LONGTERM|FORCE|NOFAULT" }

#define NO_NOFAULT { .outcome = MODULE_REFUSED, .err = EINVAL, \
	.reason = GPT_REASON_NOT_IN_KERNEL, .why = "no FOLL_NOFAULT before 5.16", \
	.k = BEFORE(5, 16) }
/* pin_user_pages_fast_only(): removed in 6.3 */
#define NO_PIN_FAST_ONLY { .outcome = MODULE_REFUSED, .err = EINVAL, \
	.reason = GPT_REASON_NOT_IN_KERNEL, .k = SINCE(6, 3), .why = \
	"pin_user_pages_fast_only() is gone; the module has no such path" }

static const struct pin_case cases[] = {
	/* Several GUP calls for one request: same counts, @calls calls. */
	{ GPT_MEM_ANON, GPT_PATH_PIN_FAST, W, 4, { .outcome = PINNED } },
	{ GPT_MEM_ANON, GPT_PATH_PIN, W | L, 4, { .outcome = PINNED } },
	{ GPT_MEM_ANON_THP, GPT_PATH_PIN_FAST, W | L, 4, { .outcome = PINNED } },
	{ GPT_MEM_ANON, GPT_PATH_GUP, 0, 5, { .outcome = PINNED } },

	/* FOLL_FORCE writes a read-only private mapping through a COW copy. */
	{ GPT_MEM_READ_ONLY, GPT_PATH_PIN, W | FORCE, 0, { .outcome = PINNED_FRESH, .why =
	  "check_vma_flags(): FOLL_FORCE on a COW mapping; can_follow_write_pte() takes the exclusive copy" } },
	{ GPT_MEM_READ_ONLY, GPT_PATH_PIN_FAST, W | FORCE, 0, { .outcome = PINNED_FRESH, .why =
	  "GUP-fast sees a read-only PTE and falls back to the slow path, which COWs" } },
	{ GPT_MEM_READ_ONLY, GPT_PATH_GUP, W | FORCE, 0, { .outcome = PINNED_FRESH } },
	{ GPT_MEM_READ_ONLY, GPT_PATH_PIN_REMOTE, W | FORCE, 0, { .outcome = PINNED_FRESH } },
	{ GPT_MEM_READ_ONLY, GPT_PATH_PIN_FAST_ONLY, W | FORCE, 0,
	  { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .why = "no slow path to COW in",
	    .k = BEFORE(6, 3) } },
	{ GPT_MEM_READ_ONLY, GPT_PATH_PIN_FAST_ONLY, W | FORCE, 0, NO_PIN_FAST_ONLY },
	{ GPT_MEM_EXT4_SHARED, GPT_PATH_PIN, FORCE, 0, { .outcome = PINNED } },

	/* FOLL_NOFAULT: only what is already mapped (55b8fe703bc5, 5.16). */
	{ GPT_MEM_UNFAULTED, GPT_PATH_PIN, NOFAULT, 0, { .outcome = REFUSED, .err = EFAULT,
	  .reason = GPT_REASON_NOFAULT, .why = "faultin_page(): FOLL_NOFAULT -> -EFAULT",
	  .k = SINCE(5, 16) } },
	{ GPT_MEM_UNFAULTED, GPT_PATH_PIN_FAST, W | NOFAULT, 0, { .outcome = REFUSED, .err = EFAULT,
	  .reason = GPT_REASON_NOFAULT, .k = SINCE(5, 16) } },
	{ GPT_MEM_UNFAULTED, GPT_PATH_GUP_UNLOCKED, NOFAULT, 0, { .outcome = REFUSED, .err = EFAULT,
	  .reason = GPT_REASON_NOFAULT, .k = SINCE(5, 16) } },
	{ GPT_MEM_ANON, GPT_PATH_PIN_FAST, W | NOFAULT, 0, { .outcome = PINNED, .k = SINCE(5, 16) } },
	{ GPT_MEM_ZERO_PAGE, GPT_PATH_PIN, NOFAULT, 0, { .outcome = PINNED, .k = SINCE(5, 16) } },
	{ GPT_MEM_UNFAULTED, GPT_PATH_PIN, NOFAULT, 0, NO_NOFAULT },
	{ GPT_MEM_ANON, GPT_PATH_PIN_FAST, W | NOFAULT, 0, NO_NOFAULT },

	/* FOLL_NOWAIT: anonymous faults never wait, so they complete. */
	{ GPT_MEM_UNFAULTED, GPT_PATH_PIN, W | NOWAIT, 0, { .outcome = PINNED_FRESH, .why =
	  "faultin_page() with FAULT_FLAG_RETRY_NOWAIT; do_anonymous_page() never retries" } },
	{ GPT_MEM_UNFAULTED, GPT_PATH_GUP_UNLOCKED, W | NOWAIT, 0, { .outcome = PINNED_FRESH } },
	{ GPT_MEM_ANON, GPT_PATH_PIN_FAST, NOWAIT, 0, FAST_FLAG_REFUSED },
	{ GPT_MEM_ANON, GPT_PATH_GUP_FAST_ONLY, NOWAIT, 0, FAST_FLAG_REFUSED },

	/* FOLL_ANON: anonymous VMAs only. */
	{ GPT_MEM_ANON, GPT_PATH_PIN, W | ANON, 0, { .outcome = PINNED } },
	{ GPT_MEM_DEV_ZERO, GPT_PATH_PIN, W | ANON, 0, { .outcome = PINNED, .why =
	  "a private /dev/zero mapping is made anonymous (vma_set_anonymous())" } },
	{ GPT_MEM_EXT4_SHARED, GPT_PATH_PIN, ANON, 0, { .outcome = REFUSED, .err = EFAULT,
	  .reason = GPT_REASON_ANON_ONLY, .why = "check_vma_flags(): FOLL_ANON && !vma_is_anonymous()" } },
	{ GPT_MEM_SHARED_ANON, GPT_PATH_GUP, ANON, 0, { .outcome = REFUSED, .err = EFAULT,
	  .reason = GPT_REASON_ANON_ONLY, .why = "MAP_SHARED|MAP_ANONYMOUS is shmem: vma->vm_ops is set" } },
	{ GPT_MEM_ANON, GPT_PATH_PIN_FAST, ANON, 0, FAST_FLAG_REFUSED },

	/* Nothing mapped: GUP's EFAULT, attributed to the missing VMA. */
	{ GPT_MEM_UNMAPPED, GPT_PATH_PIN_FAST, 0, 0, { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_NO_VMA } },
	{ GPT_MEM_UNMAPPED, GPT_PATH_PIN, L, 0, { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_NO_VMA } },
	{ GPT_MEM_UNMAPPED, GPT_PATH_GUP_REMOTE, W, 0, { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_NO_VMA } },
	{ GPT_MEM_UNMAPPED, GPT_PATH_PIN_FAST_ONLY, 0, 0, { .outcome = NOTHING, .reason = GPT_REASON_SHORT,
	  .k = BEFORE(6, 3) } },
	{ GPT_MEM_UNMAPPED, GPT_PATH_PIN_FAST_ONLY, 0, 0, NO_PIN_FAST_ONLY },

	/* A PFN map: no struct page for GUP, none for the sampler either. */
	{ GPT_MEM_PFNMAP, GPT_PATH_PIN, 0, 0, { .outcome = REFUSED, .err = EFAULT,
	  .reason = GPT_REASON_VM_IO_PFNMAP, .why = "check_vma_flags(): VM_IO | VM_PFNMAP" } },
	{ GPT_MEM_PFNMAP, GPT_PATH_PIN_FAST, W, 0, { .outcome = REFUSED, .err = EFAULT,
	  .reason = GPT_REASON_VM_IO_PFNMAP, .why =
	  "GUP-fast leaves special PTEs to the slow path, which refuses the VMA" } },
	{ GPT_MEM_PFNMAP, GPT_PATH_GUP_FAST_ONLY, 0, 0, { .outcome = NOTHING,
	  .reason = GPT_REASON_SHORT, .why = "pte_special(): GUP-fast takes no page" } },

	/*
	 * Half the range unmapped: GUP returns the mapped half, short; asked
	 * again from there, as drivers do, it gives the errno.
	 */
	{ GPT_MEM_PARTIAL, GPT_PATH_PIN, W, 0, { .outcome = PARTIAL, .err = EFAULT,
	  .reason = GPT_REASON_NO_VMA, .calls = 2, .why =
	  "__get_user_pages() returns what it pinned before the error; the retry gets -EFAULT" } },
	{ GPT_MEM_PARTIAL, GPT_PATH_PIN_FAST, W, 0, { .outcome = PARTIAL, .err = EFAULT,
	  .reason = GPT_REASON_NO_VMA, .calls = 2, .why =
	  "GUP-fast pins the mapped half; the slow path's -EFAULT is dropped for the count" } },
	{ GPT_MEM_PARTIAL, GPT_PATH_GUP, 0, 0, { .outcome = PARTIAL, .err = EFAULT,
	  .reason = GPT_REASON_NO_VMA, .calls = 2 } },
	{ GPT_MEM_PARTIAL, GPT_PATH_GUP_REMOTE, 0, 0, { .outcome = PARTIAL, .err = EFAULT,
	  .reason = GPT_REASON_NO_VMA, .calls = 2 } },
	{ GPT_MEM_PARTIAL, GPT_PATH_PIN_UNLOCKED, W, 0, { .outcome = PARTIAL, .err = EFAULT,
	  .reason = GPT_REASON_NO_VMA, .calls = 2 } },
	{ GPT_MEM_PARTIAL, GPT_PATH_PIN_FAST_ONLY, W, 0, { .outcome = PARTIAL,
	  .reason = GPT_REASON_SHORT, .calls = 2, .why = "no slow path: the second call pins nothing",
	  .k = BEFORE(6, 3) } },
	{ GPT_MEM_PARTIAL, GPT_PATH_GUP_FAST_ONLY, W, 0, { .outcome = PARTIAL,
	  .reason = GPT_REASON_SHORT, .calls = 2, .why = "no slow path: the second call pins nothing" } },
	{ GPT_MEM_PARTIAL, GPT_PATH_PIN, W, 4, { .outcome = PARTIAL, .err = EFAULT,
	  .reason = GPT_REASON_NO_VMA, .calls = 3 } },
};

static void run_case(struct suite *s, const struct pin_case *c)
{
	const struct gpt_path_info *p = gpt_path_by_id(&s->info, c->path);
	struct gpt_cell_result r;
	struct gpt_pin req = { 0 };
	struct tap_point t;
	char flags[96];
	uint64_t calls = 1;
	struct expect missing;
	const struct expect *e = expect_here(&c->e, c->kind, &missing);

	req.path = c->path;
	req.flags = c->flags;
	req.pages_per_call = c->per_call;
	if (c->per_call)
		calls = (NPAGES + c->per_call - 1) / c->per_call;
	if (c->e.calls)
		calls = c->e.calls;
	if (!kernel_in(c->e.k))
		return;		/* another kernel's row */
	tap_begin(&t);
	gpt_cell_run(s->fd, &s->dirs, c->kind, NPAGES, &req, true, &r);
	expect_check(&t, e, c->kind, &r, calls);
	gpt_flags_format(c->flags, flags, sizeof(flags));
	tap_end(&t, "%s %s %s%s: %s", gpt_kind_name(c->kind),
		p ? p->function : "?", c->flags ? flags : "read",
		c->per_call ? ", several calls" : "",
		expect_describe(e, c->kind, c->path, NPAGES));
	if (e->why)
		tap_diag("  decided by %s", e->why);
}

void test_pin_cases(struct suite *s)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(s, &cases[i]);
}
