// SPDX-License-Identifier: GPL-2.0
/*
 * One PIN request per row: memory kind, path and flags, and what Debian's
 * 6.1 kernel does with it, down to the refcount and the vmstat counters.
 * Every row pins NPAGES pages of fresh memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "suite.h"

#define NPAGES	16

enum mem_kind {
	MEM_ANON,	/* private anonymous, written first */
	MEM_ZERO,	/* private anonymous, only read: the shared zero page */
	MEM_FSDAX,	/* MAP_SHARED file on ext4 -o dax, written first */
	MEM_EXT4,	/* MAP_SHARED file on ext4 without dax, written first */
	MEM_TMPFS,	/* MAP_SHARED file on tmpfs, written first */
	MEM_UNMAPPED,	/* an address range with no mapping */
};

static const char *const mem_names[] = {
	[MEM_ANON] = "anon", [MEM_ZERO] = "zero-page", [MEM_FSDAX] = "fsdax",
	[MEM_EXT4] = "ext4", [MEM_TMPFS] = "tmpfs", [MEM_UNMAPPED] = "unmapped",
};

struct pin_expect {
	enum mem_kind mem;
	uint32_t path;
	uint64_t flags;
	uint32_t per_call;	/* pages_per_call; 0: one call */
	/* expected */
	int ioctl_errno;	/* the request refused by the module */
	int error;		/* first errno from GUP */
	uint32_t reason;
	int64_t pinned;
	int64_t calls;
	int64_t ref;		/* first folio's refcount: pinned - before */
	int64_t pins;		/* vmstat acquired (then released) */
	uint32_t sample;	/* pinned page's DMA_PINNED|ZERO_PAGE|DEVMAP */
	const char *why;	/* the kernel code that decides it */
};

#define W	GPT_FLAG_WRITE
#define L	GPT_FLAG_LONGTERM
#define PINNED	GPT_SAMPLE_DMA_PINNED
#define ZERO	GPT_SAMPLE_ZERO_PAGE
#define DEVMAP	GPT_SAMPLE_DEVMAP

/* All NPAGES pinned in @calls calls; what that did to the counters. */
#define PINNED_ALL(calls_, ref_, pins_, sample_) .pinned = NPAGES, \
	.calls = (calls_), .ref = (ref_), .pins = (pins_), .sample = (sample_)
/* FOLL_PIN on a small folio: +GUP_PIN_COUNTING_BIAS, one vmstat pin a page. */
#define PIN_OK		PINNED_ALL(1, 1024, NPAGES, PINNED)
/* FOLL_GET: +1, no pin accounting. */
#define GET_OK		PINNED_ALL(1, 1, 0, 0)
/* The module refuses get_* + FOLL_LONGTERM before calling the kernel. */
#define GET_LONGTERM_REFUSED .ioctl_errno = EINVAL, \
		.reason = GPT_REASON_GET_LONGTERM, \
		.why = "is_valid_gup_flags() WARNs on 6.1, is_valid_gup_args() on 6.3+"
#define FSDAX_REFUSED .error = EOPNOTSUPP, .reason = GPT_REASON_FSDAX_LONGTERM, \
		.calls = 1, .why = "check_vma_flags(): FOLL_LONGTERM && vma_is_fsdax()"

