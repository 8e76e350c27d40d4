// SPDX-License-Identifier: GPL-2.0
/*
 * Held pins: PIN with GPT_FLAG_HOLD, QUERY, READ/WRITE through the pin,
 * UNPIN, the per-file cap, and release on close() and on process exit.
 * Also what a device sees after fork(): a FOLL_PIN page stays the
 * parent's, a FOLL_GET page does not (the COW selftests' question).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "expect.h"

#define NPAGES		16
#define EXT4_MAGIC	0xef53
#define TMPFS_MAGIC	0x01021994
#define HUGETLB_MAGIC	0x958458f6

/* PIN+HOLD; @res gets the result, @rec (may be NULL) @pages records. */
static int hold_rec(int fd, void *addr, size_t pages, uint32_t path,
		    uint64_t flags, struct gpt_pin_result *res,
		    struct gpt_page_record *rec)
{
	struct gpt_pin req = { .addr = (uintptr_t)addr, .nr_pages = pages,
			       .path = path, .flags = flags | GPT_FLAG_HOLD };

	return gpt_pin(fd, &req, res, rec, rec ? (uint32_t)pages : 0);
}

static int hold(int fd, void *addr, size_t pages, uint32_t path,
		uint64_t flags, struct gpt_pin_result *res)
{
	return hold_rec(fd, addr, pages, path, flags, res, NULL);
}

static int unpin(int fd, uint64_t handle, uint64_t flags)
{
	struct gpt_unpin_result u;

	return gpt_unpin(fd, handle, flags, &u);
}

static int rw(int fd, uint64_t handle, uint64_t index, void *buf, uint32_t len,
	      bool write)
{
	return gpt_rw(fd, handle, index, 0, buf, len, write, NULL);
}

/*
 * The refcount of each of @n pages at @addr now, from the "before" sample
 * of a PIN through get_user_pages_fast_only(), which takes and drops a
 * reference and touches no flag.  -1 where it failed.
 */
void refcounts_now(int fd, void *addr, size_t n, int64_t *ref)
{
	struct gpt_pin req = { .addr = (uintptr_t)addr, .nr_pages = n,
			       .path = GPT_PATH_GUP_FAST_ONLY };
	struct gpt_page_record rec[NPAGES];
	struct gpt_pin_result res;
	int err = n > NPAGES ? -E2BIG : gpt_pin(fd, &req, &res, rec, NPAGES);

	for (size_t i = 0; i < n; i++)
		ref[i] = err ? -1 : rec[i].before.refcount;
}

static int64_t refcount_now(int fd, void *addr)
{
	int64_t ref;

	refcounts_now(fd, addr, 1, &ref);
	return ref;
}

static void check_counters(struct tap_point *t, const struct gpt_pin_counters *c0,
			   int64_t acquired, int64_t released)
{
	struct gpt_pin_counters c1;

	if (!tap_check(t, gpt_pin_counters_read(&c1) == 0, "reading /proc/vmstat"))
		return;
	tap_check_eq(t, "/proc/vmstat acquired delta", acquired,
		     c1.acquired - c0->acquired);
	tap_check_eq(t, "/proc/vmstat released delta", released,
		     c1.released - c0->released);
}

