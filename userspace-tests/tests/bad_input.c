// SPDX-License-Identifier: GPL-2.0
/*
 * Bad requests: each row spoils one field of a valid PIN request (or
 * sends something that is no request at all) and names the errno and
 * reason it must get.  None may pin anything or leave a reference.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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
	case SPOIL_SIZE_SMALL: req->head.size = sizeof(*req) - 8; break;
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

/* Bad requests to the other ioctls; each returns the errno it got. */
static int unpin_bad_flag(int fd, uint32_t *reason)
{
	struct gpt_unpin_result res = { 0 };
	struct gpt_unpin u = { .head = { sizeof(u), sizeof(res), (uintptr_t)&res },
			       .handle = 1, .flags = 1ULL << 1 };
	int err = ioctl(fd, GPT_IOC_UNPIN, &u) ? errno : 0;

	*reason = res.reason;
	return err;
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

static int unpin_trailing(int fd, uint32_t *reason)
{
	struct gpt_unpin_result res = { 0 };
	struct gpt_unpin u = { .head = { 0, sizeof(res), (uintptr_t)&res },
			       .handle = 1 };
	int err = send_longer(fd, GPT_IOC_UNPIN, &u, sizeof(u), 1);

	*reason = res.reason;
	return err;
}

static int unpin_no_handle(int fd, uint32_t *reason)
{
	struct gpt_unpin_result res;
	int err = -gpt_unpin(fd, 0, 0, &res);

	*reason = res.reason;
	return err;
}

static int unpin_null(int fd, uint32_t *reason)
{
	*reason = NO_REASON;
	return ioctl(fd, GPT_IOC_UNPIN, NULL) ? errno : 0;
}

static int query_trailing(int fd, uint32_t *reason)
{
	struct gpt_query_result res = { 0 };
	struct gpt_query q = { .head = { 0, sizeof(res), (uintptr_t)&res },
			       .handle = 1 };
	int err = send_longer(fd, GPT_IOC_QUERY, &q, sizeof(q), 1ULL << 63);

	*reason = res.reason;
	return err;
}

static int query_no_handle(int fd, uint32_t *reason)
{
	struct gpt_query_result res;
	int err = -gpt_query(fd, 0, 0, NULL, 0, &res);

	*reason = res.reason;
	return err;
}

static int read_len_zero(int fd, uint32_t *reason)
{
	struct gpt_rw_result res;
	char buf[1];
	int err = -gpt_rw(fd, 1, 0, 0, buf, 0, false, &res);

	*reason = res.reason;
	return err;
}

/* A real hold, then QUERY into an unmapped buffer: EFAULT, the hold intact. */
static int query_bad_records(int fd, uint32_t *reason)
{
	struct gpt_pin req = { .nr_pages = 1, .path = GPT_PATH_PIN,
			       .flags = GPT_FLAG_HOLD };
	struct gpt_query_result q;
	struct gpt_unpin_result u;
	struct gpt_pin_result res;
	struct gpt_mem mem;
	void *nothing;
	int err;

	*reason = NO_REASON;
	if (gpt_mem_map("anon", 2, 0, GPT_PREFAULT_WRITE, &mem))
		return -1;
	nothing = (char *)mem.addr + 4096;
	munmap(nothing, 4096);
	req.addr = (uintptr_t)mem.addr;
	err = -gpt_pin(fd, &req, &res, NULL, 0);
	if (!err)
		err = -gpt_query(fd, res.handle, 0, nothing, 1, &q);
	if (gpt_unpin(fd, res.handle, 0, &u) || u.released != 1)
		err = -1;
	mem.base_len = 4096;
	gpt_mem_unmap(&mem);
	return err;
}

static const struct {
	const char *what;
	int (*send)(int fd, uint32_t *reason);
	int want;
	uint32_t reason;
} other_cases[] = {
	{ "UNPIN with an unknown flag", unpin_bad_flag, EINVAL, GPT_REASON_BAD_ARGUMENT },
	{ "UNPIN 8 bytes longer, the unknown byte set", unpin_trailing, E2BIG, GPT_REASON_BAD_SIZE },
	{ "UNPIN of handle 0", unpin_no_handle, ENOENT, GPT_REASON_NO_HANDLE },
	{ "UNPIN with a NULL argument", unpin_null, EFAULT, NO_REASON },
	{ "QUERY 8 bytes longer, the unknown bit 63 set", query_trailing, E2BIG, GPT_REASON_BAD_SIZE },
	{ "QUERY of handle 0", query_no_handle, ENOENT, GPT_REASON_NO_HANDLE },
	{ "QUERY into an unmapped records buffer", query_bad_records, EFAULT, NO_REASON },
	{ "READ of 0 bytes", read_len_zero, EINVAL, GPT_REASON_BAD_ARGUMENT },
};

void test_bad_requests(struct suite *s)
{
	test_sizes(s);
	for (size_t i = 0; i < sizeof(other_cases) / sizeof(other_cases[0]); i++) {
		struct gpt_pin_counters c0, c1;
		struct tap_point t;
		uint32_t reason;
		int err;

		tap_begin(&t);
		tap_check(&t, gpt_pin_counters_read(&c0) == 0, "reading /proc/vmstat");
		err = other_cases[i].send(s->fd, &reason);
		tap_check(&t, gpt_pin_counters_read(&c1) == 0, "reading /proc/vmstat");
		tap_check(&t, err == other_cases[i].want, "errno %s, expected %s",
			  gpt_errno_name(err), gpt_errno_name(other_cases[i].want));
		if (other_cases[i].reason != NO_REASON)
			tap_check_eq(&t, "reason", other_cases[i].reason, reason);
		tap_check_eq(&t, "pins outstanding", 0,
			     (c1.acquired - c0.acquired) - (c1.released - c0.released));
		tap_end(&t, "bad input: %s -> %s", other_cases[i].what,
			gpt_errno_name(other_cases[i].want));
	}
}
