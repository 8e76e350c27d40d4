// SPDX-License-Identifier: GPL-2.0
/*
 * Bad requests: each row spoils one field of a valid PIN request (or
 * sends something that is no request at all) and names the errno it
 * must get.  None may pin anything.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "suite.h"

enum spoil {
	SPOIL_RESERVED_IN0,
	SPOIL_RESERVED_FIRST,
	SPOIL_RESERVED_LAST,
	SPOIL_PATH_ZERO,
	SPOIL_PATH_END,
	SPOIL_PATH_HUGE,
	SPOIL_FLAG_NEXT,
	SPOIL_FLAG_TOP,
	SPOIL_ZERO_PAGES,
	SPOIL_TOO_MANY_PAGES,
	SPOIL_UNALIGNED,
	SPOIL_WRAPS,
	SPOIL_PIN_NULL,		/* PIN with a NULL struct pointer */
	SPOIL_INFO_NULL,	/* INFO with a NULL struct pointer */
	SPOIL_UNKNOWN_CMD,	/* our magic, a number we do not serve */
	SPOIL_GUP_TEST_CMD,	/* mm/gup_test.c's GUP_FAST_BENCHMARK */
};

static const struct {
	enum spoil spoil;
	const char *what;
	int want;		/* errno */
} cases[] = {
	{ SPOIL_RESERVED_IN0, "reserved_in0 = 1", EINVAL },
	{ SPOIL_RESERVED_FIRST, "reserved_in[0] = 1", EINVAL },
	{ SPOIL_RESERVED_LAST, "reserved_in[2] = 1", EINVAL },
	{ SPOIL_PATH_ZERO, "path 0", EINVAL },
	{ SPOIL_PATH_END, "path GPT_PATH_END", EINVAL },
	{ SPOIL_PATH_HUGE, "path 0xffffffff", EINVAL },
	{ SPOIL_FLAG_NEXT, "flag bit 6 (first unused)", EINVAL },
	{ SPOIL_FLAG_TOP, "flag bit 63", EINVAL },
	{ SPOIL_ZERO_PAGES, "nr_pages 0", EINVAL },
	{ SPOIL_TOO_MANY_PAGES, "nr_pages 2^40 (past max_pages)", EINVAL },
	{ SPOIL_UNALIGNED, "address not page aligned", EINVAL },
	{ SPOIL_WRAPS, "range wraps the address space", EINVAL },
	{ SPOIL_PIN_NULL, "PIN with a NULL argument", EFAULT },
	{ SPOIL_INFO_NULL, "INFO with a NULL argument", EFAULT },
	{ SPOIL_UNKNOWN_CMD, "unknown ioctl number 0x7f", ENOTTY },
	{ SPOIL_GUP_TEST_CMD, "in-tree gup_test's GUP_FAST_BENCHMARK", ENOTTY },
};

/* Sends the spoiled request; returns the errno (0 on success). */
static int send_spoiled(const struct suite *s, enum spoil spoil,
			struct gpt_pin *req)
{
	/* struct gup_test of mm/gup_test.c is 88 bytes on 6.1. */
	unsigned long gup_fast_benchmark = _IOWR('g', 1, char[88]);
	unsigned long unknown = _IOWR(GPT_IOC_MAGIC, 0x7f, struct gpt_pin);
	int ret;

	switch (spoil) {
	case SPOIL_RESERVED_IN0: req->reserved_in0 = 1; break;
	case SPOIL_RESERVED_FIRST: req->reserved_in[0] = 1; break;
	case SPOIL_RESERVED_LAST: req->reserved_in[2] = 1; break;
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
	case SPOIL_PIN_NULL:
		return ioctl(s->fd, GPT_IOC_PIN, NULL) ? errno : 0;
	case SPOIL_INFO_NULL:
		return ioctl(s->fd, GPT_IOC_INFO, NULL) ? errno : 0;
	case SPOIL_UNKNOWN_CMD:
		return ioctl(s->fd, unknown, req) ? errno : 0;
	case SPOIL_GUP_TEST_CMD:
		return ioctl(s->fd, gup_fast_benchmark, req) ? errno : 0;
	}
	ret = gpt_pin(s->fd, req);
	return -ret;
}