/* PIN+HOLD, QUERY every page, UNPIN: counts move only at the ends. */
static void test_lifecycle(struct suite *s)
{
	struct gpt_page_record rec[NPAGES];
	struct gpt_page_sample smp[NPAGES + 1];
	struct gpt_kpage kp[NPAGES];
	struct gpt_pin_counters c0;
	struct gpt_query_result q, q2;
	struct gpt_unpin_result u;
	struct gpt_pin_result res;
	int64_t before[NPAGES], after[NPAGES];
	struct gpt_mem mem;
	struct tap_point t;

	tap_begin(&t);
	if (!tap_check(&t, !gpt_mem_map("anon", NPAGES, 0, GPT_PREFAULT_WRITE,
					&mem), "mapping"))
		goto out;
	refcounts_now(s->fd, mem.addr, NPAGES, before);
	gpt_pin_counters_read(&c0);
	tap_check_eq(&t, "PIN errno", 0, hold_rec(s->fd, mem.addr, NPAGES,
						  GPT_PATH_PIN_FAST, GPT_FLAG_WRITE,
						  &res, rec));
	tap_check(&t, res.handle != 0, "no handle");
	tap_check_eq(&t, "pinned", NPAGES, (int64_t)res.pinned);
	tap_check_eq(&t, "released", 0, (int64_t)res.released);
	tap_check_eq(&t, "memlock_charged", NPAGES, (int64_t)res.memlock_charged);
	tap_check_eq(&t, "sys vmstat acquired while held", NPAGES,
		     res.sys_vmstat_after.acquired);
	tap_check_eq(&t, "sys vmstat released while held", 0,
		     res.sys_vmstat_after.released);
	check_counters(&t, &c0, NPAGES, 0);

	tap_check_eq(&t, "QUERY errno", 0,
		     gpt_query(s->fd, res.handle, 0, smp, NPAGES + 1, &q));
	tap_check_eq(&t, "QUERY nr_pages", NPAGES, (int64_t)q.nr_pages);
	tap_check_eq(&t, "QUERY nr_records", NPAGES, (int64_t)q.nr_records);
	tap_check_eq(&t, "QUERY path", GPT_PATH_PIN_FAST, q.path);
	tap_check_eq(&t, "QUERY memlock_charged", NPAGES, (int64_t)q.memlock_charged);
	tap_check(&t, q.addr == (uintptr_t)mem.addr, "QUERY addr");
	tap_check(&t, q.flags == (GPT_FLAG_WRITE | GPT_FLAG_HOLD), "QUERY flags %#llx",
		  (unsigned long long)q.flags);
	tap_check(&t, !gpt_kpages_read(0, (uintptr_t)mem.addr, NPAGES, kp),
		  "reading pagemap");
	for (unsigned int i = 0; i < q.nr_records && i < NPAGES; i++) {
		tap_check(&t, smp[i].kind == GPT_KIND_ANON, "page %u kind %s", i,
			  gpt_page_kind_name(smp[i].kind));
		tap_check(&t, (smp[i].flags & GPT_PAGE_DMA_PINNED) &&
			  (smp[i].flags & GPT_PAGE_LONGTERM_PINNABLE),
			  "page %u flags %#x", i, smp[i].flags);
		tap_check(&t, smp[i].zone != GPT_ZONE_MOVABLE &&
			  smp[i].zone != GPT_ZONE_DEVICE && smp[i].zone,
			  "page %u zone %s", i, gpt_zone_name(smp[i].zone));
		tap_check(&t, smp[i].pfn == kp[i].pfn, "page %u pfn %#llx, pagemap %#llx",
			  i, (unsigned long long)smp[i].pfn,
			  (unsigned long long)kp[i].pfn);
		tap_check(&t, smp[i].mapcount == 1 && kp[i].mapcount == 1,
			  "page %u mapcount %d, kpagecount %llu", i, smp[i].mapcount,
			  (unsigned long long)kp[i].mapcount);
		tap_check(&t, smp[i].refcount == before[i] + 1024,
			  "page %u refcount while held %lld, want %lld", i,
			  (long long)smp[i].refcount, (long long)before[i] + 1024);
		tap_check(&t, rec[i].pinned.refcount == smp[i].refcount,
			  "page %u: PIN's pinned sample %lld, QUERY's %lld", i,
			  (long long)rec[i].pinned.refcount, (long long)smp[i].refcount);
		tap_check(&t, !(rec[i].after.flags & GPT_PAGE_PRESENT),
			  "page %u has an after sample while held", i);
	}
	tap_check_eq(&t, "QUERY from page 10", 0,
		     gpt_query(s->fd, res.handle, 10, smp, NPAGES, &q2));
	tap_check_eq(&t, "its nr_records", NPAGES - 10, (int64_t)q2.nr_records);
	tap_check(&t, smp[0].pfn == kp[10].pfn, "page 10's pfn %#llx, pagemap %#llx",
		  (unsigned long long)smp[0].pfn, (unsigned long long)kp[10].pfn);
	usleep(20000);
	tap_check_eq(&t, "QUERY again", 0, gpt_query(s->fd, res.handle, 0, NULL, 0, &q2));
	tap_check(&t, q2.age_ns >= q.age_ns + 20000000ULL,
		  "age %llu ns after 20 ms, %llu before",
		  (unsigned long long)q2.age_ns, (unsigned long long)q.age_ns);

	gpt_pin_counters_read(&c0);
	tap_check_eq(&t, "UNPIN errno", 0, gpt_unpin(s->fd, res.handle, 0, &u));
	tap_check_eq(&t, "UNPIN released", NPAGES, (int64_t)u.released);
	tap_check_eq(&t, "UNPIN dirtied", 0, (int64_t)u.dirtied);
	tap_check_eq(&t, "UNPIN memlock_uncharged", NPAGES, (int64_t)u.memlock_uncharged);
	tap_check_eq(&t, "UNPIN sys vmstat released", NPAGES, u.sys_vmstat.released);
	check_counters(&t, &c0, 0, NPAGES);
	refcounts_now(s->fd, mem.addr, NPAGES, after);
	for (unsigned int i = 0; i < NPAGES; i++)
		tap_check(&t, after[i] == before[i], "page %u refcount %lld after UNPIN, %lld before",
			  i, (long long)after[i], (long long)before[i]);
	tap_check_eq(&t, "second UNPIN errno", -ENOENT,
		     gpt_unpin(s->fd, res.handle, 0, &u));
	tap_check_eq(&t, "second UNPIN reason", GPT_REASON_NO_HANDLE, u.reason);
	tap_check_eq(&t, "QUERY after UNPIN", -ENOENT,
		     gpt_query(s->fd, res.handle, 0, smp, 1, &q));
	gpt_mem_unmap(&mem);
out:
	tap_end(&t, "hold: PIN+HOLD pins 16 (memlock 16), QUERY sees each pinned page (+1024, pagemap's pfn), its age grows, UNPIN gives every page back");
}

