// SPDX-License-Identifier: GPL-2.0
/*
 * Bad requests: each row spoils one field of a valid PIN request (or
 * sends something that is no request at all) and names the errno and
 * reason it must get.  None may pin anything or leave a reference.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite.h"

enum spoil {
	SPOIL_SAMPLE_NO_RECORDS,	/* sample_size without records */
	SPOIL_SAMPLE_SMALL,	/* sample_size below version 3's */
	SPOIL_RECORD_SHORT,	/* records too short for three samples */
	SPOIL_PATH_ZERO,
	SPOIL_PATH_END,
	SPOIL_PATH_HUGE,
	SPOIL_FLAG_NEXT,
	SPOIL_FLAG_TOP,
	SPOIL_ZERO_PAGES,
	SPOIL_TOO_MANY_PAGES,
	SPOIL_UNALIGNED,
	SPOIL_WRAPS,
	SPOIL_SIZE_ZERO,	/* size 0: not even the first version */
	SPOIL_SIZE_SMALL,	/* size 8 short of the first version */
	SPOIL_ACCOUNT_END,	/* account past the last */
	SPOIL_ACCOUNT_RESERVED,	/* the padding after account set */
	SPOIL_ACCOUNT_NONE_HOLD, /* a hold charged to nothing */
	SPOIL_TRAILING_SET,	/* a bigger struct, a byte past ours set */
	SPOIL_SIZE_HUGE,	/* size past a page */
	SPOIL_RESULT_NULL,
	SPOIL_RESULT_SMALL,
	SPOIL_RECORD_SMALL,	/* records of 8 bytes */
	SPOIL_RECORD_ODD,	/* elem_size not a multiple of 8 */
	SPOIL_RECORD_NO_PTR,	/* count without a pointer */
	SPOIL_RECORD_OVERLAP,	/* records inside the pinned range */
	SPOIL_RECORD_UNMAPPED,	/* records pointer to a page it cannot write */
	SPOIL_PIN_NULL,		/* PIN with a NULL struct pointer */
	SPOIL_INFO_NULL,	/* INFO with a NULL struct pointer */
	SPOIL_UNKNOWN_CMD,	/* our magic, a number we do not serve */
	SPOIL_UAPI2_PIN,	/* uapi 2's PIN number */
	SPOIL_GUP_TEST_CMD,	/* mm/gup_test.c's GUP_FAST_BENCHMARK */
};

#define NO_REASON	UINT32_MAX	/* the result cannot be written */

static const struct {
	enum spoil spoil;
	const char *what;
	int want;		/* errno */
	uint32_t reason;
} cases[] = {
	{ SPOIL_SAMPLE_NO_RECORDS, "sample_size 48 without records", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_SAMPLE_SMALL, "sample_size 40", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_RECORD_SHORT, "sample_size 64 in records of 144 bytes", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_PATH_ZERO, "path 0", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_PATH_END, "path GPT_PATH_END", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_PATH_HUGE, "path 0xffffffff", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_FLAG_NEXT, "flag bit 6 (first unused)", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_FLAG_TOP, "flag bit 63", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_ZERO_PAGES, "nr_pages 0", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_TOO_MANY_PAGES, "nr_pages 2^40 (past max_pages)", EINVAL, GPT_REASON_TOO_BIG },
	{ SPOIL_UNALIGNED, "address not page aligned", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_WRAPS, "range wraps the address space", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_SIZE_ZERO, "size 0", EINVAL, NO_REASON },
	{ SPOIL_SIZE_SMALL, "size 8 bytes short of version 3's", EINVAL, NO_REASON },
	{ SPOIL_ACCOUNT_END, "account GPT_ACCOUNT_END", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_ACCOUNT_RESERVED, "reserved0 after account set", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_ACCOUNT_NONE_HOLD, "account none with GPT_FLAG_HOLD", EINVAL,
	  GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_TRAILING_SET, "size + 8, the unknown byte set", E2BIG, GPT_REASON_BAD_SIZE },
	{ SPOIL_SIZE_HUGE, "size 8192, past a page", E2BIG, GPT_REASON_BAD_SIZE },
	{ SPOIL_RESULT_NULL, "result pointer NULL", EINVAL, NO_REASON },
	{ SPOIL_RESULT_SMALL, "result_size 8", EINVAL, NO_REASON },
	{ SPOIL_RECORD_SMALL, "records.elem_size 8", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_RECORD_ODD, "records.elem_size 145", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_RECORD_NO_PTR, "records.count 1 without a pointer", EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ SPOIL_RECORD_OVERLAP, "records inside the pinned range", EINVAL, GPT_REASON_RECORDS_OVERLAP },
	{ SPOIL_RECORD_UNMAPPED, "records pointer to a PROT_NONE page", EFAULT, NO_REASON },
	{ SPOIL_PIN_NULL, "PIN with a NULL argument", EFAULT, NO_REASON },
	{ SPOIL_INFO_NULL, "INFO with a NULL argument", EFAULT, NO_REASON },
	{ SPOIL_UNKNOWN_CMD, "unknown ioctl number 0x7f", ENOTTY, NO_REASON },
	{ SPOIL_UAPI2_PIN, "uapi 2's PIN ioctl number", ENOTTY, NO_REASON },
	{ SPOIL_GUP_TEST_CMD, "in-tree gup_test's GUP_FAST_BENCHMARK", ENOTTY, NO_REASON },
};

/* A PIN request and room past its end, for the size cases. */
struct big_pin {
	struct gpt_pin req;
	uint64_t tail[1024];
};