void test_bad_input(struct suite *s)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gpt_pin_counters c0, c1;
		struct gpt_pin req;
		struct gpt_mem mem;
		struct tap_point t;
		int err;

		tap_begin(&t);
		err = gpt_mem_map("anon", 1, false, GPT_PREFAULT_WRITE, &mem);
		if (!tap_check(&t, !err, "mapping: %s", strerror(-err)))
			goto out;
		memset(&req, 0, sizeof(req));
		req.addr = (uintptr_t)mem.addr;
		req.nr_pages = 1;
		req.path = GPT_PATH_PIN_FAST;
		req.flags = GPT_FLAG_WRITE;
		tap_check(&t, gpt_pin_counters_read(&c0) == 0, "reading /proc/vmstat");
		err = send_spoiled(s, cases[i].spoil, &req);
		tap_check(&t, gpt_pin_counters_read(&c1) == 0, "reading /proc/vmstat");
		tap_check(&t, err == cases[i].want, "errno %s, expected %s",
			  gpt_errno_name(err), gpt_errno_name(cases[i].want));
		/* A refused PIN still says why. */
		if (cases[i].want == EINVAL)
			tap_check_eq(&t, "reason", GPT_REASON_BAD_ARGUMENT,
				     req.reason);
		tap_check_eq(&t, "pins acquired", 0, c1.acquired - c0.acquired);
		tap_check_eq(&t, "pins released", 0, c1.released - c0.released);
		gpt_mem_unmap(&mem);
out:
		tap_end(&t, "bad input: %s -> %s", cases[i].what,
			gpt_errno_name(cases[i].want));
	}
}

/* Bad requests to the other ioctls; each returns the errno it got. */
static int unpin_bad_flag(int fd)
{
	struct gpt_unpin u = { .handle = 1, .flags = 1ULL << 1 };

	return -gpt_unpin(fd, &u);
}

static int unpin_reserved(int fd)
{
	struct gpt_unpin u = { .handle = 1 };

	u.reserved_in[1] = 1;
	return -gpt_unpin(fd, &u);
}

static int unpin_no_handle(int fd)
{
	struct gpt_unpin u = { .handle = 0 };

	return -gpt_unpin(fd, &u);
}

static int unpin_null(int fd)
{
	return ioctl(fd, GPT_IOC_UNPIN, NULL) ? errno : 0;
}

static int query_reserved(int fd)
{
	struct gpt_query q = { .handle = 1, .reserved_in0 = 1 };

	return -gpt_query(fd, &q);
}

static int query_no_handle(int fd)
{
	struct gpt_query q = { .handle = 0 };

	return -gpt_query(fd, &q);
}

static int read_len_zero(int fd)
{
	struct gpt_rw r = { .handle = 1, .len = 0 };

	return -gpt_rw(fd, &r, false);
}

/* A real hold, then QUERY into a NULL buffer: EFAULT, the hold intact. */
static int query_null_records(int fd)
{
	struct gpt_pin req = { .nr_pages = 1, .path = GPT_PATH_PIN,
			       .flags = GPT_FLAG_HOLD };
	struct gpt_query q = { .max_records = 1 };
	struct gpt_unpin u = { 0 };
	struct gpt_mem mem;
	int err;

	if (gpt_mem_map("anon", 1, false, GPT_PREFAULT_WRITE, &mem))
		return -1;
	req.addr = (uintptr_t)mem.addr;
	err = gpt_pin(fd, &req);
	q.handle = u.handle = req.handle;
	if (!err)
		err = -gpt_query(fd, &q);
	if (gpt_unpin(fd, &u) || u.released != 1)
		err = -1;
	gpt_mem_unmap(&mem);
	return err;
}

static const struct {
	const char *what;
	int (*send)(int fd);
	int want;
} other_cases[] = {
	{ "UNPIN with an unknown flag", unpin_bad_flag, EINVAL },
	{ "UNPIN with reserved_in[1] = 1", unpin_reserved, EINVAL },
	{ "UNPIN of handle 0", unpin_no_handle, ENOENT },
	{ "UNPIN with a NULL argument", unpin_null, EFAULT },
	{ "QUERY with reserved_in0 = 1", query_reserved, EINVAL },
	{ "QUERY of handle 0", query_no_handle, ENOENT },
	{ "QUERY into a NULL records pointer", query_null_records, EFAULT },
	{ "READ of 0 bytes", read_len_zero, EINVAL },
};

void test_bad_requests(struct suite *s)
{
	for (size_t i = 0; i < sizeof(other_cases) / sizeof(other_cases[0]); i++) {
		struct gpt_pin_counters c0, c1;
		struct tap_point t;
		int err;

		tap_begin(&t);
		tap_check(&t, gpt_pin_counters_read(&c0) == 0, "reading /proc/vmstat");
		err = other_cases[i].send(s->fd);
		tap_check(&t, gpt_pin_counters_read(&c1) == 0, "reading /proc/vmstat");
		tap_check(&t, err == other_cases[i].want, "errno %s, expected %s",
			  gpt_errno_name(err), gpt_errno_name(other_cases[i].want));
		tap_check_eq(&t, "pins outstanding", 0,
			     (c1.acquired - c0.acquired) - (c1.released - c0.released));
		tap_end(&t, "bad input: %s -> %s", other_cases[i].what,
			gpt_errno_name(other_cases[i].want));
	}
}