/* Several holds in one file, released in any order. */
static void test_several(struct suite *s)
{
	struct gpt_page_sample smp;
	struct gpt_pin_result ra, rb;
	struct gpt_unpin_result u;
	struct gpt_query_result q;
	struct gpt_mem a, b;
	struct tap_point t;

	tap_begin(&t);
	gpt_mem_map("anon", 4, 0, GPT_PREFAULT_WRITE, &a);
	gpt_mem_map("anon", 8, 0, GPT_PREFAULT_WRITE, &b);
	tap_check_eq(&t, "PIN a", 0, hold(s->fd, a.addr, 4, GPT_PATH_PIN, GPT_FLAG_WRITE, &ra));
	tap_check_eq(&t, "PIN b", 0, hold(s->fd, b.addr, 8, GPT_PATH_GUP, 0, &rb));
	tap_check(&t, ra.handle && rb.handle && ra.handle != rb.handle,
		  "handles %llu and %llu", (unsigned long long)ra.handle,
		  (unsigned long long)rb.handle);
	tap_check_eq(&t, "QUERY a", 0, gpt_query(s->fd, ra.handle, 0, &smp, 1, &q));
	tap_check_eq(&t, "a nr_pages", 4, (int64_t)q.nr_pages);
	tap_check_eq(&t, "QUERY b", 0, gpt_query(s->fd, rb.handle, 0, &smp, 1, &q));
	tap_check_eq(&t, "b nr_pages", 8, (int64_t)q.nr_pages);
	tap_check(&t, !(smp.flags & GPT_PAGE_DMA_PINNED),
		  "FOLL_GET page looks pinned");
	tap_check_eq(&t, "UNPIN b", 0, gpt_unpin(s->fd, rb.handle, 0, &u));
	tap_check_eq(&t, "b released", 8, (int64_t)u.released);
	tap_check_eq(&t, "b sys vmstat released", 0, u.sys_vmstat.released);
	tap_check_eq(&t, "QUERY a after b", 0, gpt_query(s->fd, ra.handle, 0, &smp, 1, &q));
	tap_check_eq(&t, "UNPIN a, dirty", 0, gpt_unpin(s->fd, ra.handle,
							GPT_UNPIN_DIRTY, &u));
	tap_check_eq(&t, "a dirtied", 4, (int64_t)u.dirtied);
	tap_check_eq(&t, "a sys vmstat released", 4, u.sys_vmstat.released);
	gpt_mem_unmap(&a);
	gpt_mem_unmap(&b);
	tap_end(&t, "hold: two holds in one file (pin and get), released out of order");
}