/* Sends the spoiled request; returns the errno (0 on success). */
static int send_spoiled(const struct suite *s, enum spoil spoil,
			struct big_pin *b, struct gpt_pin_result *res,
			struct gpt_page_record *rec, void *unmapped)
{
	/* struct gup_test of mm/gup_test.c is 88 bytes on 6.1. */
	unsigned long gup_fast_benchmark = _IOWR('g', 1, char[88]);
	unsigned long uapi2_pin = _IOWR('g', 0x41, char[328]);
	struct gpt_pin *req = &b->req;

	req->head = (struct gpt_head){ sizeof(*req), sizeof(*res), (uintptr_t)res };
	req->records = (struct gpt_array){ (uintptr_t)rec, 1, sizeof(*rec) };
	req->sample_size = sizeof(rec->before);
	switch (spoil) {
	case SPOIL_SAMPLE_NO_RECORDS: req->records = (struct gpt_array){ 0 }; break;
	case SPOIL_SAMPLE_SMALL: req->sample_size = 40; break;
	case SPOIL_RECORD_SHORT: req->sample_size = 64; break;
	case SPOIL_PATH_ZERO: req->path = 0; break;
	case SPOIL_PATH_END: req->path = GPT_PATH_END; break;
	case SPOIL_PATH_HUGE: req->path = 0xffffffffu; break;
	case SPOIL_FLAG_NEXT: req->flags |= 1ULL << 6; break;
	case SPOIL_FLAG_TOP: req->flags |= 1ULL << 63; break;
	case SPOIL_ZERO_PAGES: req->nr_pages = 0; break;
	case SPOIL_TOO_MANY_PAGES: req->nr_pages = 1ULL << 40; break;
	case SPOIL_UNALIGNED: req->addr += 8; break;
	case SPOIL_WRAPS:
		req->addr = -(uint64_t)sysconf(_SC_PAGESIZE);
		req->nr_pages = 2;
		break;
	case SPOIL_SIZE_ZERO: req->head.size = 0; break;
	case SPOIL_SIZE_SMALL: req->head.size = GPT_PIN_SIZE_VER3 - 8; break;
	case SPOIL_ACCOUNT_END: req->account = GPT_ACCOUNT_END; break;
	case SPOIL_ACCOUNT_RESERVED: req->reserved0 = 1; break;
	case SPOIL_ACCOUNT_NONE_HOLD:
		req->account = GPT_ACCOUNT_NONE;
		req->flags |= GPT_FLAG_HOLD;
		break;
	case SPOIL_TRAILING_SET:
		req->head.size = sizeof(*req) + 8;
		b->tail[0] = 1;
		break;
	case SPOIL_SIZE_HUGE: req->head.size = 8192; break;
	case SPOIL_RESULT_NULL: req->head.result = 0; break;
	case SPOIL_RESULT_SMALL: req->head.result_size = 8; break;
	case SPOIL_RECORD_SMALL: req->records.elem_size = 8; break;
	case SPOIL_RECORD_ODD: req->records.elem_size = sizeof(*rec) + 1; break;
	case SPOIL_RECORD_NO_PTR: req->records.ptr = 0; break;
	case SPOIL_RECORD_OVERLAP: req->records.ptr = req->addr; break;
	case SPOIL_RECORD_UNMAPPED: req->records.ptr = (uintptr_t)unmapped; break;
	case SPOIL_PIN_NULL:
		return ioctl(s->fd, GPT_IOC_PIN, NULL) ? errno : 0;
	case SPOIL_INFO_NULL:
		return ioctl(s->fd, GPT_IOC_INFO, NULL) ? errno : 0;
	case SPOIL_UNKNOWN_CMD:
		return ioctl(s->fd, _IO(GPT_IOC_MAGIC, 0x7f), req) ? errno : 0;
	case SPOIL_UAPI2_PIN:
		return ioctl(s->fd, uapi2_pin, req) ? errno : 0;
	case SPOIL_GUP_TEST_CMD:
		return ioctl(s->fd, gup_fast_benchmark, req) ? errno : 0;
	}
	return ioctl(s->fd, GPT_IOC_PIN, req) ? errno : 0;
}

/* The refcount of the page at @addr, as a harmless PIN samples it. */
static int64_t refcount_of(int fd, void *addr)
{
	struct gpt_pin req = { .addr = (uintptr_t)addr, .nr_pages = 1,
			       .path = GPT_PATH_GUP_FAST_ONLY };
	struct gpt_page_record rec;
	struct gpt_pin_result res;

	if (gpt_pin(fd, &req, &res, &rec, 1))
		return -1;
	return rec.before.refcount;
}

void test_bad_input(struct suite *s)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	void *unmapped = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct big_pin b;
		struct gpt_pin_counters c0, c1;
		struct gpt_page_record rec;
		struct gpt_pin_result res;
		struct gpt_mem mem;
		struct tap_point t;
		int64_t ref0;
		int err;

		tap_begin(&t);
		err = gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &mem);
		if (!tap_check(&t, !err, "mapping: %s", strerror(-err)))
			goto out;
		memset(&b, 0, sizeof(b));
		memset(&res, 0, sizeof(res));
		b.req.addr = (uintptr_t)mem.addr;
		b.req.nr_pages = 1;
		b.req.path = GPT_PATH_PIN_FAST;
		b.req.flags = GPT_FLAG_WRITE;
		ref0 = refcount_of(s->fd, mem.addr);
		tap_check(&t, gpt_pin_counters_read(&c0) == 0, "reading /proc/vmstat");
		err = send_spoiled(s, cases[i].spoil, &b, &res, &rec, unmapped);
		tap_check(&t, gpt_pin_counters_read(&c1) == 0, "reading /proc/vmstat");
		tap_check(&t, err == cases[i].want, "errno %s, expected %s",
			  gpt_errno_name(err), gpt_errno_name(cases[i].want));
		/* A refused PIN still says why, wherever it can. */
		if (cases[i].reason != NO_REASON) {
			tap_check_eq(&t, "reason", cases[i].reason, res.reason);
			tap_check_eq(&t, "result size (the head only)", 8, res.size);
		} else {
			tap_check_eq(&t, "result untouched", 0, res.size | res.reason);
		}
		tap_check_eq(&t, "pins acquired", 0, c1.acquired - c0.acquired);
		tap_check_eq(&t, "pins released", 0, c1.released - c0.released);
		tap_check_eq(&t, "refcount of the page", ref0,
			     refcount_of(s->fd, mem.addr));
		gpt_mem_unmap(&mem);
