// SPDX-License-Identifier: GPL-2.0
/*
 * What no caller may do to the module: block everyone else on the file by
 * a buffer that faults forever (userfaultfd), make it allocate past its
 * hard bound by raising a parameter, or leave a hold nobody can name.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "suite.h"

#define HARD_MAX	(1ULL << 20)	/* GPT_MAX_PAGES_HARD */

struct blocked_query {
	int fd;
	uint64_t handle;
	struct gpt_page_sample *buf;	/* in a userfaultfd-registered page */
	int err;
	volatile int done;
};

static void *query_thread(void *arg)
{
	struct blocked_query *b = arg;
	struct gpt_query_result q;

	b->err = gpt_query(b->fd, b->handle, 0, b->buf, 1, &q);
	b->done = 1;
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A QUERY whose records page faults into userfaultfd waits in
 * copy_to_user() until the fault is resolved.  Meanwhile INFO, PIN, READ,
 * QUERY and UNPIN on the same fd must go through: the file's lock is not
 * held across user copies.
 */
static void test_uffd_no_block(struct suite *s)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	struct uffdio_zeropage zp = { 0 };
	struct gpt_pin_result r1, r2;
	struct gpt_query_result q;
	struct gpt_unpin_result u;
	struct blocked_query b = { .fd = s->fd };
	struct gpt_modinfo mi;
	struct pollfd pfd;
	struct gpt_mem mem;
	struct tap_point t;
	pthread_t th;
	double t0, took;
	char *trap;
	char buf[8];
	int uffd;

	if (!kernel.uffd) {
		tap_skip("lock: no CONFIG_USERFAULTFD in this kernel: no page to make a QUERY wait on");
		return;
	}
	tap_begin(&t);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (!tap_check(&t, uffd >= 0 && !ioctl(uffd, UFFDIO_API, &api),
		       "userfaultfd: %s", strerror(errno)))
		goto out;
	trap = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	reg.range.start = (uintptr_t)trap;
	reg.range.len = 4096;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	tap_check(&t, !ioctl(uffd, UFFDIO_REGISTER, &reg), "UFFDIO_REGISTER: %s",
		  strerror(errno));
	gpt_mem_map("anon", 2, 0, GPT_PREFAULT_WRITE, &mem);
	tap_check_eq(&t, "hold 1", 0, gpt_pin(s->fd, &(struct gpt_pin){
		.addr = (uintptr_t)mem.addr, .nr_pages = 1, .path = GPT_PATH_PIN,
		.flags = GPT_FLAG_HOLD }, &r1, NULL, 0));
	tap_check_eq(&t, "hold 2", 0, gpt_pin(s->fd, &(struct gpt_pin){
		.addr = (uintptr_t)mem.addr + 4096, .nr_pages = 1,
		.path = GPT_PATH_PIN, .flags = GPT_FLAG_HOLD }, &r2, NULL, 0));
	b.handle = r1.handle;
	b.buf = (struct gpt_page_sample *)trap;
	pthread_create(&th, NULL, query_thread, &b);
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	tap_check(&t, poll(&pfd, 1, 30000) == 1, "the QUERY never faulted on its buffer (30 s)");
	tap_check(&t, !b.done, "the QUERY returned before its fault was resolved");

	t0 = now_s();
	tap_check_eq(&t, "INFO meanwhile", 0, gpt_get_info(s->fd, &mi));
	gpt_modinfo_free(&mi);
	tap_check_eq(&t, "READ of the blocked hold meanwhile", 0,
		     gpt_rw(s->fd, r1.handle, 0, 0, buf, 4, false, NULL));
	tap_check_eq(&t, "QUERY of the other hold meanwhile", 0,
		     gpt_query(s->fd, r2.handle, 0, NULL, 0, &q));
	tap_check_eq(&t, "UNPIN of the other hold meanwhile", 0,
		     gpt_unpin(s->fd, r2.handle, 0, &u));
	took = now_s() - t0;
	/* blocked, they would wait forever; a slow host takes a second */
	tap_check(&t, took < 30.0, "the other ioctls took %.1f s", took);
	tap_check(&t, !b.done, "the QUERY returned before its fault was resolved");

	zp.range.start = (uintptr_t)trap;
	zp.range.len = 4096;
	tap_check(&t, !ioctl(uffd, UFFDIO_ZEROPAGE, &zp), "UFFDIO_ZEROPAGE: %s",
		  strerror(errno));
	pthread_join(th, NULL);
	tap_check_eq(&t, "the QUERY, once its page came", 0, b.err);
	tap_check_eq(&t, "UNPIN", 0, gpt_unpin(s->fd, r1.handle, 0, &u));
	munmap(trap, 4096);
	close(uffd);
	gpt_mem_unmap(&mem);
out:
	tap_end(&t, "lock: a QUERY stuck on a userfaultfd page blocks no INFO, READ, QUERY or UNPIN on the same fd");
}