/* close() and process exit give back every held page. */
static void test_release_on_close(struct suite *s)
{
	struct gpt_pin_counters c0;
	struct gpt_pin_result res;
	struct gpt_mem mem;
	struct tap_point t;
	int64_t before;
	int fd, status = -1;
	pid_t pid;

	tap_begin(&t);
	gpt_mem_map("anon", NPAGES, 0, GPT_PREFAULT_WRITE, &mem);
	/* The fault's LRU batch reference would go whenever it drains. */
	gpt_lru_drain();
	before = refcount_now(s->fd, mem.addr);
	gpt_pin_counters_read(&c0);
	fd = gpt_open();
	tap_check_eq(&t, "PIN 1", 0, hold(fd, mem.addr, NPAGES, GPT_PATH_PIN, 0, &res));
	tap_check_eq(&t, "PIN 2", 0, hold(fd, mem.addr, NPAGES, GPT_PATH_PIN_FAST,
					    GPT_FLAG_LONGTERM, &res));
	check_counters(&t, &c0, 2 * NPAGES, 0);
	tap_check_eq(&t, "refcount with two holds", before + 2048,
		     refcount_now(s->fd, mem.addr));
	close(fd);
	check_counters(&t, &c0, 2 * NPAGES, 2 * NPAGES);
	tap_check_eq(&t, "refcount after close", before, refcount_now(s->fd, mem.addr));
	tap_end(&t, "hold: close() releases every hold of the file");

	tap_begin(&t);
	gpt_pin_counters_read(&c0);
	pid = fork();
	if (pid == 0) {
		int cfd = gpt_open();

		/* Hold the inherited mapping's pages, then exit holding them. */
		_exit(cfd < 0 || hold(cfd, mem.addr, NPAGES, GPT_PATH_PIN_FAST,
				      GPT_FLAG_WRITE, &res) || res.pinned != NPAGES);
	}
	waitpid(pid, &status, 0);
	tap_check(&t, WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child could not hold its pages (status %#x)", status);
	check_counters(&t, &c0, NPAGES, NPAGES);
	tap_check_eq(&t, "refcount after the child", before,
		     refcount_now(s->fd, mem.addr));
	gpt_mem_unmap(&mem);
	tap_end(&t, "hold: a process that exits holding pins leaks nothing");
}

/* The per-file cap: ENOSPC past max_held_pages, fine again after UNPIN. */
static void test_cap(struct suite *s)
{
	long long saved = knob_read(MAX_HELD_PARAM);
	struct gpt_pin_result a, b;
	struct gpt_pin c = { 0 };
	struct gpt_mem mem;
	struct tap_point t;

	tap_begin(&t);
	tap_check(&t, saved > 0, "cannot read %s", MAX_HELD_PARAM);
	tap_check_eq(&t, "setting max_held_pages", 0, knob_write(MAX_HELD_PARAM, 24));
	gpt_mem_map("anon", NPAGES, 0, GPT_PREFAULT_WRITE, &mem);
	tap_check_eq(&t, "first hold", 0, hold(s->fd, mem.addr, NPAGES,
					       GPT_PATH_PIN_FAST, 0, &a));
	tap_check_eq(&t, "second hold errno", -ENOSPC,
		     hold(s->fd, mem.addr, NPAGES, GPT_PATH_PIN_FAST, 0, &b));
	tap_check_eq(&t, "second hold reason", GPT_REASON_HOLD_LIMIT, b.reason);
	c.addr = (uintptr_t)mem.addr;
	c.nr_pages = NPAGES;
	c.path = GPT_PATH_PIN_FAST;
	tap_check_eq(&t, "a PIN without HOLD still works", 0,
		     gpt_pin(s->fd, &c, &b, NULL, 0));
	tap_check_eq(&t, "UNPIN", 0, unpin(s->fd, a.handle, 0));
	tap_check_eq(&t, "hold after UNPIN", 0, hold(s->fd, mem.addr, NPAGES,
						     GPT_PATH_PIN_FAST, 0, &b));
	tap_check_eq(&t, "UNPIN", 0, unpin(s->fd, b.handle, 0));
	knob_write(MAX_HELD_PARAM, saved);
	gpt_mem_unmap(&mem);
	tap_end(&t, "hold: max_held_pages=24 allows one hold of 16, the next gets ENOSPC (hold-limit)");
}

/*
 * What QUERY says each kind of page is, on every page of the hold: kind,
 * filesystem, order, zone and the flags below exactly; pfn and map count
 * as /proc/PID/pagemap and /proc/kpagecount say.  Every fact is 6.1's:
 * folio_is_longterm_pinnable() is true outside ZONE_MOVABLE and CMA (6.15
 * makes it false for fsdax).
 */
#define KIND_FLAGS	(GPT_PAGE_DMA_PINNED | GPT_PAGE_LARGE | GPT_PAGE_DEVMAP | \
			 GPT_PAGE_ZERO | GPT_PAGE_LONGTERM_PINNABLE)
#define PINNED_LP	(GPT_PAGE_DMA_PINNED | GPT_PAGE_LONGTERM_PINNABLE)
#define RAM		0	/* DMA, DMA32 or NORMAL: what a 1 GiB VM has */

static const struct {
	enum gpt_mem_kind kind;
	uint32_t path;
	uint32_t page_kind;
	uint64_t magic;
	uint32_t order;
	uint32_t flags;		/* KIND_FLAGS, exactly */
	uint32_t zone;		/* RAM or GPT_ZONE_DEVICE */
} query_kinds[] = {
	{ GPT_MEM_ANON, GPT_PATH_PIN, GPT_KIND_ANON, 0, 0, PINNED_LP, RAM },
	{ GPT_MEM_ANON_THP, GPT_PATH_PIN, GPT_KIND_THP, 0, 9,
	  PINNED_LP | GPT_PAGE_LARGE, RAM },
	{ GPT_MEM_SHARED_ANON, GPT_PATH_PIN, GPT_KIND_SHMEM, TMPFS_MAGIC, 0, PINNED_LP, RAM },
	{ GPT_MEM_MEMFD, GPT_PATH_PIN, GPT_KIND_SHMEM, TMPFS_MAGIC, 0, PINNED_LP, RAM },
	{ GPT_MEM_MEMFD_HUGETLB, GPT_PATH_PIN, GPT_KIND_HUGETLB, HUGETLB_MAGIC, 9,
	  PINNED_LP | GPT_PAGE_LARGE, RAM },
	{ GPT_MEM_TMPFS, GPT_PATH_PIN, GPT_KIND_SHMEM, TMPFS_MAGIC, 0, PINNED_LP, RAM },
	{ GPT_MEM_EXT4_SHARED, GPT_PATH_PIN, GPT_KIND_FILE, EXT4_MAGIC, 0, PINNED_LP, RAM },
	{ GPT_MEM_EXT4_PRIVATE, GPT_PATH_PIN, GPT_KIND_FILE, EXT4_MAGIC, 0, PINNED_LP, RAM },
	{ GPT_MEM_FSDAX_SHARED, GPT_PATH_PIN, GPT_KIND_FSDAX, EXT4_MAGIC, 0,
	  PINNED_LP | GPT_PAGE_DEVMAP, GPT_ZONE_DEVICE },
	{ GPT_MEM_FSDAX_COW, GPT_PATH_PIN, GPT_KIND_ANON, 0, 0, PINNED_LP, RAM },
	/* FOLL_PIN of the zero page takes nothing (try_grab_folio(), 6.5, in 6.1.y) */
	{ GPT_MEM_ZERO_PAGE, GPT_PATH_PIN, GPT_KIND_ZERO, 0, 0,
	  GPT_PAGE_ZERO | GPT_PAGE_LONGTERM_PINNABLE, RAM },
	/* FOLL_GET: a reference, no pin */
	{ GPT_MEM_DEV_ZERO, GPT_PATH_GUP, GPT_KIND_ANON, 0, 0,
	  GPT_PAGE_LONGTERM_PINNABLE, RAM },
};

static void check_query_page(struct tap_point *t, size_t row, unsigned int i,
			     const struct gpt_page_sample *p,
			     const struct gpt_kpage *k)
{
	bool ram = p->zone == GPT_ZONE_DMA || p->zone == GPT_ZONE_DMA32 ||
		   p->zone == GPT_ZONE_NORMAL;

	tap_check(t, p->kind == query_kinds[row].page_kind, "page %u kind %s", i,
		  gpt_page_kind_name(p->kind));
	tap_check(t, p->fs_magic == query_kinds[row].magic, "page %u fs_magic %#llx",
		  i, (unsigned long long)p->fs_magic);
	tap_check(t, p->order == query_kinds[row].order, "page %u order %u", i, p->order);
	uint32_t flags = query_kinds[row].flags;

	if (query_kinds[row].kind == GPT_MEM_ZERO_PAGE && kernel_pins_zero_page())
		flags |= GPT_PAGE_DMA_PINNED;
	tap_check(t, (p->flags & KIND_FLAGS) == flags,
		  "page %u flags %#x, want %#x", i, (unsigned int)(p->flags & KIND_FLAGS),
		  flags);
	tap_check(t, query_kinds[row].zone == RAM ? ram : p->zone == query_kinds[row].zone,
		  "page %u zone %s", i, gpt_zone_name(p->zone));
	tap_check(t, k->present && p->pfn == k->pfn, "page %u pfn %#llx, pagemap %#llx",
		  i, (unsigned long long)p->pfn, (unsigned long long)k->pfn);
	/* /proc/kpagecount knows no ZONE_DEVICE page */
	if (!(p->flags & GPT_PAGE_DEVMAP))
		tap_check(t, (uint64_t)p->mapcount == k->mapcount,
			  "page %u mapcount %d, kpagecount %llu", i, p->mapcount,
			  (unsigned long long)k->mapcount);
}

static void test_query_kinds(struct suite *s)
{
	for (size_t i = 0; i < sizeof(query_kinds) / sizeof(query_kinds[0]); i++) {
		struct gpt_page_sample smp[NPAGES];
		struct gpt_kpage kp[NPAGES];
		struct gpt_query_result q;
		struct gpt_pin_result res;
		struct gpt_mem mem;
		struct tap_point t;
		int err;

		tap_begin(&t);
		err = gpt_kind_map(query_kinds[i].kind, &s->dirs, NPAGES, &mem);
		if (kind_missing(query_kinds[i].kind)) {
			tap_check_eq(&t, "mapping: errno",
				     kind_missing(query_kinds[i].kind), -err);
			if (!err)
				gpt_mem_unmap(&mem);
			tap_end(&t, "query: no %s memory in this kernel (%s)",
				gpt_kind_name(query_kinds[i].kind),
				gpt_errno_name(kind_missing(query_kinds[i].kind)));
			continue;
		}
		if (!tap_check(&t, !err, "mapping: %s", gpt_errno_name(-err)))
			goto next;
		tap_check_eq(&t, "PIN", 0, hold(s->fd, mem.addr, NPAGES,
						query_kinds[i].path, 0, &res));
		tap_check_eq(&t, "QUERY", 0, gpt_query(s->fd, res.handle, 0, smp,
						       NPAGES, &q));
		tap_check_eq(&t, "records", NPAGES, (int64_t)q.nr_records);
		err = gpt_kpages_read(0, (uintptr_t)mem.addr, NPAGES, kp);
		tap_check(&t, !err, "reading pagemap: %s", gpt_errno_name(-err));
		for (unsigned int p = 0; !err && p < q.nr_records && p < NPAGES; p++)
			check_query_page(&t, i, p, &smp[p], &kp[p]);
		unpin(s->fd, res.handle, 0);
next:
		gpt_mem_unmap(&mem);
		tap_end(&t, "query: every %s page is %s, fs magic %#llx, order %u, flags %#x",
			gpt_kind_name(query_kinds[i].kind),
			gpt_page_kind_name(query_kinds[i].page_kind),
			(unsigned long long)query_kinds[i].magic, query_kinds[i].order,
			query_kinds[i].flags);
	}
}

/* READ and WRITE through a held pin see what the process sees. */
static void test_rw(struct suite *s)
{
	struct gpt_pin_result res, ro;
	struct gpt_unpin_result u;
	struct gpt_rw_result r;
	struct gpt_mem mem;
	struct tap_point t;
	char buf[16];
	char *page1;

	tap_begin(&t);
	gpt_mem_map("anon", 2, 0, GPT_PREFAULT_WRITE, &mem);
	page1 = (char *)mem.addr + 4096;
	memcpy(page1 + 100, "from the cpu", 13);
	tap_check_eq(&t, "PIN", 0, hold(s->fd, mem.addr, 2, GPT_PATH_PIN_FAST,
					GPT_FLAG_WRITE, &res));
	tap_check_eq(&t, "READ", 0, rw(s->fd, res.handle, 1, buf, 1, false));
	tap_check_eq(&t, "READ at offset 0 of page 1: the prefault's mark", 2, buf[0]);
	tap_check_eq(&t, "READ at 100", 0,
		     gpt_rw(s->fd, res.handle, 1, 100, buf, 13, false, &r));
	tap_check(&t, !strcmp(buf, "from the cpu"), "READ: \"%s\"", buf);
	memcpy(buf, "from a device", 14);
	tap_check_eq(&t, "WRITE at 100", 0,
		     gpt_rw(s->fd, res.handle, 1, 100, buf, 14, true, &r));
	tap_check(&t, !strcmp(page1 + 100, "from a device"),
		  "the process sees \"%s\"", page1 + 100);
	tap_check_eq(&t, "READ past the page", -EINVAL,
		     gpt_rw(s->fd, res.handle, 1, 4090, buf, 7, false, &r));
	tap_check_eq(&t, "its reason", GPT_REASON_BAD_ARGUMENT, r.reason);
	tap_check_eq(&t, "READ past the hold", -EINVAL,
		     gpt_rw(s->fd, res.handle, 2, 0, buf, 7, false, &r));
	tap_check_eq(&t, "READ of no handle", -ENOENT,
		     gpt_rw(s->fd, 0, 0, 0, buf, 7, false, &r));
	tap_check_eq(&t, "its reason", GPT_REASON_NO_HANDLE, r.reason);
	tap_check_eq(&t, "read-only PIN", 0, hold(s->fd, mem.addr, 1, GPT_PATH_PIN,
						  0, &ro));
	tap_check_eq(&t, "WRITE through a read-only pin", -EINVAL,
		     gpt_rw(s->fd, ro.handle, 0, 0, buf, 4, true, &r));
	tap_check_eq(&t, "its reason", GPT_REASON_READ_ONLY_PIN, r.reason);
	tap_check_eq(&t, "UNPIN read-only", 0, unpin(s->fd, ro.handle, 0));
	tap_check_eq(&t, "UNPIN written", 0, gpt_unpin(s->fd, res.handle, 0, &u));
	tap_check_eq(&t, "a written hold is released dirty", 2, (int64_t)u.dirtied);
	gpt_mem_unmap(&mem);
	tap_end(&t, "rw: READ and WRITE through a held pin match the process's view; a written hold is released dirty");
}

/*
 * Hold a page, fork, let the child write its copy, then write the
 * parent's: does the held page follow the parent?  FOLL_PIN: yes, fork()
 * copies pinned anonymous pages for the child at once
 * (page_try_dup_anon_rmap() fails on folio_maybe_dma_pinned()).  FOLL_GET:
 * no, the page is shared at fork, and the parent's write COWs it away
 * from the held page (do_wp_page(): refcount > 1).
 */
static void test_fork(struct suite *s, uint32_t path, uint64_t flags,
		      bool follows_parent)
{
	const struct gpt_path_info *p = gpt_path_by_id(&s->info, path);
	struct gpt_pin_result res;
	struct gpt_mem mem;
	struct tap_point t;
	char buf[8] = "";
	int status = -1;
	pid_t pid;

	tap_begin(&t);
	gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &mem);
	strcpy(mem.addr, "parent");
	tap_check_eq(&t, "PIN", 0, hold(s->fd, mem.addr, 1, path, flags, &res));
	pid = fork();
	if (pid == 0) {
		strcpy(mem.addr, "child");
		_exit(strcmp(mem.addr, "child") != 0);
	}
	waitpid(pid, &status, 0);
	tap_check(&t, WIFEXITED(status) && !WEXITSTATUS(status), "child failed");
	tap_check_eq(&t, "READ after the child wrote", 0,
		     rw(s->fd, res.handle, 0, buf, 7, false));
	tap_check(&t, !strcmp(buf, "parent"), "the held page says \"%s\"", buf);
	strcpy(mem.addr, "PARENT");
	tap_check_eq(&t, "READ after the parent wrote", 0,
		     rw(s->fd, res.handle, 0, buf, 7, false));
	tap_check(&t, !strcmp(buf, follows_parent ? "PARENT" : "parent"),
		  "the held page says \"%s\"", buf);
	unpin(s->fd, res.handle, 0);
	gpt_mem_unmap(&mem);
	tap_end(&t, "fork: %s %s pin, child and parent write: the held page %s",
		p ? p->function : "?", flags & GPT_FLAG_WRITE ? "R/W" : "R/O",
		follows_parent ? "stays the parent's" : "is left behind by the parent's COW");
}

