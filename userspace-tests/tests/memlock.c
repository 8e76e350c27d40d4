// SPDX-License-Identifier: GPL-2.0
/*
 * RLIMIT_MEMLOCK as drivers charge pinned memory (gpt_pin.account), each
 * mode against the kernel's own counters:
 *  - pinned-vm (ib_umem_get()): mm->pinned_vm, VmPin in /proc/PID/status;
 *    CAP_IPC_LOCK lifts the limit, the charge stays;
 *  - pinned-vm-nocap (vhost_vdpa_pa_map()): the same count, no capability
 *    lifts it;
 *  - locked-vm (vfio_lock_acct() through __account_locked_vm()):
 *    mm->locked_vm, VmLck, the count mlock() adds to, so mlocked memory
 *    leaves less to pin;
 *  - user-locked-vm (xdp_umem_account_pages()): the uid's locked_vm,
 *    shown nowhere, shared by every process of the user; CAP_IPC_LOCK
 *    charges nothing;
 *  - user-locked-vm-pinned (io_account_mem()): the same limit, and VmPin
 *    counts the pages too, with CAP_IPC_LOCK as well.
 * As uid 65534 with a 16-page limit, then as root with a 1-page one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite.h"

#define LIMIT	16	/* pages of RLIMIT_MEMLOCK for uid 65534 */

/* What one mode does; kB of VmPin and VmLck while 16 pages are held. */
static const struct account_row {
	uint32_t account;
	const char *name;
	long vmpin_kb, vmlck_kb;
	bool per_user;		/* another process of the uid shares the limit */
	bool mlock_shares;	/* mlock()ed pages count against it */
	int root_err;		/* root, CAP_IPC_LOCK, 16 pages over a 1-page limit */
	uint64_t root_charged;
	const char *why;
} rows[] = {
	{ GPT_ACCOUNT_PINNED_VM, "pinned-vm", 64, 0, false, false, 0, 16,
	  "ib_umem_get(): atomic64_add_return(pinned_vm) > limit && !capable(CAP_IPC_LOCK)" },
	{ GPT_ACCOUNT_PINNED_VM_NOCAP, "pinned-vm-nocap", 64, 0, false, false, ENOMEM, 0,
	  "vhost_vdpa_pa_map(): npages + pinned_vm > limit, no capability asked" },
	{ GPT_ACCOUNT_LOCKED_VM, "locked-vm", 0, 64, false, true, 0, 16,
	  "__account_locked_vm(): locked_vm + pages > limit unless bypass_rlim" },
	{ GPT_ACCOUNT_USER_LOCKED_VM, "user-locked-vm", 0, 0, true, false, 0, 0,
	  "xdp_umem_account_pages(): capable(CAP_IPC_LOCK) charges nothing, else user->locked_vm" },
	{ GPT_ACCOUNT_USER_LOCKED_VM_PINNED, "user-locked-vm-pinned", 64, 0, true, false, 0, 16,
	  "io_account_mem(): user->locked_vm unless CAP_IPC_LOCK, then pinned_vm, unchecked" },
};

/* The steps as uid 65534; each an errno (or a value) the parent checks. */
enum step {
	S_HOLD16,	/* hold 16 pages (the limit): errno */
	S_CHARGED,	/* memlock_charged of it */
	S_VMPIN,	/* VmPin kB while held */
	S_VMLCK,	/* VmLck kB while held */
	S_HOLD1,	/* hold 1 more, second fd: errno */
	S_REASON1,	/* its reason */
	S_SHORT1,	/* a PIN of 1 page, not held, same account: errno */
	S_OTHER,	/* another process of the uid holds 1 page: errno */
	S_UNCHARGED,	/* UNPIN of the 16, by a child: memlock_uncharged */
	S_CHILD_KB,	/* that child's VmPin + VmLck kB: it was never charged */
	S_VMPIN0,	/* VmPin kB after */
	S_VMLCK0,	/* VmLck kB after */
	S_MLOCKED,	/* mlock() 1 page, then hold 16: errno */
	S_AGAIN,	/* munlock(), hold 16 again: errno */
	S_PARTIAL,	/* a hold of 16 pages, 8 of them mapped: memlock_charged */
	S_PARTIAL_KB,	/* VmPin + VmLck kB of it */
	S_RACE,		/* 4 threads hold a page at a time until refused: pages held */
	S_RACE_KB,	/* VmPin + VmLck kB after their UNPINs */
	S_END
};

struct steps_arg {
	int fd1, fd2, fd3;	/* root's: uid 65534 may not open the device */
	uint32_t account;
};

