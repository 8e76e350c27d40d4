// SPDX-License-Identifier: GPL-2.0
/*
 * libgpt: pin coherence.  A cell maps 2 MiB of one kind of memory (every
 * page written), pins its first GPT_COH_PAGES pages in one way and holds
 * them, lets one event happen, and then checks both ways, page by page:
 * the process writes a fresh value through its mapping and the device
 * reads it through the pin (GPT_IOC_READ); a writable pin's device writes
 * another (GPT_IOC_WRITE) and the process reads its mapping.  The next
 * GPT_COH_PAGES pages, never pinned, are the control: what the event does
 * to a page nobody pins.  pfns come from the module (the pin) and
 * /proc/self/pagemap (the mapping), so they need root.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "coherence.h"

#define N		GPT_COH_PAGES
#define SPAN		(2UL << 20)	/* a PMD: one THP, one huge page */
#define MADV_PAGEOUT_	21	/* 5.4 */
#define MADV_COLLAPSE_	25	/* 6.1 */

static const char *const event_names[GPT_COH_EVENTS][2] = {
	[GPT_COH_FORK_CHILD_WRITES] = { "fork-child-writes",
					"fork(); the child writes every page and stays" },
	[GPT_COH_FORK_CHILD_EXITS] = { "fork-child-exits", "fork(); the child exits at once" },
	[GPT_COH_MPROTECT] = { "mprotect", "mprotect() read-only, then read-write again" },
	[GPT_COH_PAGEOUT] = { "pageout", "MADV_PAGEOUT (to swap), then every page read" },
	[GPT_COH_KSM] = { "ksm", "ksmd scans identical MADV_MERGEABLE pages" },
	[GPT_COH_THP_SPLIT] = { "thp-split", "MADV_NOHUGEPAGE, munmap() of the last 4K" },
	[GPT_COH_COLLAPSE] = { "collapse", "MADV_COLLAPSE of the 2M (MADV_HUGEPAGE first)" },
	[GPT_COH_MREMAP] = { "mremap", "mremap() to a new address, used from there on" },
	[GPT_COH_DONTNEED] = { "dontneed", "MADV_DONTNEED, then every page read" },
};

static const char *const mem_names[GPT_COH_MEMS] = {
	[GPT_COH_ANON] = "anon",
	[GPT_COH_THP] = "thp",
	[GPT_COH_THP_PTE] = "thp-pte",
	[GPT_COH_HUGETLB] = "hugetlb",
	[GPT_COH_SHMEM] = "shmem",
};

static const char *const what_names[GPT_COH_WHAT_END] = {
	[GPT_COH_NOT_RUN] = "not-run",
	[GPT_COH_REFUSED] = "refused",
	[GPT_COH_COHERENT] = "coherent",
	[GPT_COH_DEVICE_STALE] = "device-stale",
	[GPT_COH_PROCESS_STALE] = "process-stale",
	[GPT_COH_SPLIT] = "split",
};

static const char *const pin_names[GPT_COH_PINS] = {
	"pin-rw", "get-rw", "pin-ro", "get-ro",
	"pin-rw-lt", "get-rw-lt", "pin-ro-lt", "get-ro-lt",
};

const char *gpt_coh_event_name(enum gpt_coh_event e)
{
	return e < GPT_COH_EVENTS ? event_names[e][0] : "?";
}

const char *gpt_coh_event_text(enum gpt_coh_event e)
{
	return e < GPT_COH_EVENTS ? event_names[e][1] : "?";
}

const char *gpt_coh_mem_name(enum gpt_coh_mem m)
{
	return m < GPT_COH_MEMS ? mem_names[m] : "?";
}

const char *gpt_coh_what_name(enum gpt_coh_what w)
{
	return w < GPT_COH_WHAT_END ? what_names[w] : "?";
}

int gpt_coh_event_by_name(const char *name)
{
	for (int e = 0; e < GPT_COH_EVENTS; e++)
		if (!strcmp(name, event_names[e][0]))
			return e;
	return -1;
}

int gpt_coh_mem_by_name(const char *name)
{
	for (int m = 0; m < GPT_COH_MEMS; m++)
		if (!strcmp(name, mem_names[m]))
			return m;
	return -1;
}

int gpt_coh_pin_by_name(const char *name)
{
	for (int pin = 0; pin < GPT_COH_PINS; pin++)
		if (!strcmp(name, pin_names[pin]))
			return pin;
	return -1;
}