static int ksm_set(const char *knob, unsigned int v)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/mm/ksm/%s", knob);
	return knob_write(path, v);
}

/*
 * KSM: two identical MADV_MERGEABLE pages merged by ksmd.  FOLL_GET holds
 * the KSM page itself; FOLL_PIN, even read-only, must not pin a page it
 * cannot own exclusively: gup_must_unshare() makes GUP unshare it first,
 * so the pin lands on a fresh anonymous copy.  Before gup_must_unshare()
 * (a7f226604170, 5.19) the read-only pin took the KSM page itself.
 */
static const struct krange ksm_unshared = SINCE(5, 19);

static void test_ksm(struct suite *s)
{
	struct gpt_page_sample get_rec = { 0 }, pin_rec = { 0 };
	struct gpt_pin_result get, pin;
	struct gpt_query_result q;
	struct gpt_mem mem;
	struct tap_point t;
	int tries;

	if (!kernel.ksm) {
		tap_skip("ksm: no CONFIG_KSM in this kernel (no /sys/kernel/mm/ksm)");
		return;
	}
	tap_begin(&t);
	gpt_mem_map("anon", 2, 0, GPT_PREFAULT_NONE, &mem);
	memset(mem.addr, 0x77, mem.len);
	tap_check_eq(&t, "MADV_MERGEABLE", 0,
		     madvise(mem.addr, mem.len, MADV_MERGEABLE) ? -errno : 0);
	tap_check_eq(&t, "ksm pages_to_scan", 0, ksm_set("pages_to_scan", 1000));
	tap_check_eq(&t, "ksm sleep_millisecs", 0, ksm_set("sleep_millisecs", 1));
	tap_check_eq(&t, "ksm run", 0, ksm_set("run", 1));
	/* ksmd needs two passes to merge; allow a slow host 60 s. */
	for (tries = 0; tries < 6000; tries++) {
		if (knob_read("/sys/kernel/mm/ksm/pages_shared") >= 1)
			break;
		usleep(10000);
	}
	tap_check(&t, tries < 6000, "ksmd merged nothing in 60 s");
	tap_check_eq(&t, "gup hold", 0, hold(s->fd, mem.addr, 1, GPT_PATH_GUP, 0, &get));
	tap_check_eq(&t, "QUERY", 0, gpt_query(s->fd, get.handle, 0, &get_rec, 1, &q));
	tap_check(&t, get_rec.kind == GPT_KIND_KSM, "FOLL_GET page kind %s",
		  gpt_page_kind_name(get_rec.kind));
	tap_check_eq(&t, "pin hold", 0, hold(s->fd, mem.addr, 1, GPT_PATH_PIN, 0, &pin));
	tap_check_eq(&t, "QUERY", 0, gpt_query(s->fd, pin.handle, 0, &pin_rec, 1, &q));
	if (kernel_in(ksm_unshared)) {
		tap_check(&t, pin_rec.kind == GPT_KIND_ANON, "FOLL_PIN page kind %s",
			  gpt_page_kind_name(pin_rec.kind));
		tap_check(&t, pin_rec.pfn != get_rec.pfn, "FOLL_PIN pinned the KSM page");
	} else {
		tap_check(&t, pin_rec.kind == GPT_KIND_KSM, "FOLL_PIN page kind %s",
			  gpt_page_kind_name(pin_rec.kind));
		tap_check(&t, pin_rec.pfn == get_rec.pfn,
			  "FOLL_PIN did not pin the KSM page (%#llx, not %#llx)",
			  (unsigned long long)pin_rec.pfn,
			  (unsigned long long)get_rec.pfn);
	}
	unpin(s->fd, pin.handle, 0);
	unpin(s->fd, get.handle, 0);
	ksm_set("run", 2);	/* unmerge everything, stop ksmd */
	gpt_mem_unmap(&mem);
	tap_end(&t, "ksm: FOLL_GET holds the KSM page; a read-only FOLL_PIN %s",
		kernel_in(ksm_unshared) ? "unshares it first (gup_must_unshare(), 5.19)" :
		"pins it too (before gup_must_unshare(), 5.19)");
}