static const struct pin_expect cases[] = {
	/* Anonymous memory, every path, short- and long-term, R/O and R/W. */
	{ MEM_ANON, GPT_PATH_GUP_FAST, 0, 0, GET_OK },
	{ MEM_ANON, GPT_PATH_GUP_FAST, W, 0, GET_OK },
	{ MEM_ANON, GPT_PATH_GUP_FAST, L, 0, GET_LONGTERM_REFUSED },
	{ MEM_ANON, GPT_PATH_GUP_FAST, W | L, 0, GET_LONGTERM_REFUSED },
	{ MEM_ANON, GPT_PATH_PIN_FAST, 0, 0, PIN_OK },
	{ MEM_ANON, GPT_PATH_PIN_FAST, W, 0, PIN_OK },
	{ MEM_ANON, GPT_PATH_PIN_FAST, L, 0, PIN_OK },
	{ MEM_ANON, GPT_PATH_PIN_FAST, W | L, 0, PIN_OK },
	{ MEM_ANON, GPT_PATH_PIN, 0, 0, PIN_OK },
	{ MEM_ANON, GPT_PATH_PIN, W, 0, PIN_OK },
	{ MEM_ANON, GPT_PATH_PIN, L, 0, PIN_OK },
	{ MEM_ANON, GPT_PATH_PIN, W | L, 0, PIN_OK },
	/* The same pages in calls of 4: four GUP calls, same counts. */
	{ MEM_ANON, GPT_PATH_PIN_FAST, W, 4, PINNED_ALL(4, 1024, NPAGES, PINNED) },
	{ MEM_ANON, GPT_PATH_PIN, W | L, 4, PINNED_ALL(4, 1024, NPAGES, PINNED) },

	/*
	 * fsdax: long-term refused through every pin path, whether or not
	 * GUP-fast sees the page first (gup_pte_range() leaves devmap PTEs
	 * to the slow path under FOLL_LONGTERM); short-term pins work.
	 */
	{ MEM_FSDAX, GPT_PATH_PIN_FAST, L, 0, FSDAX_REFUSED },
	{ MEM_FSDAX, GPT_PATH_PIN_FAST, W | L, 0, FSDAX_REFUSED },
	{ MEM_FSDAX, GPT_PATH_PIN, L, 0, FSDAX_REFUSED },
	{ MEM_FSDAX, GPT_PATH_PIN, W | L, 0, FSDAX_REFUSED },
	{ MEM_FSDAX, GPT_PATH_GUP_FAST, W | L, 0, GET_LONGTERM_REFUSED },
	{ MEM_FSDAX, GPT_PATH_GUP_FAST, 0, 0, PINNED_ALL(1, 1, 0, DEVMAP) },
	{ MEM_FSDAX, GPT_PATH_GUP_FAST, W, 0, PINNED_ALL(1, 1, 0, DEVMAP) },
	{ MEM_FSDAX, GPT_PATH_PIN_FAST, 0, 0, PINNED_ALL(1, 1024, NPAGES, PINNED | DEVMAP) },
	{ MEM_FSDAX, GPT_PATH_PIN_FAST, W, 0, PINNED_ALL(1, 1024, NPAGES, PINNED | DEVMAP) },
	{ MEM_FSDAX, GPT_PATH_PIN, 0, 0, PINNED_ALL(1, 1024, NPAGES, PINNED | DEVMAP) },
	{ MEM_FSDAX, GPT_PATH_PIN, W, 0, PINNED_ALL(1, 1024, NPAGES, PINNED | DEVMAP) },

	/*
	 * Page cache without dax, long-term and writable: allowed on 6.1;
	 * 6.5 refuses ext4 (writable_file_mapping_allowed()), never tmpfs.
	 */
	{ MEM_EXT4, GPT_PATH_PIN_FAST, L, 0, PIN_OK },
	{ MEM_EXT4, GPT_PATH_PIN_FAST, W | L, 0, PIN_OK,
	  .why = "6.1 has no writable_file_mapping_allowed() (6.5)" },
	{ MEM_EXT4, GPT_PATH_PIN, W | L, 0, PIN_OK,
	  .why = "6.1 has no writable_file_mapping_allowed() (6.5)" },
	{ MEM_TMPFS, GPT_PATH_PIN_FAST, W | L, 0, PIN_OK },
	{ MEM_TMPFS, GPT_PATH_PIN, W | L, 0, PIN_OK },

	/*
	 * Never-written private anonymous memory, read: every page is the
	 * zero page.  FOLL_GET takes a reference per page, all on the one
	 * zero page (+NPAGES); FOLL_PIN takes none and counts none:
	 * try_grab_folio()/try_grab_page() skip is_zero_page() in Debian's
	 * 6.1.192 (mainline since 6.5, backported to 6.1.y); before that
	 * backport FOLL_PIN added 1024 per page to the zero page too.
	 * is_longterm_pinnable_page() lets the zero page be pinned long-term.
	 */
	{ MEM_ZERO, GPT_PATH_GUP_FAST, 0, 0, PINNED_ALL(1, NPAGES, 0, ZERO) },
	{ MEM_ZERO, GPT_PATH_PIN_FAST, 0, 0, PINNED_ALL(1, 0, 0, ZERO) },
	{ MEM_ZERO, GPT_PATH_PIN_FAST, L, 0, PINNED_ALL(1, 0, 0, ZERO) },
	{ MEM_ZERO, GPT_PATH_PIN, 0, 0, PINNED_ALL(1, 0, 0, ZERO) },
	{ MEM_ZERO, GPT_PATH_PIN, L, 0, PINNED_ALL(1, 0, 0, ZERO) },

	/* Nothing mapped: GUP's EFAULT, attributed to the missing VMA. */
	{ MEM_UNMAPPED, GPT_PATH_PIN_FAST, 0, 0, .error = EFAULT,
	  .reason = GPT_REASON_NO_VMA, .calls = 1 },
	{ MEM_UNMAPPED, GPT_PATH_PIN, L, 0, .error = EFAULT,
	  .reason = GPT_REASON_NO_VMA, .calls = 1 },
};