static int hold(int fd, const struct gpt_mem *mem, size_t n, uint32_t account,
		uint64_t flags, struct gpt_pin_result *res)
{
	struct gpt_pin req = { .addr = (uintptr_t)mem->addr, .nr_pages = n,
			       .path = GPT_PATH_PIN_FAST, .flags = flags,
			       .account = account };

	return -gpt_pin(fd, &req, res, NULL, 0);
}

/* A child UNPINs @handle through the inherited fd: its result, its kB. */
static long child_unpins(int fd, uint64_t handle, long *child_kb)
{
	struct gpt_unpin_result u;
	int pipefd[2], status;
	long out[2] = { -1, -1 };
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		out[0] = gpt_unpin(fd, handle, 0, &u) ? -1 : (long)u.memlock_uncharged;
		out[1] = status_kb("VmPin") + status_kb("VmLck");
		_exit(write(pipefd[1], out, sizeof(out)) != sizeof(out));
	}
	close(pipefd[1]);
	if (pid < 0 || read(pipefd[0], out, sizeof(out)) != sizeof(out))
		out[0] = out[1] = -1;
	close(pipefd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	*child_kb = out[1];
	return out[0];
}

struct racer {
	int fd;
	uint32_t account;
	const struct gpt_mem *mem;
	long held;
	uint64_t handle[12];
};

/* One page at a time until the limit says no (or 12 tries). */
static void *race(void *arg)
{
	struct racer *r = arg;
	struct gpt_pin_result res;

	for (int i = 0; i < 12; i++) {
		if (hold(r->fd, r->mem, 1, r->account, GPT_FLAG_HOLD, &res))
			break;
		r->handle[r->held++] = res.handle;
	}
	return NULL;
}

/* 4 threads on one fd race for the limit: the pages they got. */
static long race_for_the_limit(int fd, uint32_t account, const struct gpt_mem *mem,
			       long *kb_after)
{
	struct racer r[4];
	pthread_t t[4];
	long held = 0;

	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){ .fd = fd, .account = account, .mem = mem };
		if (pthread_create(&t[i], NULL, race, &r[i]))
			r[i].fd = -1;
	}
	for (int i = 0; i < 4; i++)
		if (r[i].fd >= 0)
			pthread_join(t[i], NULL);
	/* root keeps the file open: give every hold back by hand */
	for (int i = 0; i < 4; i++) {
		held += r[i].held;
		for (long h = 0; h < r[i].held; h++)
			gpt_unpin(fd, r[i].handle[h], 0, &(struct gpt_unpin_result){ 0 });
	}
	*kb_after = status_kb("VmPin") + status_kb("VmLck");
	return held;
}