/*
 * The pin watch (HOLDS): every page of every hold old enough, across files
 * and processes, with its owner, path, age, and the page now.
 */
static void test_watch(struct suite *s)
{
	static struct gpt_held_page rec[32];
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	struct gpt_holds_result r;
	struct gpt_pin_result res;
	struct gpt_kpage k[4];
	struct gpt_mem mem;
	struct tap_point t;
	int fd2 = gpt_open(), ready[2] = { -1, -1 }, go[2] = { -1, -1 }, status;
	uint64_t child_addr = 0, ours = 0, theirs = 0;
	pid_t child = -1;
	int ret;

	tap_begin(&t);
	ret = gpt_mem_map("anon", 4, 0, GPT_PREFAULT_WRITE, &mem);
	if (!tap_check(&t, !ret && fd2 >= 0, "setup: %s", strerror(-ret)))
		goto out;
	tap_check_eq(&t, "PIN+HOLD of 4 pages in a second fd", 0,
		     hold(fd2, mem.addr, 4, GPT_PATH_PIN_FAST, GPT_FLAG_WRITE, &res));
	tap_check_eq(&t, "pagemap of them", 0, gpt_kpages_read(0, (uintptr_t)mem.addr, 4, k));
	/* Another process, its own fd, a long-term hold of 2 pages of its own. */
	if (pipe(ready) || pipe(go))
		goto out;
	child = fork();
	if (child == 0) {
		struct gpt_mem cm;
		int cfd = gpt_open();
		char c;

		close(ready[0]);
		close(go[1]);	/* or its read would never see the parent's close */
		if (cfd < 0 || gpt_mem_map("anon", 2, 0, GPT_PREFAULT_WRITE, &cm) ||
		    hold(cfd, cm.addr, 2, GPT_PATH_PIN, GPT_FLAG_LONGTERM, &res))
			_exit(1);
		child_addr = (uintptr_t)cm.addr;
		if (write(ready[1], &child_addr, sizeof(child_addr)) != sizeof(child_addr))
			_exit(1);
		_exit(read(go[0], &c, 1) < 0);
	}
	close(ready[1]);
	close(go[0]);
	ready[1] = go[0] = -1;
	tap_check(&t, child > 0 && read(ready[0], &child_addr, sizeof(child_addr)) ==
		  sizeof(child_addr), "the child's hold");
	usleep(50000);

	/* Everything older than 20 ms, listed from the first fd. */
	ret = gpt_holds(s->fd, 20000000, 0, 0, rec, 32, &r);
	tap_check_eq(&t, "HOLDS", 0, ret);
	tap_check_eq(&t, "holds", 2, r.holds);
	tap_check_eq(&t, "pages", 6, r.pages);
	tap_check_eq(&t, "hidden", 0, r.hidden);
	tap_check_eq(&t, "records", 6, r.nr_records);
	tap_check_eq(&t, "next_id (all listed)", 0, r.next_id);
	for (uint64_t i = 0; !ret && i < r.nr_records && i < 6; i++) {
		const struct gpt_held_page *p = &rec[i];
		bool mine = p->owner == getpid();
		uint64_t want = mine ? (uintptr_t)mem.addr : child_addr;

		if (mine)
			ours = p->id;
		else
			theirs = p->id;
		tap_check(&t, p->owner == getpid() || p->owner == child,
			  "record %" PRIu64 ": owner %d, want %d or %d", i, p->owner,
			  (int)getpid(), (int)child);
		tap_check(&t, p->pid == 0 && p->addr == want + p->index * ps &&
			  p->age_ns >= 50000000 && (p->sample.flags & GPT_PAGE_DMA_PINNED) &&
			  p->sample.kind == GPT_KIND_ANON,
			  "record %" PRIu64 ": pid %d addr %#llx (want %#llx) age %llu ns "
			  "flags %#x kind %u", i, p->pid, (unsigned long long)p->addr,
			  (unsigned long long)(want + p->index * ps),
			  (unsigned long long)p->age_ns, p->sample.flags, p->sample.kind);
		if (mine)
			tap_check(&t, p->handle == res.handle && p->path == GPT_PATH_PIN_FAST &&
				  p->flags == (GPT_FLAG_WRITE | GPT_FLAG_HOLD) && p->index < 4 &&
				  p->sample.pfn == k[p->index].pfn,
				  "own record %" PRIu64 ": handle %llu path %u flags %#llx pfn "
				  "%#llx (pagemap %#llx)", i, (unsigned long long)p->handle,
				  p->path, (unsigned long long)p->flags,
				  (unsigned long long)p->sample.pfn,
				  (unsigned long long)(p->index < 4 ? k[p->index].pfn : 0));
		else
			tap_check(&t, p->path == GPT_PATH_PIN && p->index < 2 &&
				  p->flags == (GPT_FLAG_LONGTERM | GPT_FLAG_HOLD),
				  "the child's record %" PRIu64 ": path %u flags %#llx", i,
				  p->path, (unsigned long long)p->flags);
	}
	tap_check(&t, ours && theirs && ours < theirs,
		  "hold ids in the order taken: ours %llu, the child's %llu",
		  (unsigned long long)ours, (unsigned long long)theirs);

	/* Three records a call: resumed where it stopped. */
	ret = gpt_holds(s->fd, 20000000, 0, 0, rec, 3, &r);
	tap_check(&t, !ret && r.nr_records == 3 && r.next_id == ours && r.next_index == 3,
		  "first 3: %d, %llu records, next %llu/%llu (want %llu/3)", ret,
		  (unsigned long long)r.nr_records, (unsigned long long)r.next_id,
		  (unsigned long long)r.next_index, (unsigned long long)ours);
	ret = gpt_holds(s->fd, 20000000, r.next_id, r.next_index, rec, 3, &r);
	tap_check(&t, !ret && r.nr_records == 3 && !r.next_id && rec[0].id == ours &&
		  rec[0].index == 3 && rec[1].id == theirs && rec[2].index == 1,
		  "next 3: %d, %llu records, next %llu", ret,
		  (unsigned long long)r.nr_records, (unsigned long long)r.next_id);
	/* Counting only; and nothing is a minute old. */
	ret = gpt_holds(s->fd, 20000000, 0, 0, NULL, 0, &r);
	tap_check(&t, !ret && r.holds == 2 && r.pages == 6 && !r.nr_records,
		  "count only: %d, %llu holds %llu pages", ret,
		  (unsigned long long)r.holds, (unsigned long long)r.pages);
	ret = gpt_holds(s->fd, 60000000000ULL, 0, 0, rec, 32, &r);
	tap_check(&t, !ret && !r.holds && !r.nr_records,
		  "older than 60 s: %d, %llu holds", ret, (unsigned long long)r.holds);
out:
	if (ready[0] >= 0)
		close(ready[0]);
	if (go[1] >= 0)
		close(go[1]);	/* the child exits: its fd releases its hold */
	if (child > 0)
		waitpid(child, &status, 0);
	if (fd2 >= 0)
		close(fd2);
	gpt_mem_unmap(&mem);
	ret = gpt_holds(s->fd, 0, 0, 0, rec, 32, &r);
	tap_check(&t, !ret && !r.holds && !r.nr_records,
		  "after close() and exit: %d, %llu holds", ret, (unsigned long long)r.holds);
	tap_end(&t, "watch: HOLDS lists every page of every hold of every file and process "
		"(owner, path, flags, age, pagemap's pfn), in the order taken, 3 at a time, "
		"none once closed");
}

void test_holds(struct suite *s)
{
	test_lifecycle(s);
	test_several(s);
	test_release_on_close(s);
	test_cap(s);
	test_query_kinds(s);
	test_ksm(s);
	test_rw(s);
	test_watch(s);
	test_fork(s, GPT_PATH_PIN_FAST, 0, true);
	test_fork(s, GPT_PATH_PIN_FAST, GPT_FLAG_WRITE, true);
	test_fork(s, GPT_PATH_PIN, GPT_FLAG_LONGTERM, true);
	test_fork(s, GPT_PATH_GUP_FAST, 0, false);
	test_fork(s, GPT_PATH_GUP_FAST, GPT_FLAG_WRITE, false);
}