const char *gpt_coh_pin_name(unsigned int pin)
{
	return pin < GPT_COH_PINS ? pin_names[pin] : "?";
}

uint32_t gpt_coh_pin_path(unsigned int pin)
{
	return (pin & GPT_COH_GET) ? GPT_PATH_GUP_FAST : GPT_PATH_PIN_FAST;
}

uint64_t gpt_coh_pin_flags(unsigned int pin)
{
	uint64_t flags = GPT_FLAG_HOLD;

	if (!(pin & GPT_COH_READ_ONLY))
		flags |= GPT_FLAG_WRITE;
	if (pin & GPT_COH_LONGTERM)
		flags |= GPT_FLAG_LONGTERM;
	return flags;
}

bool gpt_coh_applies(enum gpt_coh_event e, enum gpt_coh_mem m)
{
	bool thp = m == GPT_COH_THP || m == GPT_COH_THP_PTE;

	switch (e) {
	case GPT_COH_PAGEOUT:
		return m != GPT_COH_HUGETLB;	/* hugetlb is never swapped */
	case GPT_COH_KSM:
		return thp || m == GPT_COH_ANON;	/* private anonymous only */
	case GPT_COH_THP_SPLIT:
		return thp;
	case GPT_COH_COLLAPSE:
		/* what could become a PMD-mapped THP and is not one */
		return m == GPT_COH_ANON || m == GPT_COH_THP_PTE || m == GPT_COH_SHMEM;
	default:
		return e < GPT_COH_EVENTS && m < GPT_COH_MEMS;
	}
}

void gpt_coh_cell(const struct gpt_coh_result *r, char *buf, size_t len)
{
	static const char *const short_names[GPT_COH_WHAT_END] = {
		[GPT_COH_NOT_RUN] = "not-run", [GPT_COH_REFUSED] = "refused",
		[GPT_COH_COHERENT] = "ok", [GPT_COH_DEVICE_STALE] = "dev-stale",
		[GPT_COH_PROCESS_STALE] = "proc-stale", [GPT_COH_SPLIT] = "split",
	};
	unsigned int stale = r->pages - r->device_sees;

	if (r->what == GPT_COH_PROCESS_STALE)
		stale = r->pages - r->process_sees;
	/* How many pages, only when not all of them. */
	if (r->what >= GPT_COH_DEVICE_STALE && stale != r->pages)
		snprintf(buf, len, "%s %u", short_names[r->what], stale);
	else
		snprintf(buf, len, "%s", short_names[r->what]);
}

/* One cell as it runs. */
struct cell {
	const struct gpt_coh_env *env;
	enum gpt_coh_event e;
	enum gpt_coh_mem m;
	unsigned int pin;
	size_t ps;
	char *res;		/* the reservation the range lives in: 4 SPANs */
	char *p;		/* the range: where the process uses it now */
	size_t len;
	uint64_t handle;
	uint32_t stamp;		/* makes this cell's values its own */
	pid_t child;
	int release;		/* fork-child-writes: closing it ends the child */
	bool thp_was_never;	/* THP turned on for this cell */
	struct gpt_kpage before[2 * N], after[2 * N];
	struct gpt_page_sample held[N];
};