/* Another process of the same uid holds 1 page: its errno. */
static int other_process_holds(int fd, const struct gpt_mem *mem, uint32_t account)
{
	struct gpt_pin_result res;
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(hold(fd, mem, 1, account, GPT_FLAG_HOLD, &res));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void steps(void *arg, void *out)
{
	const struct rlimit lim = { LIMIT * 4096, LIMIT * 4096 };
	const struct steps_arg *a = arg;
	struct gpt_pin_result r16, r1;
	struct gpt_unpin_result u;
	struct gpt_mem mem;
	long *o = out;

	if (setrlimit(RLIMIT_MEMLOCK, &lim) ||
	    gpt_mem_map("anon", LIMIT + 1, 0, GPT_PREFAULT_WRITE, &mem))
		return;
	o[S_HOLD16] = hold(a->fd1, &mem, LIMIT, a->account, GPT_FLAG_HOLD, &r16);
	o[S_CHARGED] = (long)r16.memlock_charged;
	o[S_VMPIN] = status_kb("VmPin");
	o[S_VMLCK] = status_kb("VmLck");
	o[S_HOLD1] = hold(a->fd2, &mem, 1, a->account, GPT_FLAG_HOLD, &r1);
	o[S_REASON1] = r1.reason;
	o[S_SHORT1] = hold(a->fd2, &mem, 1, a->account, 0, &r1);
	o[S_OTHER] = other_process_holds(a->fd2, &mem, a->account);
	/* given back to the mm it was charged to, whoever releases it */
	o[S_UNCHARGED] = child_unpins(a->fd1, r16.handle, &o[S_CHILD_KB]);
	o[S_VMPIN0] = status_kb("VmPin");
	o[S_VMLCK0] = status_kb("VmLck");
	o[S_MLOCKED] = mlock((char *)mem.addr + LIMIT * 4096, 4096) ? -errno :
		       hold(a->fd1, &mem, LIMIT, a->account, GPT_FLAG_HOLD, &r16);
	if (!o[S_MLOCKED])
		gpt_unpin(a->fd1, r16.handle, 0, &u);
	munlock((char *)mem.addr + LIMIT * 4096, 4096);
	o[S_AGAIN] = hold(a->fd1, &mem, LIMIT, a->account, GPT_FLAG_HOLD, &r16);
	if (!o[S_AGAIN])
		gpt_unpin(a->fd1, r16.handle, 0, &u);
	/* Only what was pinned stays charged. */
	munmap((char *)mem.addr + LIMIT / 2 * 4096, LIMIT / 2 * 4096);
	o[S_PARTIAL] = hold(a->fd1, &mem, LIMIT, a->account, GPT_FLAG_HOLD, &r16) ? -1 :
		       (long)r16.memlock_charged;
	o[S_PARTIAL_KB] = status_kb("VmPin") + status_kb("VmLck");
	close(a->fd1);
	close(a->fd2);
	o[S_RACE] = race_for_the_limit(a->fd3, a->account, &mem, &o[S_RACE_KB]);
	gpt_mem_unmap(&mem);
}

static void check_row(const struct account_row *x, const long *o, int err)
{
	/* The other process charges its own mm, unless the count is the uid's. */
	int other = x->per_user ? ENOMEM : 0;
	int mlocked = x->mlock_shares ? ENOMEM : 0;
	struct tap_point t;

	tap_begin(&t);
	tap_check(&t, !err, "the unprivileged child failed");
	tap_check_eq(&t, "hold 16 pages: errno", 0, o[S_HOLD16]);
	tap_check_eq(&t, "memlock_charged", LIMIT, o[S_CHARGED]);
	tap_check_eq(&t, "VmPin kB while held", x->vmpin_kb, o[S_VMPIN]);
	tap_check_eq(&t, "VmLck kB while held", x->vmlck_kb, o[S_VMLCK]);
	tap_check_eq(&t, "1 page more: errno", ENOMEM, o[S_HOLD1]);
	tap_check_eq(&t, "1 page more: reason", GPT_REASON_MEMLOCK, o[S_REASON1]);
	tap_check_eq(&t, "1 page more, not held: errno", ENOMEM, o[S_SHORT1]);
	tap_check_eq(&t, "another process of the uid, 1 page: errno", other, o[S_OTHER]);
	tap_check_eq(&t, "UNPIN by a child: memlock_uncharged", LIMIT, o[S_UNCHARGED]);
	tap_check_eq(&t, "the child's VmPin + VmLck kB", 0, o[S_CHILD_KB]);
	tap_check_eq(&t, "VmPin kB after", 0, o[S_VMPIN0]);
	tap_check_eq(&t, "VmLck kB after", 0, o[S_VMLCK0]);
	tap_check_eq(&t, "1 page mlock()ed, hold 16: errno", mlocked, o[S_MLOCKED]);
	tap_check_eq(&t, "munlock(), hold 16 again: errno", 0, o[S_AGAIN]);
	tap_check_eq(&t, "a hold of 16 with 8 mapped: memlock_charged", LIMIT / 2, o[S_PARTIAL]);
	tap_check_eq(&t, "its VmPin + VmLck kB", (x->vmpin_kb + x->vmlck_kb) / 2,
		     o[S_PARTIAL_KB]);
	tap_check_eq(&t, "4 threads racing a page at a time: pages held", LIMIT, o[S_RACE]);
	tap_check_eq(&t, "VmPin + VmLck kB after their UNPINs", 0, o[S_RACE_KB]);
	tap_end(&t, "memlock %s: uid %d, limit 16 pages: 16 held (VmPin %ld, VmLck %ld kB), 1 more "
		"ENOMEM, another process of the uid %s, mlock() %s, a child's UNPIN gives it "
		"back, a partial hold keeps 8, 4 racing threads get exactly 16 (%s)", x->name, 65534,
		x->vmpin_kb, x->vmlck_kb, other ? "ENOMEM" : "ok",
		mlocked ? "counts" : "does not count", x->why);
}

/* Root: CAP_IPC_LOCK, a 1-page limit, 16 pages held. */
static void check_root(struct suite *s, const struct account_row *x)
{
	struct rlimit saved, lim = { 4096, 4096 };
	struct gpt_unpin_result u = { 0 };
	struct gpt_pin_result res;
	struct gpt_mem mem;
	struct tap_point t;
	int err;

	tap_begin(&t);
	getrlimit(RLIMIT_MEMLOCK, &saved);
	err = gpt_mem_map("anon", LIMIT, 0, GPT_PREFAULT_WRITE, &mem);
	if (tap_check(&t, !err, "mmap: %s", gpt_errno_name(-err))) {
		setrlimit(RLIMIT_MEMLOCK, &lim);
		err = hold(s->fd, &mem, LIMIT, x->account, GPT_FLAG_HOLD, &res);
		setrlimit(RLIMIT_MEMLOCK, &saved);
		tap_check_eq(&t, "errno", x->root_err, err);
		if (!err) {
			tap_check_eq(&t, "memlock_charged", (int64_t)x->root_charged,
				     (int64_t)res.memlock_charged);
			tap_check_eq(&t, "VmPin kB while held", x->root_charged ?
				     x->vmpin_kb : 0, status_kb("VmPin"));
			tap_check_eq(&t, "VmLck kB while held", x->root_charged ?
				     x->vmlck_kb : 0, status_kb("VmLck"));
			tap_check_eq(&t, "UNPIN", 0, gpt_unpin(s->fd, res.handle, 0, &u));
			tap_check_eq(&t, "memlock_uncharged", (int64_t)x->root_charged,
				     (int64_t)u.memlock_uncharged);
		} else {
			tap_check_eq(&t, "reason", GPT_REASON_MEMLOCK, res.reason);
		}
		tap_check_eq(&t, "VmPin kB after", 0, status_kb("VmPin"));
		tap_check_eq(&t, "VmLck kB after", 0, status_kb("VmLck"));
		gpt_mem_unmap(&mem);
	}
	tap_end(&t, "memlock %s: root (CAP_IPC_LOCK), limit 1 page, 16 held: %s, %llu charged",
		x->name, x->root_err ? gpt_errno_name(x->root_err) : "ok",
		(unsigned long long)x->root_charged);
}

/* none: never for a hold; a short-term pin charges nothing. */
static void check_none(struct suite *s)
{
	struct gpt_pin_result res;
	struct gpt_mem mem;
	struct tap_point t;
	int err;

	tap_begin(&t);
	err = gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &mem);
	if (tap_check(&t, !err, "mmap: %s", gpt_errno_name(-err))) {
		tap_check_eq(&t, "HOLD with account none: errno", EINVAL,
			     hold(s->fd, &mem, 1, GPT_ACCOUNT_NONE, GPT_FLAG_HOLD, &res));
		tap_check_eq(&t, "its reason", GPT_REASON_BAD_ARGUMENT, res.reason);
		tap_check_eq(&t, "PIN with account none: errno", 0,
			     hold(s->fd, &mem, 1, GPT_ACCOUNT_NONE, 0, &res));
		tap_check_eq(&t, "pinned", 1, (int64_t)res.pinned);
		tap_check_eq(&t, "account past the last: errno", EINVAL,
			     hold(s->fd, &mem, 1, GPT_ACCOUNT_END, 0, &res));
		gpt_mem_unmap(&mem);
	}
	tap_end(&t, "memlock none: refused for a hold (EINVAL, bad-argument), a short-term pin charges nothing");
}

