// SPDX-License-Identifier: GPL-2.0
/*
 * Remote paths on another process: a child maps and writes memory, the
 * parent pins it by pid.  Also: a pid that names nobody, and a pid given
 * to a path that is not remote.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "expect.h"

#define NPAGES	16

/*
 * A child holding NPAGES written anonymous pages, the first one saying
 * "victim", all made read-only if @read_only; 0 or -errno.
 */
int child_start(struct child *c, bool read_only)
{
	int to_parent[2], to_child[2];
	struct gpt_mem mem;
	char byte;

	if (pipe(to_parent) || pipe(to_child))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		uint64_t addr = 0;

		close(to_parent[0]);
		close(to_child[1]);
		if (!gpt_mem_map("anon", NPAGES, 0, GPT_PREFAULT_WRITE, &mem)) {
			strcpy(mem.addr, "victim");
			addr = (uintptr_t)mem.addr;
			if (read_only && mprotect(mem.addr, mem.len, PROT_READ))
				addr = 0;
		}
		if (write(to_parent[1], &addr, sizeof(addr)) != sizeof(addr))
			_exit(1);
		/* Wait until the parent is done with our pages. */
		while (read(to_child[0], &byte, 1) > 0)
			;
		_exit(0);
	}
	close(to_parent[1]);
	close(to_child[0]);
	c->release = to_child[1];
	if (read(to_parent[0], &c->addr, sizeof(c->addr)) != sizeof(c->addr))
		c->addr = 0;
	close(to_parent[0]);
	return c->addr ? 0 : -EIO;
}

void child_stop(struct child *c)
{
	close(c->release);
	waitpid(c->pid, NULL, 0);
}

static void remote_pin(struct suite *s, const struct child *c, uint32_t path,
		       uint64_t flags, const struct expect *e)
{
	const struct gpt_path_info *p = gpt_path_by_id(&s->info, path);
	struct gpt_cell_result r = { 0 };
	struct tap_point t;

	tap_begin(&t);
	r.pin.path = path;
	r.pin.flags = flags;
	r.pin.pid = c->pid;
	r.pin.addr = c->addr;
	r.pin.nr_pages = NPAGES;
	gpt_pin_measured(s->fd, true, &r);
	expect_check(&t, e, GPT_MEM_ANON, &r, 1);
	tap_end(&t, "remote: %s on a child's anonymous pages, %s: %s",
		p ? p->function : "?", flags & GPT_FLAG_WRITE ? "write" : "read",
		expect_describe(e, GPT_MEM_ANON, path, NPAGES));
	if (e->why)
		tap_diag("  decided by %s", e->why);
}

static void bad_pid(struct suite *s, uint32_t path, int32_t pid, int want,
		    uint32_t reason, const char *what)
{
	struct gpt_pin_result res;
	struct gpt_pin req = { 0 };
	struct gpt_mem mem;
	struct tap_point t;
	int ret;

	tap_begin(&t);
	ret = gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &mem);
	if (tap_check(&t, !ret, "mapping: %s", strerror(-ret))) {
		req.path = path;
		req.pid = pid;
		req.addr = (uintptr_t)mem.addr;
		req.nr_pages = 1;
		ret = gpt_pin(s->fd, &req, &res, NULL, 0);
		tap_check(&t, -ret == want, "errno %s", gpt_errno_name(-ret));
		tap_check(&t, res.reason == reason, "reason %s",
			  gpt_reason_name(res.reason));
		gpt_mem_unmap(&mem);
	}
	tap_end(&t, "remote: %s -> %s (%s)", what, gpt_errno_name(want),
		gpt_reason_name(reason));
}

void test_remote(struct suite *s)
{
	const struct expect pinned = { .outcome = PINNED, .why =
		"__get_user_pages_remote() on the child's mm, mmap_read_lock() held" };
	struct tap_point t;
	struct child c;
	int ret;

	tap_begin(&t);
	ret = child_start(&c, false);
	tap_check(&t, !ret, "starting the child: %s", strerror(-ret));
	tap_end(&t, "remote: a child process maps %d written pages", NPAGES);
	if (!ret) {
		remote_pin(s, &c, GPT_PATH_PIN_REMOTE, GPT_FLAG_WRITE, &pinned);
		remote_pin(s, &c, GPT_PATH_PIN_REMOTE, GPT_FLAG_LONGTERM, &pinned);
		remote_pin(s, &c, GPT_PATH_GUP_REMOTE, 0, &pinned);
		child_stop(&c);
	}
	/* pid_max is at most 2^22: this pid cannot exist. */
	bad_pid(s, GPT_PATH_PIN_REMOTE, 1 << 23, ESRCH, GPT_REASON_NO_PROCESS,
		"pid of no process");
	bad_pid(s, GPT_PATH_PIN, getpid(), EINVAL, GPT_REASON_BAD_ARGUMENT,
		"pid given to a local path");
}