static void note(struct gpt_coh_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct gpt_coh_result *r, const char *fmt, ...)
{
	size_t used = strlen(r->detail);
	va_list ap;

	if (used && used + 2 < sizeof(r->detail)) {
		strcat(r->detail, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->detail + used, sizeof(r->detail) - used, fmt, ap);
	va_end(ap);
}

static void not_run(struct gpt_coh_result *r, const char *why, int err)
{
	r->what = GPT_COH_NOT_RUN;
	if (err)
		note(r, "%s: %s", why, gpt_errno_name(err));
	else
		note(r, "%s", why);
}

/* What is written where: who wrote it (1 setup, 2 child, 3 process, 4 device). */
static uint64_t value(const struct cell *c, unsigned int who, size_t i)
{
	return (uint64_t)c->stamp << 32 | (uint64_t)who << 16 | (uint64_t)i;
}

static volatile uint64_t *word(const struct cell *c, size_t i)
{
	return (volatile uint64_t *)(c->p + i * c->ps);
}

static bool swap_active(void)
{
	char line[256];
	int lines = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;
}

/* Maps and writes the range; false (NOT_RUN) if it cannot be had here. */
static bool map_range(struct cell *c, struct gpt_coh_result *r)
{
	int prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	unsigned long node0 = 1;
	int fd = -1, advice = -1;
	char *want;

	c->res = mmap(NULL, 4 * SPAN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		      -1, 0);
	if (c->res == MAP_FAILED) {
		c->res = NULL;
		not_run(r, "mmap of the reservation", errno);
		return false;
	}
	want = (char *)(((uintptr_t)c->res + SPAN - 1) & ~(SPAN - 1));
	c->len = SPAN;
	switch (c->m) {
	case GPT_COH_ANON:
		advice = MADV_NOHUGEPAGE;
		break;
	case GPT_COH_THP:
	case GPT_COH_THP_PTE:
		advice = MADV_HUGEPAGE;
		break;
	case GPT_COH_HUGETLB:
		if (gpt_hugepages_reserve(4)) {
			not_run(r, "reserving 4 huge pages (vm.nr_hugepages)", errno);
			return false;
		}
		flags |= MAP_HUGETLB;
		break;
	default:
		fd = (int)syscall(SYS_memfd_create, "gpt-coherence", 1U /* MFD_CLOEXEC */);
		if (fd < 0 || ftruncate(fd, (off_t)SPAN)) {
			not_run(r, "memfd_create", errno);
			if (fd >= 0)
				close(fd);
			return false;
		}
		flags = MAP_SHARED | MAP_FIXED;
		break;
	}
	c->p = mmap(want, SPAN, prot, flags, fd, 0);
	if (fd >= 0)
		close(fd);
	if (c->p == MAP_FAILED) {
		c->p = NULL;
		not_run(r, "mmap", errno);
		return false;
	}
	/*
	 * Node 0: where a NUMA machine puts memory nobody bound (the
	 * experiments VM's node 1 is all ZONE_MOVABLE, where long-term pins
	 * migrate or are refused).  Without NUMA, mbind() is harmless.
	 */
	syscall(SYS_mbind, c->p, SPAN, 2 /* MPOL_BIND */, &node0, 8 * sizeof(node0), 0);
	/* Without CONFIG_TRANSPARENT_HUGEPAGE both advices are EINVAL. */
	if (advice >= 0 && madvise(c->p, SPAN, advice) &&
	    (errno != EINVAL || advice == MADV_HUGEPAGE)) {
		not_run(r, errno == EINVAL ? "no THP in this kernel (madvise(MADV_HUGEPAGE))" :
			"madvise(MADV_[NO]HUGEPAGE)", errno);
		return false;
	}
	/* Pinned pages alike, the rest alike but different, for KSM. */
	memset(c->p, 0x5a, N * c->ps);
	memset(c->p + N * c->ps, 0xa5, SPAN - N * c->ps);
	if (c->m == GPT_COH_THP_PTE) {
		/* cow.c's way: a PMD split, the THP left whole. */
		if (mprotect(c->p + SPAN - c->ps, c->ps, PROT_READ) ||
		    mprotect(c->p + SPAN - c->ps, c->ps, prot)) {
			not_run(r, "mprotect() splitting the PMD", errno);
			return false;
		}
	}
	gpt_lru_drain();
	return true;
}

/* Is the memory what the row says?  From the pin's own samples. */
static bool kind_as_wanted(const struct cell *c, const struct gpt_page_record *rec,
			   struct gpt_coh_result *r)
{
	unsigned int ok = 0;

	for (size_t i = 0; i < N; i++) {
		/* How it is mapped: the walk before GUP, not what GUP returned. */
		const struct gpt_page_sample *s = &rec[i].pinned;
		bool large = s->flags & GPT_PAGE_LARGE;
		bool pmd = rec[i].before.flags & GPT_PAGE_HUGE_MAPPED;

		switch (c->m) {
		case GPT_COH_ANON:
			ok += s->kind == GPT_KIND_ANON;
			break;
		case GPT_COH_THP:
			ok += s->kind == GPT_KIND_THP && large && pmd;
			break;
		case GPT_COH_THP_PTE:
			ok += s->kind == GPT_KIND_THP && large && !pmd;
			break;
		case GPT_COH_HUGETLB:
			ok += s->kind == GPT_KIND_HUGETLB;
			break;
		default:
			ok += s->kind == GPT_KIND_SHMEM && !large;
			break;
		}
	}
	if (ok == N)
		return true;
	r->what = GPT_COH_NOT_RUN;
	note(r, "%u/%d pages are %s memory (page 0: kind %s, order %u%s)", ok, N,
	     gpt_coh_mem_name(c->m), gpt_page_kind_name(rec[0].pinned.kind),
	     rec[0].pinned.order,
	     rec[0].before.flags & GPT_PAGE_HUGE_MAPPED ? ", PMD-mapped" : "");
	return false;
}

static bool pin_range(struct cell *c, struct gpt_coh_result *r)
{
	static struct gpt_page_record rec[N];
	struct gpt_pin req = { .path = gpt_coh_pin_path(c->pin),
			       .flags = gpt_coh_pin_flags(c->pin),
			       .addr = (uintptr_t)c->p, .nr_pages = N };
	struct gpt_pin_result res;
	int ret = gpt_pin(c->env->fd, &req, &res, rec, N);

	/* A partial pin is held too: the handle, for the release. */
	c->handle = ret ? 0 : res.handle;
	/* Refused by the module (its reason: get-longterm) or by GUP. */
	if ((ret && res.reason) || (!ret && res.error)) {
		r->what = GPT_COH_REFUSED;
		r->err = ret ? -ret : res.error;
		note(r, "pin refused by %s: %s (%s)", ret ? "the module" : "GUP",
		     gpt_errno_name(r->err), gpt_reason_name(res.reason));
		return false;
	}
	if (ret) {
		not_run(r, "PIN", -ret);
		return false;
	}
	if (res.pinned != N) {
		not_run(r, "", 0);
		note(r, "pinned %" PRIu64 "/%d pages", (uint64_t)res.pinned, N);
		return false;
	}
	return kind_as_wanted(c, rec, r);
}

/* ksmd over the range: every page seen thrice, then until it merges no more. */
static int ksm_event(struct cell *c, struct gpt_coh_result *r)
{
	struct gpt_kpage k[2 * N];
	struct gpt_ksm saved;
	double ms = 0;
	int scans;

	if (gpt_ksm_read("run") < 0) {
		not_run(r, "no KSM in this kernel (CONFIG_KSM)", 0);
		return -1;
	}
	if (madvise(c->p, c->len, MADV_MERGEABLE))
		return errno;
	/*
	 * The last pages faulted in wait in an LRU batch, which holds
	 * a reference: write_protect_page() merges no page with more
	 * references than mappings, so the control would stay unmerged.
	 */
	gpt_lru_drain();
	scans = gpt_ksm_scan(&saved, 3, &ms);
	/* Merged pages stay merged until written: no unmerging. */
	gpt_ksm_restore(&saved, false);
	if (scans < 0) {
		not_run(r, "ksmd", -scans);
		return -1;
	}
	/*
	 * Merged: mapping the same page as another page of its half (not
	 * KPF_KSM, which 6.12 sets on every anonymous page).
	 */
	if (!gpt_kpages_read(0, (uintptr_t)c->p, 2 * N, k))
		for (size_t i = 0; i < 2 * N; i++) {
			size_t from = i < N ? 0 : N;
			bool merged = false;

			for (size_t j = from; j < from + N; j++)
				merged |= j != i && k[j].present && k[j].pfn == k[i].pfn;
			if (i < N)
				r->pinned_merged += merged;
			else
				r->control_merged += merged;
		}
	note(r, "ksmd: %d full scans in %.0f ms, merged: pinned %u/%d, control %u/%d",
	     scans, ms, r->pinned_merged, N, r->control_merged, N);
	return 0;
}

static void touch(const struct cell *c)
{
	for (size_t i = 0; i < 2 * N; i++)
		(void)*word(c, i);
}

static int fork_event(struct cell *c, struct gpt_coh_result *r)
{
	int go[2], ready[2], status;
	char byte = 0;

	if (c->e == GPT_COH_FORK_CHILD_EXITS) {
		c->child = fork();
		if (c->child < 0)
			return errno;
		if (c->child == 0)
			_exit(0);
		waitpid(c->child, &status, 0);
		c->child = 0;
		return 0;
	}
	if (pipe(go))
		return errno;
	if (pipe(ready)) {
		close(go[0]);
		close(go[1]);
		return errno;
	}
	c->child = fork();
	if (c->child < 0) {
		int err = errno;

		close(go[0]);
		close(go[1]);
		close(ready[0]);
		close(ready[1]);
		not_run(r, "fork", err);
		return -1;
	}
	if (c->child == 0) {
		close(go[1]);
		close(ready[0]);
		for (size_t i = 0; i < 2 * N; i++)
			*word(c, i) = value(c, 2, i);
		if (write(ready[1], &byte, 1) != 1)
			_exit(1);
		_exit(read(go[0], &byte, 1) < 0);
	}
	close(go[0]);
	close(ready[1]);
	c->release = go[1];
	if (read(ready[0], &byte, 1) != 1) {
		close(ready[0]);
		not_run(r, "the child did not write its pages (hugetlb: no huge page to "
			"copy to?)", 0);
		return -1;
	}
	close(ready[0]);
	return 0;
}

/* The event: its errno (0: done), or -1 when it could not run (NOT_RUN). */
static int event(struct cell *c, struct gpt_coh_result *r)
{
	long long swapped;
	char *to;

	switch (c->e) {
	case GPT_COH_FORK_CHILD_WRITES:
	case GPT_COH_FORK_CHILD_EXITS:
		return fork_event(c, r);
	case GPT_COH_MPROTECT:
		if (mprotect(c->p, c->len, PROT_READ))
			return errno;
		return mprotect(c->p, c->len, PROT_READ | PROT_WRITE) ? errno : 0;
	case GPT_COH_PAGEOUT:
		if (!swap_active()) {
			not_run(r, "no swap (swapon)", 0);
			return -1;
		}
		swapped = gpt_vmstat("pswpout");
		if (madvise(c->p, c->len, MADV_PAGEOUT_))
			return errno;
		r->sys_pswpout = gpt_vmstat("pswpout") - swapped;
		if (!gpt_kpages_read(0, (uintptr_t)c->p, 2 * N, c->after))
			for (size_t i = 0; i < 2 * N; i++) {
				if (i < N)
					r->pinned_swapped += c->after[i].swapped;
				else
					r->control_swapped += c->after[i].swapped;
			}
		touch(c);
		return 0;
	case GPT_COH_KSM:
		return ksm_event(c, r);
	case GPT_COH_THP_SPLIT:
		if (madvise(c->p, c->len, MADV_NOHUGEPAGE))
			return errno;
		if (munmap(c->p + SPAN - c->ps, c->ps))
			return errno;
		c->len = SPAN - c->ps;
		return 0;
	case GPT_COH_COLLAPSE:
		if (c->m == GPT_COH_ANON && madvise(c->p, c->len, MADV_HUGEPAGE))
			return errno;
		return madvise(c->p, c->len, MADV_COLLAPSE_) ? errno : 0;
	case GPT_COH_MREMAP:
		/* Two PMDs on, still aligned: a THP can move whole. */
		to = mremap(c->p, c->len, c->len, MREMAP_MAYMOVE | MREMAP_FIXED,
			    c->p + 2 * SPAN);
		if (to == MAP_FAILED)
			return errno;
		c->p = to;
		return 0;
	case GPT_COH_DONTNEED:
		if (madvise(c->p, c->len, MADV_DONTNEED))
			return errno;
		touch(c);
		return 0;
	default:
		return EINVAL;
	}
}

/* Both ways, every pinned page, then where each side's pages are. */
static void check(struct cell *c, struct gpt_coh_result *r)
{
	struct gpt_query_result q;
	struct gpt_kpage child[N];
	uint64_t v;
	int err;

	/* The process writes; does the device read it? */
	for (size_t i = 0; i < 2 * N; i++)
		*word(c, i) = value(c, 3, i);
	for (size_t i = 0; i < N; i++) {
		err = gpt_rw(c->env->fd, c->handle, i, 0, &v, sizeof(v), false, NULL);
		if (err) {
			not_run(r, "READ", -err);
			return;
		}
		r->device_sees += v == value(c, 3, i);
	}
	/* Where the pin's pages and the process's are now. */
	err = gpt_query(c->env->fd, c->handle, 0, c->held, N, &q);
	if (err || q.nr_records != N) {
		not_run(r, "QUERY", -err);
		return;
	}
	err = gpt_kpages_read(0, (uintptr_t)c->p, 2 * N, c->after);
	if (err) {
		not_run(r, "/proc/self/pagemap (pfns need root)", -err);
		return;
	}
	for (size_t i = 0; i < 2 * N; i++) {
		bool moved = !c->after[i].present || c->after[i].pfn != c->before[i].pfn;

		if (i < N) {
			r->same_page += c->after[i].pfn == c->held[i].pfn;
			r->pinned_moved += moved;
		} else {
			r->control_moved += moved;
		}
	}
	r->pin_pfn = c->held[0].pfn;
	r->map_pfn = c->after[0].pfn;
	if (c->child > 0 && !gpt_kpages_read(c->child, (uintptr_t)c->p, N, child))
		for (size_t i = 0; i < N; i++)
			r->child_maps_pin += child[i].pfn == c->held[i].pfn;
	/* The device writes; does the process read it? */
	if (!(c->pin & GPT_COH_READ_ONLY)) {
		for (size_t i = 0; i < N; i++) {
			v = value(c, 4, i);
			err = gpt_rw(c->env->fd, c->handle, i, 0, &v, sizeof(v), true, NULL);
			if (err) {
				not_run(r, "WRITE", -err);
				return;
			}
			r->process_sees += *word(c, i) == value(c, 4, i);
		}
		r->device_wrote = true;
	}
	if (r->device_sees == N && (!r->device_wrote || r->process_sees == N))
		r->what = GPT_COH_COHERENT;
	else if (r->device_wrote && r->device_sees < N && r->process_sees < N)
		r->what = GPT_COH_SPLIT;
	else if (r->device_sees < N)
		r->what = GPT_COH_DEVICE_STALE;
	else
		r->what = GPT_COH_PROCESS_STALE;
}

void gpt_coh_run(const struct gpt_coh_env *env, enum gpt_coh_event e,
		 enum gpt_coh_mem m, unsigned int pin, struct gpt_coh_result *r)
{
	static uint32_t cells;
	struct cell *c;
	int status;

	memset(r, 0, sizeof(*r));
	r->pages = N;
	if (!gpt_coh_applies(e, m))
		return not_run(r, "does not apply", 0);
	c = malloc(sizeof(*c));
	if (!c)
		return not_run(r, "out of memory", ENOMEM);
	*c = (struct cell){ .env = env, .e = e, .m = m, .pin = pin,
			    .ps = (size_t)sysconf(_SC_PAGESIZE), .release = -1,
			    .stamp = (uint32_t)getpid() << 12 ^ ++cells };
	if (m == GPT_COH_THP || m == GPT_COH_THP_PTE || e == GPT_COH_COLLAPSE)
		c->thp_was_never = gpt_thp_allow();
	if (!map_range(c, r) || !pin_range(c, r))
		goto out;
	if (gpt_kpages_read(0, (uintptr_t)c->p, 2 * N, c->before)) {
		not_run(r, "/proc/self/pagemap (pfns need root)", EPERM);
		goto out;
	}
	r->event_err = event(c, r);
	if (r->event_err < 0) {
		r->event_err = 0;
		goto out;
	}
	check(c, r);
	if (r->what == GPT_COH_NOT_RUN)
		goto out;
	note(r, "%s%s%s", gpt_coh_event_name(e), r->event_err ? " failed: " : " done",
	     r->event_err ? gpt_errno_name(r->event_err) : "");
	note(r, "device read the process's write on %u/%d pages", r->device_sees, N);
	if (r->device_wrote)
		note(r, "process read the device's write on %u/%d", r->process_sees, N);
	note(r, "pin holds pfn %#" PRIx64 ", process maps %#" PRIx64 " (same page: %u/%d)",
	     r->pin_pfn, r->map_pfn, r->same_page, N);
	note(r, "mapping changed: pinned %u/%d, unpinned control %u/%d", r->pinned_moved, N,
	     r->control_moved, N);
	if (e == GPT_COH_PAGEOUT)
		note(r, "swap entries: pinned %u/%d, control %u/%d; pswpout %+lld "
		     "(system-wide)", r->pinned_swapped, N, r->control_swapped, N,
		     r->sys_pswpout);
	if (e == GPT_COH_FORK_CHILD_WRITES)
		note(r, "the child maps the pinned page: %u/%d", r->child_maps_pin, N);
out:
	if (c->handle) {
		struct gpt_unpin_result u;

		gpt_unpin(env->fd, c->handle, 0, &u);
	}
	if (c->release >= 0)
		close(c->release);
	if (c->child > 0)
		waitpid(c->child, &status, 0);
	if (c->res)
		munmap(c->res, 4 * SPAN);
	if (c->thp_was_never)
		gpt_thp_never();
	free(c);
}