out:
		tap_end(&t, "bad input: %s -> %s", cases[i].what,
			gpt_errno_name(cases[i].want));
	}
	munmap(unmapped, ps);
}

/* Sizes that grow: a newer caller's zeroed tail, a bigger result. */
static void test_sizes(struct suite *s)
{
	static struct big_pin b;
	struct {
		struct gpt_pin_result res;
		uint64_t tail[2];
	} out;
	struct gpt_unpin_result u;
	struct gpt_mem mem;
	struct tap_point t;
	int err;

	tap_begin(&t);
	gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &mem);
	memset(&b, 0, sizeof(b));
	memset(&out, 0xaa, sizeof(out));
	b.req.head.size = sizeof(b.req) + 64;	/* the tail is zero */
	b.req.addr = (uintptr_t)mem.addr;
	b.req.nr_pages = 1;
	b.req.path = GPT_PATH_PIN_FAST;
	b.req.flags = GPT_FLAG_HOLD;
	b.req.head.result = (uintptr_t)&out;
	b.req.head.result_size = sizeof(out);
	err = ioctl(s->fd, GPT_IOC_PIN, &b.req) ? errno : 0;
	tap_check_eq(&t, "PIN with a zeroed tail: errno", 0, err);
	tap_check_eq(&t, "result size: what the module knows", sizeof(out.res),
		     out.res.size);
	tap_check_eq(&t, "pinned", 1, (int64_t)out.res.pinned);
	tap_check(&t, !out.tail[0] && !out.tail[1],
		  "the room past the result is not zeroed: %#llx %#llx",
		  (unsigned long long)out.tail[0], (unsigned long long)out.tail[1]);
	tap_check_eq(&t, "UNPIN", 0, gpt_unpin(s->fd, out.res.handle, 0, &u));
	tap_check_eq(&t, "released", 1, (int64_t)u.released);
	gpt_mem_unmap(&mem);
	tap_end(&t, "sizes: a request 64 bytes longer with a zero tail works, a longer result is zero-filled");
}

/*
 * Requests bad for what they meet: other ioctls' fields, ranges the
 * process cannot pin, handles and pids that are gone, limits lowered
 * under existing holds.  Each row's function makes the call the row is
 * about and fills in what it gave; it says itself (o->broken) what else
 * went wrong: a reference not given back, a hold lost.
 */
struct outcome {
	int err;		/* the ioctl's errno */
	int gup_err;		/* GUP's errno in a PIN's result */
	uint32_t reason;	/* NO_REASON: none written */
	int64_t pinned;		/* a PIN's pages pinned; -1: no PIN */
	char broken[200];
};