/* A caller built before account (72 bytes) holds as it always did. */
static void check_version3_caller(struct suite *s)
{
	struct gpt_pin_result res = { 0 };
	struct gpt_unpin_result u;
	struct gpt_mem mem;
	struct tap_point t;
	int err;

	tap_begin(&t);
	err = gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &mem);
	if (tap_check(&t, !err, "mmap: %s", gpt_errno_name(-err))) {
		struct gpt_pin req = {
			.head = { GPT_PIN_SIZE_VER3, sizeof(res), (uintptr_t)&res },
			.path = GPT_PATH_PIN_FAST, .flags = GPT_FLAG_HOLD,
			.addr = (uintptr_t)mem.addr, .nr_pages = 1,
			/* past the caller's size: the module must not read it */
			.account = GPT_ACCOUNT_END,
		};

		tap_check_eq(&t, "PIN of 72 bytes: errno", 0,
			     ioctl(s->fd, GPT_IOC_PIN, &req) ? errno : 0);
		tap_check_eq(&t, "memlock_charged", 1, (int64_t)res.memlock_charged);
		tap_check_eq(&t, "VmPin kB", 4, status_kb("VmPin"));
		if (res.handle)
			gpt_unpin(s->fd, res.handle, 0, &u);
		gpt_mem_unmap(&mem);
	}
	tap_end(&t, "memlock: a version 3 caller (72-byte PIN, no account) holds charged to pinned_vm, as before");
}

void test_memlock_accounts(struct suite *s)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct steps_arg arg = { gpt_open(), gpt_open(), gpt_open(), rows[i].account };
		long o[S_END];
		int err;

		err = run_as_nobody(steps, &arg, (int[2]){ arg.fd1, arg.fd2 }, o, sizeof(o));
		close(arg.fd3);
		check_row(&rows[i], o, err);
		check_root(s, &rows[i]);
	}
	check_none(s);
	check_version3_caller(s);
}