static const char *mem_dir(const struct suite *s, enum mem_kind kind)
{
	switch (kind) {
	case MEM_FSDAX:
		return s->fsdax_dir;
	case MEM_EXT4:
		return s->ext4_dir;
	case MEM_TMPFS:
		return s->tmpfs_dir;
	default:
		return NULL;
	}
}

static int mem_setup(const struct suite *s, enum mem_kind kind,
		     struct gpt_mem *mem)
{
	char spec[512];
	const char *dir = mem_dir(s, kind);
	int ret;

	switch (kind) {
	case MEM_ANON:
		return gpt_mem_map("anon", NPAGES, false, GPT_PREFAULT_WRITE, mem);
	case MEM_ZERO:
		return gpt_mem_map("anon", NPAGES, false, GPT_PREFAULT_READ, mem);
	case MEM_UNMAPPED:
		ret = gpt_mem_map("anon", NPAGES, false, GPT_PREFAULT_NONE, mem);
		if (!ret)
			munmap(mem->addr, mem->len);
		mem->len = 0;	/* keep the address, own nothing */
		return ret;
	default:
		snprintf(spec, sizeof(spec), "file:%s/pin-case", dir);
		/* A new file each time: no page cache or pins carried over. */
		unlink(spec + 5);
		ret = gpt_mem_map(spec, NPAGES, true, GPT_PREFAULT_WRITE, mem);
		unlink(spec + 5);
		return ret;
	}
}

static void mem_teardown(struct gpt_mem *mem)
{
	if (!mem->len)
		mem->addr = NULL;
	gpt_mem_unmap(mem);
}