static void wrong(struct outcome *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void wrong(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	if (o->broken[0])	/* the first is the one to read */
		return;
	va_start(ap, fmt);
	vsnprintf(o->broken, sizeof(o->broken), fmt, ap);
	va_end(ap);
}

/*
 * The refcounts of @n pages now against @before: every one back.  The
 * LRU batch a FOLL_TOUCH activation queued the page on holds a reference
 * of its own until drained (folio_mark_accessed()).
 */
static void refs_back(struct suite *s, struct outcome *o, void *addr, size_t n,
		      const int64_t *before)
{
	int64_t now[16];

	gpt_lru_drain();
	refcounts_now(s->fd, addr, n, now);
	for (size_t i = 0; i < n; i++)
		if (now[i] != before[i])
			wrong(o, "refcount of page %zu: %lld, was %lld", i,
			    (long long)now[i], (long long)before[i]);
}

/* PIN (no hold) of @n pages at @addr: the call and its result into @o. */
static void pin_row(struct suite *s, struct outcome *o, uint64_t addr,
		    uint64_t n, uint32_t path, uint64_t flags,
		    struct gpt_pin_result *res)
{
	struct gpt_pin req = { .addr = addr, .nr_pages = n, .path = path,
			       .flags = flags };

	o->err = -gpt_pin(s->fd, &req, res, NULL, 0);
	o->gup_err = res->error;
	o->reason = res->reason;
	o->pinned = (int64_t)res->pinned;
	if (res->released != res->pinned)
		wrong(o, "released %llu of %llu pinned",
		    (unsigned long long)res->released,
		    (unsigned long long)res->pinned);
}

/* A PIN+HOLD of @n pages at @addr in @fd: its handle, or 0. */
static uint64_t hold_in(int fd, void *addr, uint64_t n, uint32_t path,
			uint64_t flags)
{
	struct gpt_pin req = { .addr = (uintptr_t)addr, .nr_pages = n,
			       .path = path, .flags = flags | GPT_FLAG_HOLD };
	struct gpt_pin_result res;

	return gpt_pin(fd, &req, &res, NULL, 0) || res.pinned != n ? 0 : res.handle;
}

static void unpin_bad_flag(struct suite *s, struct outcome *o)
{
	struct gpt_unpin_result res = { 0 };
	struct gpt_unpin u = { .head = { sizeof(u), sizeof(res), (uintptr_t)&res },
			       .handle = 1, .flags = 1ULL << 1 };

	o->err = ioctl(s->fd, GPT_IOC_UNPIN, &u) ? errno : 0;
	o->reason = res.reason;
}

/*
 * A newer caller's request: @req, then 8 more bytes holding @newer, sent
 * as @cmd; returns the errno.
 */
static int send_longer(int fd, unsigned long cmd, const void *req, size_t len,
		       uint64_t newer)
{
	uint64_t room[16] = { 0 };
	uint32_t size = len + 8;

	memcpy(room, req, len);
	memcpy(room, &size, sizeof(size));	/* gpt_head.size */
	room[len / 8] = newer;
	return ioctl(fd, cmd, room) ? errno : 0;
}

static void unpin_trailing(struct suite *s, struct outcome *o)
{
	struct gpt_unpin_result res = { 0 };
	struct gpt_unpin u = { .head = { 0, sizeof(res), (uintptr_t)&res },
			       .handle = 1 };

	o->err = send_longer(s->fd, GPT_IOC_UNPIN, &u, sizeof(u), 1);
	o->reason = res.reason;
}

static void unpin_no_handle(struct suite *s, struct outcome *o)
{
	struct gpt_unpin_result res;

	o->err = -gpt_unpin(s->fd, 0, 0, &res);
	o->reason = res.reason;
}

static void unpin_null(struct suite *s, struct outcome *o)
{
	o->err = ioctl(s->fd, GPT_IOC_UNPIN, NULL) ? errno : 0;
}

static void query_trailing(struct suite *s, struct outcome *o)
{
	struct gpt_query_result res = { 0 };
	struct gpt_query q = { .head = { 0, sizeof(res), (uintptr_t)&res },
			       .handle = 1 };

	o->err = send_longer(s->fd, GPT_IOC_QUERY, &q, sizeof(q), 1ULL << 63);
	o->reason = res.reason;
}

static void query_no_handle(struct suite *s, struct outcome *o)
{
	struct gpt_query_result res;

	o->err = -gpt_query(s->fd, 0, 0, NULL, 0, &res);
	o->reason = res.reason;
}

static void read_len_zero(struct suite *s, struct outcome *o)
{
	struct gpt_rw_result res;
	char buf[1];

	o->err = -gpt_rw(s->fd, 1, 0, 0, buf, 0, false, &res);
	o->reason = res.reason;
}

/* A real hold, then QUERY into an unmapped buffer: EFAULT, the hold intact. */
static void query_bad_records(struct suite *s, struct outcome *o)
{
	struct gpt_query_result q;
	struct gpt_unpin_result u;
	struct gpt_mem mem;
	uint64_t handle;
	void *nothing;

	if (gpt_mem_map("anon", 2, 0, GPT_PREFAULT_WRITE, &mem)) {
		wrong(o, "mapping 2 pages");
		return;
	}
	nothing = (char *)mem.addr + 4096;
	munmap(nothing, 4096);
	handle = hold_in(s->fd, mem.addr, 1, GPT_PATH_PIN, 0);
	if (!handle)
		wrong(o, "PIN+HOLD of the first page");
	o->err = -gpt_query(s->fd, handle, 0, nothing, 1, &q);
	if (gpt_unpin(s->fd, handle, 0, &u) || u.released != 1)
		wrong(o, "the hold did not stay: UNPIN released %llu",
		    (unsigned long long)u.released);
	mem.base_len = 4096;
	gpt_mem_unmap(&mem);
}

/*
 * TASK_SIZE_MAX: the top of user space less a page, 2^47 or 2^56 by the
 * paging mode, which a hint above 2^47 tells (x86's
 * arch_get_unmapped_area() goes there only with five levels).
 */
static uint64_t task_size_max(void)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap((void *)(1ULL << 50), ps, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool five = p != MAP_FAILED && (uintptr_t)p >= 1ULL << 47;

	if (p != MAP_FAILED)
		munmap(p, ps);
	return (five ? 1ULL << 56 : 1ULL << 47) - ps;
}

/*
 * The last user page, mapped and written, and the one past TASK_SIZE_MAX:
 * GUP-fast checks the whole range first and pins nothing; the slow path
 * pins the page and finds no VMA past it.
 */
static void past_task_size(struct suite *s, struct outcome *o, uint32_t path)
{
	uint64_t last = task_size_max() - 4096;
	struct gpt_pin_result res;
	int64_t before;
	char *p = mmap((void *)(uintptr_t)last, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED || (uintptr_t)p != last) {
		wrong(o, "mapping the last user page %#llx: %s",
		      (unsigned long long)last, strerror(errno));
		return;
	}
	*p = 1;
	gpt_lru_drain();	/* the fault's LRU batch holds a reference */
	refcounts_now(s->fd, p, 1, &before);
	pin_row(s, o, last, 2, path, GPT_FLAG_WRITE, &res);
	refs_back(s, o, p, 1, &before);
	munmap(p, 4096);
}

static void past_task_size_fast(struct suite *s, struct outcome *o)
{
	past_task_size(s, o, GPT_PATH_PIN_FAST);
}

static void past_task_size_slow(struct suite *s, struct outcome *o)
{
	past_task_size(s, o, GPT_PATH_PIN);
}

static void kernel_address(struct suite *s, struct outcome *o)
{
	struct gpt_pin_result res;

	/* __START_KERNEL_map + 16 MiB: kernel text on every x86-64 kernel */
	pin_row(s, o, 0xffffffff81000000ULL, 1, GPT_PATH_PIN, GPT_FLAG_WRITE, &res);
}

/* Four pages, the third unmapped: the first two pinned, the hole named. */
static void partly_unmapped(struct suite *s, struct outcome *o, uint32_t path)
{
	struct gpt_pin_result res;
	struct gpt_mem mem;
	int64_t before[4];

	if (gpt_mem_map("anon", 4, 0, GPT_PREFAULT_WRITE, &mem)) {
		wrong(o, "mapping 4 pages");
		return;
	}
	munmap((char *)mem.addr + 2 * 4096, 4096);
	refcounts_now(s->fd, mem.addr, 4, before);
	pin_row(s, o, (uintptr_t)mem.addr, 4, path, GPT_FLAG_WRITE, &res);
	if (res.error_index != 2)
		wrong(o, "error_index %llu, expected 2",
		    (unsigned long long)res.error_index);
	refs_back(s, o, mem.addr, 4, before);
	gpt_mem_unmap(&mem);
}

static void partly_unmapped_fast(struct suite *s, struct outcome *o)
{
	partly_unmapped(s, o, GPT_PATH_PIN_FAST);
}

static void partly_unmapped_slow(struct suite *s, struct outcome *o)
{
	partly_unmapped(s, o, GPT_PATH_PIN);
}

/* One written page made @prot, pinned through @path with @flags. */
static void pin_protected(struct suite *s, struct outcome *o, int prot,
			  uint32_t path, uint64_t flags)
{
	struct gpt_pin_result res;
	struct gpt_mem mem;
	int64_t before;

	if (gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &mem)) {
		wrong(o, "mapping a page");
		return;
	}
	refcounts_now(s->fd, mem.addr, 1, &before);
	mprotect(mem.addr, 4096, prot);
	pin_row(s, o, (uintptr_t)mem.addr, 1, path, flags, &res);
	mprotect(mem.addr, 4096, PROT_READ);	/* the sample needs a PTE to read */
	refs_back(s, o, mem.addr, 1, &before);
	gpt_mem_unmap(&mem);
}