/* max_pages raised to 2^28: still no request past 2^20 pages. */
static void test_hard_limit(struct suite *s)
{
	struct gpt_pin req = { .addr = 0x10000000, .nr_pages = HARD_MAX + 1,
			       .path = GPT_PATH_PIN_FAST };
	struct gpt_pin_result res;
	struct gpt_modinfo mi;
	struct tap_point t;

	tap_begin(&t);
	tap_check_eq(&t, "max_pages = 2^28", 0, knob_write(MAX_PAGES_PARAM, 1ULL << 28));
	tap_check_eq(&t, "INFO", 0, gpt_get_info(s->fd, &mi));
	tap_check_eq(&t, "INFO max_pages: the hard bound", HARD_MAX,
		     (int64_t)mi.h.max_pages);
	gpt_modinfo_free(&mi);
	tap_check_eq(&t, "PIN of 2^20 + 1 pages", -EINVAL,
		     gpt_pin(s->fd, &req, &res, NULL, 0));
	tap_check_eq(&t, "its reason", GPT_REASON_TOO_BIG, res.reason);
	tap_check_eq(&t, "max_pages back to 262144", 0,
		     knob_write(MAX_PAGES_PARAM, 262144));
	tap_end(&t, "bounds: max_pages=2^28 still caps a request at 2^20 pages (EINVAL, too-big), no allocation WARN");
}

/* A hold whose result cannot be written is released, not orphaned. */
static void test_orphan_hold(void)
{
	struct gpt_pin_counters c0, c1;
	struct gpt_pin req = { .nr_pages = 4, .path = GPT_PATH_PIN_FAST,
			       .flags = GPT_FLAG_WRITE | GPT_FLAG_HOLD };
	struct gpt_pin_result *ro;
	struct gpt_mem mem;
	struct tap_point t;
	int fd = gpt_open(), err;

	tap_begin(&t);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gpt_mem_map("anon", 4, 0, GPT_PREFAULT_WRITE, &mem);
	req.head = (struct gpt_head){ sizeof(req), sizeof(*ro), (uintptr_t)ro };
	req.addr = (uintptr_t)mem.addr;
	gpt_pin_counters_read(&c0);
	err = ioctl(fd, GPT_IOC_PIN, &req) ? errno : 0;
	gpt_pin_counters_read(&c1);
	tap_check_eq(&t, "PIN+HOLD into a read-only result", EFAULT, err);
	tap_check_eq(&t, "pins acquired", 4, c1.acquired - c0.acquired);
	tap_check_eq(&t, "pins released before the ioctl returned", 4,
		     c1.released - c0.released);
	req.head.result = (uintptr_t)&(struct gpt_pin_result){ 0 };
	tap_check_eq(&t, "the same PIN+HOLD with a result", 0,
		     ioctl(fd, GPT_IOC_PIN, &req) ? errno : 0);
	close(fd);
	munmap(ro, 4096);
	gpt_mem_unmap(&mem);
	tap_end(&t, "bounds: PIN+HOLD whose result cannot be written (EFAULT) releases the hold at once");
}

void test_bounds(struct suite *s)
{
	test_uffd_no_block(s);
	test_hard_limit(s);
	test_orphan_hold();
}