static void check_result(struct tap_point *t, const struct pin_expect *e,
			 const struct gpt_pin *r)
{
	const uint32_t shown = GPT_SAMPLE_DMA_PINNED | GPT_SAMPLE_ZERO_PAGE |
			       GPT_SAMPLE_DEVMAP;
	bool mapped = e->mem != MEM_UNMAPPED;

	tap_check_eq(t, "pinned", e->pinned, (int64_t)r->pinned);
	tap_check_eq(t, "error", e->error, r->error);
	tap_check_eq(t, "GUP calls", e->calls, (int64_t)r->calls);
	tap_check_eq(t, "first page present before",
		     mapped, !!(r->before.flags & GPT_SAMPLE_PRESENT));
	tap_check_eq(t, "first page present after",
		     mapped, !!(r->after.flags & GPT_SAMPLE_PRESENT));
	if (e->pinned) {
		tap_check(t, r->pinned_page.pfn == r->before.pfn,
			  "pinned pfn %#llx is not the mapped pfn %#llx",
			  (unsigned long long)r->pinned_page.pfn,
			  (unsigned long long)r->before.pfn);
		tap_check_eq(t, "refcount delta while pinned", e->ref,
			     r->pinned_page.refcount - r->before.refcount);
		tap_check_eq(t, "pinned page flags", e->sample,
			     r->pinned_page.flags & shown);
	}
	tap_check_eq(t, "refcount after - before", 0,
		     r->after.refcount - r->before.refcount);
	tap_check_eq(t, "vmstat acquired while pinned", e->pins,
		     r->vmstat_pinned.acquired);
	tap_check_eq(t, "vmstat released while pinned", 0,
		     r->vmstat_pinned.released);
	tap_check_eq(t, "vmstat acquired after release", e->pins,
		     r->vmstat_after.acquired);
	tap_check_eq(t, "vmstat released after release", e->pins,
		     r->vmstat_after.released);
}

/* "pinned 16, refcount +1024, 16 pins" or "GUP refuses EOPNOTSUPP ..." */
static const char *outcome(const struct pin_expect *e)
{
	static char buf[128];

	if (e->ioctl_errno)
		snprintf(buf, sizeof(buf), "module refuses %s (%s)",
			 gpt_errno_name(e->ioctl_errno),
			 gpt_reason_name(e->reason));
	else if (e->error)
		snprintf(buf, sizeof(buf), "GUP refuses %s (%s)",
			 gpt_errno_name(e->error), gpt_reason_name(e->reason));
	else
		snprintf(buf, sizeof(buf),
			 "pinned %lld, refcount %+lld, %lld vmstat pins",
			 (long long)e->pinned, (long long)e->ref,
			 (long long)e->pins);
	return buf;
}

static void run_case(struct suite *s, const struct pin_expect *e)
{
	const struct gpt_path_info *p = gpt_path_by_id(&s->info, e->path);
	struct gpt_pin_counters c0, c1;
	struct gpt_pin req;
	struct gpt_mem mem;
	struct tap_point t;
	int ret;

	tap_begin(&t);
	ret = mem_setup(s, e->mem, &mem);
	if (!tap_check(&t, ret == 0, "setting up %s: %s", mem_names[e->mem],
		       strerror(-ret)))
		goto out;

	memset(&req, 0, sizeof(req));
	req.addr = (uintptr_t)mem.addr;
	req.nr_pages = NPAGES;
	req.flags = e->flags;
	req.path = e->path;
	req.pages_per_call = e->per_call;
	tap_check(&t, gpt_pin_counters_read(&c0) == 0, "reading /proc/vmstat");
	ret = gpt_pin(s->fd, &req);
	tap_check(&t, gpt_pin_counters_read(&c1) == 0, "reading /proc/vmstat");

	tap_check_eq(&t, "ioctl errno", e->ioctl_errno, -ret);
	tap_check_eq(&t, "reason", e->reason, req.reason);
	if (!ret)
		check_result(&t, e, &req);
	/* The same counters as the module saw, folded from userspace. */
	tap_check_eq(&t, "/proc/vmstat nr_foll_pin_acquired delta", e->pins,
		     c1.acquired - c0.acquired);
	tap_check_eq(&t, "/proc/vmstat nr_foll_pin_released delta", e->pins,
		     c1.released - c0.released);
	mem_teardown(&mem);
out:
	tap_end(&t, "%s %s %s%s%s: %s", mem_names[e->mem],
		p ? p->function : "?", e->flags & W ? "write" : "read",
		e->flags & L ? " longterm" : "",
		e->per_call ? ", 4 pages a call" : "", outcome(e));
	if (e->why)
		tap_diag("  decided by %s", e->why);
}

void test_pin_cases(struct suite *s)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(s, &cases[i]);
}