static void prot_none_read(struct suite *s, struct outcome *o)
{
	pin_protected(s, o, PROT_NONE, GPT_PATH_PIN, 0);
}

static void prot_none_write(struct suite *s, struct outcome *o)
{
	pin_protected(s, o, PROT_NONE, GPT_PATH_PIN_FAST, GPT_FLAG_WRITE);
}

static void read_only_write(struct suite *s, struct outcome *o)
{
	pin_protected(s, o, PROT_READ, GPT_PATH_PIN_FAST, GPT_FLAG_WRITE);
}

/* pages_per_call far past nr_pages: one call for all four. */
static void per_call_absurd(struct suite *s, struct outcome *o)
{
	struct gpt_pin req = { .nr_pages = 4, .path = GPT_PATH_PIN_FAST,
			       .flags = GPT_FLAG_WRITE, .pages_per_call = UINT32_MAX };
	struct gpt_pin_result res;
	struct gpt_mem mem;

	if (gpt_mem_map("anon", 4, 0, GPT_PREFAULT_WRITE, &mem)) {
		wrong(o, "mapping 4 pages");
		return;
	}
	req.addr = (uintptr_t)mem.addr;
	o->err = -gpt_pin(s->fd, &req, &res, NULL, 0);
	o->reason = res.reason;
	o->pinned = (int64_t)res.pinned;
	if (res.calls != 1)
		wrong(o, "%llu GUP calls, expected 1", (unsigned long long)res.calls);
	gpt_mem_unmap(&mem);
}

static void bench_per_call_absurd(struct suite *s, struct outcome *o)
{
	struct gpt_bench req = { .nr_pages = 4, .path = GPT_PATH_PIN_FAST,
				 .repeats = 2, .pages_per_call = UINT32_MAX };
	struct gpt_bench_repeat rep[2];
	struct gpt_bench_result res;
	struct gpt_mem mem;

	if (gpt_mem_map("anon", 4, 0, GPT_PREFAULT_WRITE, &mem)) {
		wrong(o, "mapping 4 pages");
		return;
	}
	req.addr = (uintptr_t)mem.addr;
	o->err = -gpt_bench(s->fd, &req, &res, rep);
	o->reason = res.reason;
	if (!o->err && res.repeats != 2)
		wrong(o, "%llu repeats, expected 2", (unsigned long long)res.repeats);
	gpt_mem_unmap(&mem);
}

enum handle_op { H_UNPIN, H_QUERY, H_READ };

static void handle_call(int fd, uint64_t handle, enum handle_op op,
			struct outcome *o)
{
	struct gpt_query_result q;
	struct gpt_unpin_result u;
	struct gpt_rw_result rw;
	char buf[8];

	switch (op) {
	case H_UNPIN:
		o->err = -gpt_unpin(fd, handle, 0, &u);
		o->reason = u.reason;
		break;
	case H_QUERY:
		o->err = -gpt_query(fd, handle, 0, NULL, 0, &q);
		o->reason = q.reason;
		break;
	case H_READ:
		o->err = -gpt_rw(fd, handle, 0, 0, buf, sizeof(buf), false, &rw);
		o->reason = rw.reason;
		break;
	}
}

/* A handle UNPIN has released: nothing of it is left to reach. */
static void stale_handle(struct suite *s, struct outcome *o, enum handle_op op)
{
	struct gpt_unpin_result u;
	struct gpt_mem mem;
	uint64_t handle;
	int64_t before;

	if (gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &mem)) {
		wrong(o, "mapping a page");
		return;
	}
	refcounts_now(s->fd, mem.addr, 1, &before);
	handle = hold_in(s->fd, mem.addr, 1, GPT_PATH_PIN, GPT_FLAG_WRITE);
	if (!handle || gpt_unpin(s->fd, handle, 0, &u) || u.released != 1)
		wrong(o, "PIN+HOLD and UNPIN of a page");
	handle_call(s->fd, handle, op, o);
	refs_back(s, o, mem.addr, 1, &before);
	gpt_mem_unmap(&mem);
}

static void stale_unpin(struct suite *s, struct outcome *o)
{
	stale_handle(s, o, H_UNPIN);
}

static void stale_query(struct suite *s, struct outcome *o)
{
	stale_handle(s, o, H_QUERY);
}

static void stale_read(struct suite *s, struct outcome *o)
{
	stale_handle(s, o, H_READ);
}

/* Another open file's handle: not this file's to use; the hold stays. */
static void other_file(struct suite *s, struct outcome *o, enum handle_op op)
{
	struct gpt_query_result q;
	struct gpt_unpin_result u;
	struct gpt_mem mem;
	uint64_t handle;
	int64_t before;
	int fd = gpt_open();

	if (fd < 0) {
		wrong(o, "opening /dev/gup_test again");
		return;
	}
	if (gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &mem)) {
		close(fd);
		wrong(o, "mapping a page");
		return;
	}
	refcounts_now(s->fd, mem.addr, 1, &before);
	handle = hold_in(fd, mem.addr, 1, GPT_PATH_PIN, GPT_FLAG_WRITE);
	if (!handle)
		wrong(o, "PIN+HOLD in the other file");
	handle_call(s->fd, handle, op, o);
	if (gpt_query(fd, handle, 0, NULL, 0, &q) || q.nr_pages != 1)
		wrong(o, "the other file's hold is gone");
	if (gpt_unpin(fd, handle, 0, &u) || u.released != 1)
		wrong(o, "UNPIN in the other file released %llu",
		    (unsigned long long)u.released);
	close(fd);
	refs_back(s, o, mem.addr, 1, &before);
	gpt_mem_unmap(&mem);
}

static void other_unpin(struct suite *s, struct outcome *o)
{
	other_file(s, o, H_UNPIN);
}

static void other_query(struct suite *s, struct outcome *o)
{
	other_file(s, o, H_QUERY);
}

/* A process that has exited: a zombie (no mm), or reaped (no pid). */
static void exited(struct suite *s, struct outcome *o, bool reap)
{
	struct gpt_pin_result res;
	struct gpt_pin req = { .addr = 0x10000000, .nr_pages = 1,
			       .path = GPT_PATH_PIN_REMOTE };
	siginfo_t si;
	pid_t pid = fork();

	if (pid < 0) {
		wrong(o, "fork: %s", strerror(errno));
		return;
	}
	if (!pid)
		_exit(0);
	/* Wait for the exit, but leave the zombie unless asked to reap. */
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | (reap ? 0 : WNOWAIT)))
		wrong(o, "waitid: %s", strerror(errno));
	req.pid = pid;
	o->err = -gpt_pin(s->fd, &req, &res, NULL, 0);
	o->reason = res.reason;
	o->pinned = (int64_t)res.pinned;
	if (!reap)
		waitpid(pid, NULL, 0);
}

static void zombie_pid(struct suite *s, struct outcome *o)
{
	exited(s, o, false);
}

static void reaped_pid(struct suite *s, struct outcome *o)
{
	exited(s, o, true);
}

/* close() of a file holding a FOLL_PIN and a FOLL_GET hold gives all back. */
static void close_holding(struct suite *s, struct outcome *o)
{
	struct gpt_mem mem;
	int64_t before[4];
	int fd = gpt_open();

	if (fd < 0) {
		wrong(o, "opening /dev/gup_test again");
		return;
	}
	if (gpt_mem_map("anon", 4, 0, GPT_PREFAULT_WRITE, &mem)) {
		close(fd);
		wrong(o, "mapping 4 pages");
		return;
	}
	refcounts_now(s->fd, mem.addr, 4, before);
	if (!hold_in(fd, mem.addr, 4, GPT_PATH_PIN, GPT_FLAG_WRITE) ||
	    !hold_in(fd, mem.addr, 2, GPT_PATH_GUP, 0))
		wrong(o, "the two holds");
	o->err = close(fd) ? errno : 0;
	refs_back(s, o, mem.addr, 4, before);
	gpt_mem_unmap(&mem);
}

/*
 * max_pages and max_held_pages lowered to 1 under a hold of 4 pages: new
 * requests past them are refused, the hold made before keeps working.
 */
enum lowered_op { L_INFO, L_PIN, L_HOLD, L_BENCH, L_QUERY, L_READ, L_WRITE,
		  L_HOLDS, L_UNPIN };

static void lowered_call(struct suite *s, int fd, uint64_t handle, void *addr,
			 enum lowered_op op, struct outcome *o)
{
	struct gpt_pin req = { .addr = (uintptr_t)addr, .nr_pages = 2,
			       .path = GPT_PATH_PIN_FAST };
	struct gpt_bench b = { .addr = (uintptr_t)addr, .nr_pages = 2,
			       .path = GPT_PATH_PIN_FAST, .repeats = 1 };
	struct gpt_bench_repeat rep;
	struct gpt_bench_result br;
	struct gpt_holds_result hr;
	struct gpt_query_result q;
	struct gpt_unpin_result u;
	struct gpt_pin_result res;
	struct gpt_rw_result rw;
	struct gpt_modinfo mi;
	char buf[8] = "lowered";

	switch (op) {
	case L_INFO:
		o->err = -gpt_get_info(fd, &mi);
		if (o->err)
			break;
		if (mi.h.max_pages != 1 || mi.h.max_held_pages != 1)
			wrong(o, "INFO says max_pages %llu, max_held_pages %llu",
			    (unsigned long long)mi.h.max_pages,
			    (unsigned long long)mi.h.max_held_pages);
		gpt_modinfo_free(&mi);
		break;
	case L_PIN:
		pin_row(s, o, (uintptr_t)addr, 2, GPT_PATH_PIN_FAST, 0, &res);
		break;
	case L_HOLD:
		req.nr_pages = 1;
		req.flags = GPT_FLAG_HOLD;
		o->err = -gpt_pin(fd, &req, &res, NULL, 0);
		o->reason = res.reason;
		o->pinned = (int64_t)res.pinned;
		break;
	case L_BENCH:
		o->err = -gpt_bench(fd, &b, &br, &rep);
		o->reason = br.reason;
		break;
	case L_QUERY:
		o->err = -gpt_query(fd, handle, 0, NULL, 0, &q);
		if (!o->err && q.nr_pages != 4)
			wrong(o, "QUERY says %llu pages", (unsigned long long)q.nr_pages);
		break;
	case L_READ:
	case L_WRITE:
		o->err = -gpt_rw(fd, handle, 3, 0, buf, sizeof(buf), op == L_WRITE, &rw);
		break;
	case L_HOLDS:
		o->err = -gpt_holds(fd, 0, 0, 0, NULL, 0, &hr);
		if (!o->err && hr.pages < 4)
			wrong(o, "HOLDS counts %llu pages", (unsigned long long)hr.pages);
		break;
	case L_UNPIN:
		o->err = -gpt_unpin(fd, handle, 0, &u);
		if (!o->err && u.released != 4)
			wrong(o, "UNPIN released %llu", (unsigned long long)u.released);
		break;
	}
}

static void lowered(struct suite *s, struct outcome *o, enum lowered_op op)
{
	long long max_pages = knob_read(MAX_PAGES_PARAM);
	long long max_held = knob_read(MAX_HELD_PARAM);
	struct gpt_unpin_result u;
	struct gpt_mem mem;
	uint64_t handle;
	int64_t before[4];
	int fd = gpt_open();

	if (fd < 0 || max_pages < 4 || max_held < 4) {
		wrong(o, "opening /dev/gup_test, reading the limits");
		return;
	}
	if (gpt_mem_map("anon", 4, 0, GPT_PREFAULT_WRITE, &mem)) {
		close(fd);
		wrong(o, "mapping 4 pages");
		return;
	}
	refcounts_now(s->fd, mem.addr, 4, before);
	handle = hold_in(fd, mem.addr, 4, GPT_PATH_PIN, GPT_FLAG_WRITE);
	if (!handle)
		wrong(o, "PIN+HOLD of 4 pages");
	if (knob_write(MAX_PAGES_PARAM, 1) || knob_write(MAX_HELD_PARAM, 1))
		wrong(o, "lowering the limits to 1");
	lowered_call(s, fd, handle, mem.addr, op, o);
	if (knob_write(MAX_PAGES_PARAM, (unsigned long long)max_pages) ||
	    knob_write(MAX_HELD_PARAM, (unsigned long long)max_held))
		wrong(o, "restoring the limits");
	if (op != L_UNPIN && (gpt_unpin(fd, handle, 0, &u) || u.released != 4))
		wrong(o, "the hold of 4 pages did not stay");
	close(fd);
	refs_back(s, o, mem.addr, 4, before);
	gpt_mem_unmap(&mem);
}

#define LOWERED(name, op) \
	static void name(struct suite *s, struct outcome *o) { lowered(s, o, op); }
LOWERED(lowered_info, L_INFO)
LOWERED(lowered_pin, L_PIN)
LOWERED(lowered_hold, L_HOLD)
LOWERED(lowered_bench, L_BENCH)
LOWERED(lowered_query, L_QUERY)
LOWERED(lowered_read, L_READ)
LOWERED(lowered_write, L_WRITE)
LOWERED(lowered_holds, L_HOLDS)
LOWERED(lowered_unpin, L_UNPIN)

#define NO_PIN	(-1)

/*
 * errno: the ioctl's; gup: GUP's errno in the result.  Where GUP decides,
 * the function that does is named: GUP-fast checks the whole range before
 * it pins (internal_get_user_pages_fast()'s access_ok() to 6.1,
 * gup_fast_fallback()'s end > TASK_SIZE_MAX from 6.12), which leaves the
 * module nothing to attribute the EFAULT to (the first page is mapped); __get_user_pages()
 * finds no VMA (find_extend_vma() in 5.10, vma_lookup() in Debian's 6.1,
 * gup_vma_lookup() from 6.5) or check_vma_flags() refuses the VMA; a call that pinned some pages
 * returns their count, and the next call from the hole gets the errno.
 * pid: get_task_mm() is NULL once exit_mm() ran.
 */
static const struct {
	const char *what;
	void (*run)(struct suite *s, struct outcome *o);
	int err, gup_err;
	uint32_t reason;
	int64_t pinned;
} state_cases[] = {
	{ "UNPIN with an unknown flag", unpin_bad_flag, EINVAL, 0, GPT_REASON_BAD_ARGUMENT, NO_PIN },
	{ "UNPIN 8 bytes longer, the unknown byte set", unpin_trailing, E2BIG, 0, GPT_REASON_BAD_SIZE, NO_PIN },
	{ "UNPIN of handle 0", unpin_no_handle, ENOENT, 0, GPT_REASON_NO_HANDLE, NO_PIN },
	{ "UNPIN with a NULL argument", unpin_null, EFAULT, 0, NO_REASON, NO_PIN },
	{ "QUERY 8 bytes longer, the unknown bit 63 set", query_trailing, E2BIG, 0, GPT_REASON_BAD_SIZE, NO_PIN },
	{ "QUERY of handle 0", query_no_handle, ENOENT, 0, GPT_REASON_NO_HANDLE, NO_PIN },
	{ "QUERY into an unmapped records buffer", query_bad_records, EFAULT, 0, NO_REASON, NO_PIN },
	{ "READ of 0 bytes", read_len_zero, EINVAL, 0, GPT_REASON_BAD_ARGUMENT, NO_PIN },
	{ "pin-fast of the last user page and the one at TASK_SIZE_MAX", past_task_size_fast, 0, EFAULT, GPT_REASON_UNATTRIBUTED, 0 },
	{ "pin of the last user page and the one at TASK_SIZE_MAX", past_task_size_slow, 0, EFAULT, GPT_REASON_NO_VMA, 1 },
	{ "pin of a kernel address", kernel_address, 0, EFAULT, GPT_REASON_NO_VMA, 0 },
	{ "pin-fast of 4 pages, the third unmapped", partly_unmapped_fast, 0, EFAULT, GPT_REASON_NO_VMA, 2 },
	{ "pin of 4 pages, the third unmapped", partly_unmapped_slow, 0, EFAULT, GPT_REASON_NO_VMA, 2 },
	{ "read pin of a PROT_NONE page", prot_none_read, 0, EFAULT, GPT_REASON_NOT_READABLE, 0 },
	{ "pin-fast write of a PROT_NONE page", prot_none_write, 0, EFAULT, GPT_REASON_NOT_WRITABLE, 0 },
	{ "pin-fast write of a read-only page", read_only_write, 0, EFAULT, GPT_REASON_NOT_WRITABLE, 0 },
	{ "PIN of 4 pages, pages_per_call 2^32 - 1", per_call_absurd, 0, 0, GPT_REASON_NONE, 4 },
	{ "BENCH of 4 pages, pages_per_call 2^32 - 1", bench_per_call_absurd, 0, 0, GPT_REASON_NONE, NO_PIN },
	{ "UNPIN of a handle already released", stale_unpin, ENOENT, 0, GPT_REASON_NO_HANDLE, NO_PIN },
	{ "QUERY of a handle already released", stale_query, ENOENT, 0, GPT_REASON_NO_HANDLE, NO_PIN },
	{ "READ of a handle already released", stale_read, ENOENT, 0, GPT_REASON_NO_HANDLE, NO_PIN },
	{ "UNPIN of another file's handle", other_unpin, ENOENT, 0, GPT_REASON_NO_HANDLE, NO_PIN },
	{ "QUERY of another file's handle", other_query, ENOENT, 0, GPT_REASON_NO_HANDLE, NO_PIN },
	{ "pin-remote of an exited, unreaped child (no mm)", zombie_pid, ESRCH, 0, GPT_REASON_NO_PROCESS, 0 },
	{ "pin-remote of a reaped child's pid", reaped_pid, ESRCH, 0, GPT_REASON_NO_PROCESS, 0 },
	{ "close() with a pin hold and a get hold", close_holding, 0, 0, NO_REASON, NO_PIN },
	{ "limits lowered to 1 under a hold: INFO", lowered_info, 0, 0, NO_REASON, NO_PIN },
	{ "limits lowered to 1 under a hold: PIN of 2 pages", lowered_pin, EINVAL, 0, GPT_REASON_TOO_BIG, 0 },
	{ "limits lowered to 1 under a hold: PIN+HOLD of 1 page", lowered_hold, ENOSPC, 0, GPT_REASON_HOLD_LIMIT, 0 },
	{ "limits lowered to 1 under a hold: BENCH of 2 pages", lowered_bench, EINVAL, 0, GPT_REASON_TOO_BIG, NO_PIN },
	{ "limits lowered to 1 under a hold: QUERY of it", lowered_query, 0, 0, NO_REASON, NO_PIN },
	{ "limits lowered to 1 under a hold: READ of it", lowered_read, 0, 0, NO_REASON, NO_PIN },
	{ "limits lowered to 1 under a hold: WRITE of it", lowered_write, 0, 0, NO_REASON, NO_PIN },
	{ "limits lowered to 1 under a hold: HOLDS", lowered_holds, 0, 0, NO_REASON, NO_PIN },
	{ "limits lowered to 1 under a hold: UNPIN of it", lowered_unpin, 0, 0, NO_REASON, NO_PIN },
};

void test_bad_requests(struct suite *s)
{
	test_sizes(s);
	for (size_t i = 0; i < sizeof(state_cases) / sizeof(state_cases[0]); i++) {
		struct outcome o = { .reason = NO_REASON, .pinned = NO_PIN };
		struct gpt_pin_counters c0, c1;
		struct tap_point t;

		tap_begin(&t);
		tap_check(&t, gpt_pin_counters_read(&c0) == 0, "reading /proc/vmstat");
		state_cases[i].run(s, &o);
		tap_check(&t, gpt_pin_counters_read(&c1) == 0, "reading /proc/vmstat");
		tap_check(&t, o.err == state_cases[i].err, "errno %s, expected %s",
			  gpt_errno_name(o.err), gpt_errno_name(state_cases[i].err));
		tap_check(&t, o.gup_err == state_cases[i].gup_err,
			  "GUP's errno %s, expected %s", gpt_errno_name(o.gup_err),
			  gpt_errno_name(state_cases[i].gup_err));
		tap_check(&t, o.reason == state_cases[i].reason, "reason %s, expected %s",
			  o.reason == NO_REASON ? "(none)" : gpt_reason_name(o.reason),
			  state_cases[i].reason == NO_REASON ? "(none)" :
			  gpt_reason_name(state_cases[i].reason));
		tap_check_eq(&t, "pages pinned", state_cases[i].pinned, o.pinned);
		tap_check(&t, !o.broken[0], "%s", o.broken);
		tap_check_eq(&t, "pins outstanding", 0,
			     (c1.acquired - c0.acquired) - (c1.released - c0.released));
		tap_end(&t, "bad input: %s -> %s%s%s", state_cases[i].what,
			gpt_errno_name(state_cases[i].err),
			state_cases[i].gup_err ? ", GUP " : "",
			state_cases[i].gup_err ? gpt_errno_name(state_cases[i].gup_err) : "");
	}
}
