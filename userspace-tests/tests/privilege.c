// SPDX-License-Identifier: GPL-2.0
/*
 * The device is a privilege boundary: whoever holds an fd that root
 * opened gets no more than its own syscalls give it.
 *
 * Another process's memory: process_vm_readv() decides (mm_access()), and
 * the module asks for CAP_SYS_PTRACE at every request (module/access.c).
 * A process that drops to uid 65534 keeping root's fd must get EPERM
 * (reason ptrace) for remote pins, and for READ, WRITE and QUERY of a
 * hold root took on another process, while its own memory stays open to it.
 *
 * Held pages: charged to the holder's pinned_vm (VmPin in /proc/PID/status)
 * against RLIMIT_MEMLOCK, as ib_umem_get() does; two fds share one limit.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite.h"

#define NPAGES		16
#define NOBODY		65534

/* What the unprivileged child saw, one errno and reason per step. */
enum step {
	STEP_VM_READV,		/* process_vm_readv() of the victim */
	STEP_PIN_FORCE,		/* pin-remote WRITE|FORCE|HOLD of it */
	STEP_GUP_READ,		/* gup-remote, read */
	STEP_PIN_SELF,		/* pin-remote of its own memory by pid */
	STEP_READ_HOLD,		/* READ of root's hold on the victim */
	STEP_WRITE_HOLD,	/* WRITE of it */
	STEP_QUERY_HOLD,	/* QUERY of it */
	STEP_DIRTY_HOLD,	/* UNPIN DIRTY of it */
	STEP_HOLDS_HIDDEN,	/* HOLDS: root's hold not listed, counted hidden */
	STEP_PFN_HIDDEN,	/* its own PIN's records: pfn 0 */
	STEP_HOLD_OWN,		/* HOLD of its own page */
	STEP_WRITE_OWN,		/* WRITE through that hold */
	STEP_END
};

struct outcome {
	int err[STEP_END];	/* STEP_END > M_END below */
	uint32_t reason[STEP_END];
};

static const struct {
	const char *what;
	int err;
	uint32_t reason;
} steps[STEP_END] = {
	[STEP_VM_READV] = { "process_vm_readv() of root's process", EPERM, 0 },
	[STEP_PIN_FORCE] = { "pin_user_pages_remote WRITE|FORCE|HOLD of its read-only page",
			     EPERM, GPT_REASON_PTRACE },
	[STEP_GUP_READ] = { "get_user_pages_remote, read", EPERM, GPT_REASON_PTRACE },
	[STEP_PIN_SELF] = { "pin_user_pages_remote of its own memory, by pid", 0, 0 },
	[STEP_READ_HOLD] = { "READ through root's hold on that process", EPERM,
			     GPT_REASON_PTRACE },
	[STEP_WRITE_HOLD] = { "WRITE through it", EPERM, GPT_REASON_PTRACE },
	[STEP_QUERY_HOLD] = { "QUERY of it", EPERM, GPT_REASON_PTRACE },
	[STEP_DIRTY_HOLD] = { "UNPIN DIRTY of it", EPERM, GPT_REASON_PTRACE },
	[STEP_HOLDS_HIDDEN] = { "HOLDS (the pin watch) lists none of root's holds, counts them hidden",
				0, 0 },
	[STEP_PFN_HIDDEN] = { "its own PIN's records show no pfn (no CAP_SYS_ADMIN, as pagemap)",
			      0, 0 },
	[STEP_HOLD_OWN] = { "HOLD of its own page", 0, 0 },
	[STEP_WRITE_OWN] = { "WRITE through its own hold", 0, 0 },
};

/* Become uid and gid 65534, with no capabilities. */
static int drop_privileges(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return -errno;
	return 0;
}

/* The parent's copies of what it hands over: closed whatever happens. */
static void close_given(const int give[2])
{
	for (int i = 0; give && i < 2; i++)
		if (give[i] >= 0)
			close(give[i]);
}

int run_as_nobody(void (*fn)(void *arg, void *out), void *arg, const int give[2],
		  void *out, size_t size)
{
	int pipefd[2] = { -1, -1 }, go[2] = { -1, -1 }, status = -1, err = 0;
	void *mine = calloc(1, size);
	char byte = 0;
	pid_t pid = -1;

	memset(out, 0xff, size);
	if (!mine)
		err = -ENOMEM;
	else if (pipe(pipefd) || pipe(go))
		err = -errno;
	else if ((pid = fork()) < 0)
		err = -errno;
	if (pid == 0) {
		close(pipefd[0]);
		close(go[1]);
		/*
		 * Wait for the parent to close its copies of give[]: until then
		 * the child's close() is not the last one and releases nothing.
		 */
		if (read(go[0], &byte, 1) != 1 || drop_privileges())
			_exit(2);
		fn(arg, mine);
		_exit(write(pipefd[1], mine, size) != (ssize_t)size);
	}
	free(mine);
	close_given(give);
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0 && (i == 0 || err))
			close(go[i]);
		if (pipefd[i] >= 0 && (i == 1 || err))
			close(pipefd[i]);
	}
	if (err)
		return err;
	/* the child is blocked in read() until this byte: no SIGPIPE */
	if (write(go[1], &byte, 1) != 1)
		kill(pid, SIGKILL);
	close(go[1]);
	if (read(pipefd[0], out, size) != (ssize_t)size)
		memset(out, 0xff, size);
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ECHILD;
}

static void record(struct outcome *o, int st, int err, uint32_t reason)
{
	o->err[st] = err;
	o->reason[st] = reason;
}

/* The unprivileged side: every step, with root's fd and root's hold. */
static void as_nobody(int fd, const struct child *victim, uint64_t root_hold,
		      struct outcome *o)
{
	struct gpt_pin req = { .addr = victim->addr, .nr_pages = 1,
			       .pid = victim->pid };
	struct gpt_held_page held[8];
	struct gpt_holds_result hr;
	struct gpt_query_result q;
	struct gpt_unpin_result un;
	bool listed = false;
	struct gpt_page_record rec;
	struct gpt_pin_result res;
	struct gpt_rw_result rw;
	struct gpt_mem own;
	char buf[8] = "nobody";
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { (void *)(uintptr_t)victim->addr, sizeof(buf) };
	int err;

	err = process_vm_readv(victim->pid, &local, 1, &remote, 1, 0) < 0 ? errno : 0;
	record(o, STEP_VM_READV, err, 0);

	req.path = GPT_PATH_PIN_REMOTE;
	req.flags = GPT_FLAG_WRITE | GPT_FLAG_FORCE | GPT_FLAG_HOLD;
	err = -gpt_pin(fd, &req, &res, NULL, 0);
	record(o, STEP_PIN_FORCE, err, res.reason);

	req.path = GPT_PATH_GUP_REMOTE;
	req.flags = 0;
	err = -gpt_pin(fd, &req, &res, NULL, 0);
	record(o, STEP_GUP_READ, err, res.reason);

	err = gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &own);
	req.path = GPT_PATH_PIN_REMOTE;
	req.pid = getpid();
	req.addr = (uintptr_t)own.addr;
	err = err ? -err : -gpt_pin(fd, &req, &res, NULL, 0);
	record(o, STEP_PIN_SELF, err ? err : res.pinned != 1, res.reason);

	err = -gpt_rw(fd, root_hold, 0, 0, buf, 7, false, &rw);
	record(o, STEP_READ_HOLD, err, rw.reason);
	err = -gpt_rw(fd, root_hold, 0, 0, buf, 7, true, &rw);
	record(o, STEP_WRITE_HOLD, err, rw.reason);
	err = -gpt_query(fd, root_hold, 0, NULL, 0, &q);
	record(o, STEP_QUERY_HOLD, err, q.reason);
	err = -gpt_unpin(fd, root_hold, GPT_UNPIN_DIRTY, &un);
	record(o, STEP_DIRTY_HOLD, err, un.reason);

	err = -gpt_holds(fd, 0, 0, 0, held, 8, &hr);
	for (uint64_t i = 0; !err && i < hr.nr_records && i < 8; i++)
		listed |= held[i].handle == root_hold;
	record(o, STEP_HOLDS_HIDDEN, err ? err : listed || !hr.hidden, hr.reason);

	req = (struct gpt_pin){ .addr = (uintptr_t)own.addr, .nr_pages = 1,
				.path = GPT_PATH_PIN_FAST };
	err = -gpt_pin(fd, &req, &res, &rec, 1);
	record(o, STEP_PFN_HIDDEN, err ? err : !(rec.before.flags & GPT_PAGE_PRESENT) ||
	       rec.before.pfn || rec.pinned.pfn || rec.after.pfn, res.reason);

	req.path = GPT_PATH_PIN;
	req.pid = 0;
	req.addr = (uintptr_t)own.addr;
	req.flags = GPT_FLAG_WRITE | GPT_FLAG_HOLD;
	err = -gpt_pin(fd, &req, &res, NULL, 0);
	record(o, STEP_HOLD_OWN, err, res.reason);
	err = err ? err : -gpt_rw(fd, res.handle, 0, 0, buf, 7, true, &rw);
	record(o, STEP_WRITE_OWN, err ? err : strcmp(own.addr, "nobody") != 0,
	       rw.reason);
	gpt_unpin(fd, res.handle, 0, &(struct gpt_unpin_result){ 0 });
	gpt_mem_unmap(&own);
}

struct remote_arg {
	int fd;
	const struct child *victim;
	uint64_t hold;
};

static void remote_steps(void *arg, void *out)
{
	struct remote_arg *a = arg;

	as_nobody(a->fd, a->victim, a->hold, out);
}

static void test_remote_denied(struct suite *s)
{
	struct gpt_pin req = { .nr_pages = 1, .path = GPT_PATH_PIN_REMOTE,
			       .flags = GPT_FLAG_WRITE | GPT_FLAG_FORCE |
					GPT_FLAG_HOLD };
	char buf[8] = "";
	struct iovec local = { buf, 7 }, remote;
	struct gpt_unpin_result u;
	struct gpt_pin_result res;
	struct remote_arg arg;
	struct child victim;
	struct outcome o;
	struct tap_point t;
	int err;

	tap_begin(&t);
	err = child_start(&victim, true);
	if (!tap_check(&t, !err, "starting the victim: %s", gpt_errno_name(-err))) {
		tap_end(&t, "privilege: a root process with a read-only page");
		return;
	}
	req.pid = victim.pid;
	req.addr = victim.addr;
	/* As root the same request works: ptrace could do it too. */
	tap_check_eq(&t, "root: pin-remote WRITE|FORCE|HOLD", 0,
		     gpt_pin(s->fd, &req, &res, NULL, 0));
	tap_check_eq(&t, "root: pinned", 1, (int64_t)res.pinned);
	tap_check_eq(&t, "root: READ through it", 0,
		     gpt_rw(s->fd, res.handle, 0, 0, buf, 7, false, NULL));
	tap_check(&t, !strcmp(buf, "victim"), "root reads \"%s\"", buf);
	tap_end(&t, "privilege: as root, pin_user_pages_remote WRITE|FORCE|HOLD of another process's read-only page works, and READ through it");

	arg = (struct remote_arg){ s->fd, &victim, res.handle };
	err = run_as_nobody(remote_steps, &arg, NULL, &o, sizeof(o));
	for (int st = 0; st < STEP_END; st++) {
		tap_begin(&t);
		tap_check(&t, !err, "the unprivileged child failed");
		tap_check(&t, o.err[st] == steps[st].err, "errno %s, want %s",
			  gpt_errno_name(o.err[st]), gpt_errno_name(steps[st].err));
		if (steps[st].reason || st != STEP_VM_READV)
			tap_check_eq(&t, "reason", steps[st].reason, o.reason[st]);
		tap_end(&t, "privilege: uid %d with root's fd: %s -> %s%s%s", NOBODY,
			steps[st].what, gpt_errno_name(steps[st].err),
			steps[st].reason ? " " : "",
			steps[st].reason ? gpt_reason_name(steps[st].reason) : "");
	}

	tap_begin(&t);
	remote = (struct iovec){ (void *)(uintptr_t)victim.addr, 7 };
	memset(buf, 0, sizeof(buf));
	tap_check(&t, process_vm_readv(victim.pid, &local, 1, &remote, 1, 0) == 7,
		  "process_vm_readv: %s", strerror(errno));
	tap_check(&t, !strcmp(buf, "victim"), "the victim's page says \"%s\"", buf);
	tap_check_eq(&t, "root: UNPIN its hold", 0, gpt_unpin(s->fd, res.handle, 0, &u));
	tap_check_eq(&t, "released", 1, (int64_t)u.released);
	child_stop(&victim);
	tap_end(&t, "privilege: the victim's page is untouched, root's hold still root's");
}

long status_kb(const char *field)
{
	size_t n = strlen(field);
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':' &&
		    sscanf(line + n + 1, "%ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long vm_pin_kb(void)
{
	return status_kb("VmPin");
}

enum mstep {
	M_HOLD16,	/* HOLD 16 pages on fd 1 with a 16-page limit */
	M_VMPIN16,	/* VmPin is 64 kB */
	M_HOLD1,	/* HOLD 1 more page on fd 2: over the limit */
	M_SHORT,	/* a PIN without HOLD of 16 more pages */
	M_UNPIN,	/* UNPIN the 16 */
	M_VMPIN0,	/* VmPin is 0 */
	M_HOLD1_AGAIN,	/* the 1 page now fits */
	M_CLOSE,	/* close() both: VmPin is 0 */
	M_END
};

static const struct {
	const char *what;
	int err;
	uint32_t reason;
} msteps[M_END] = {
	[M_HOLD16] = { "HOLD 16 pages with RLIMIT_MEMLOCK 64 kB", 0, 0 },
	[M_VMPIN16] = { "VmPin 64 kB while held", 0, 0 },
	[M_HOLD1] = { "HOLD 1 more page on a second fd", ENOMEM, GPT_REASON_MEMLOCK },
	[M_SHORT] = { "PIN without HOLD of 16 more pages (short-term: not charged)", 0, 0 },
	[M_UNPIN] = { "UNPIN the 16 pages", 0, 0 },
	[M_VMPIN0] = { "VmPin 0 kB after UNPIN", 0, 0 },
	[M_HOLD1_AGAIN] = { "HOLD 1 page on the second fd now", 0, 0 },
	[M_CLOSE] = { "VmPin 0 kB after close()", 0, 0 },
};

struct memlock_arg {
	int fd1, fd2;
};

static int hold_pages(int fd, struct gpt_mem *mem, size_t n, uint64_t flags,
		      struct gpt_pin_result *res)
{
	struct gpt_pin req = { .addr = (uintptr_t)mem->addr, .nr_pages = n,
			       .path = GPT_PATH_PIN_FAST, .flags = flags };

	return -gpt_pin(fd, &req, res, NULL, 0);
}

static void memlock_steps(void *arg, void *out)
{
	struct outcome *o = out;
	struct rlimit lim = { 16 * 4096, 16 * 4096 };
	struct memlock_arg *a = arg;
	struct gpt_unpin_result u;
	struct gpt_pin_result r16, r1;
	struct gpt_mem mem;
	int err;

	if (setrlimit(RLIMIT_MEMLOCK, &lim) ||
	    gpt_mem_map("anon", 32, 0, GPT_PREFAULT_WRITE, &mem))
		return;
	err = hold_pages(a->fd1, &mem, 16, GPT_FLAG_HOLD, &r16);
	record(o, M_HOLD16, err ? err : r16.memlock_charged != 16, r16.reason);
	record(o, M_VMPIN16, vm_pin_kb() != 64, 0);
	err = hold_pages(a->fd2, &mem, 1, GPT_FLAG_HOLD, &r1);
	record(o, M_HOLD1, err, r1.reason);
	err = hold_pages(a->fd2, &mem, 16, 0, &r1);
	record(o, M_SHORT, err ? err : r1.pinned != 16, r1.reason);
	err = -gpt_unpin(a->fd1, r16.handle, 0, &u);
	record(o, M_UNPIN, err ? err : u.memlock_uncharged != 16, u.reason);
	record(o, M_VMPIN0, vm_pin_kb() != 0, 0);
	err = hold_pages(a->fd2, &mem, 1, GPT_FLAG_HOLD, &r1);
	record(o, M_HOLD1_AGAIN, err, r1.reason);
	close(a->fd1);
	close(a->fd2);
	record(o, M_CLOSE, vm_pin_kb() != 0, 0);
	gpt_mem_unmap(&mem);
}

static void test_memlock(struct suite *s)
{
	struct memlock_arg arg = { gpt_open(), gpt_open() };
	struct rlimit saved, lim = { 4096, 4096 };
	struct gpt_pin_result res;
	struct gpt_mem mem;
	struct outcome o;
	struct tap_point t;
	int err;

	/* root opens the device and hands both fds over */
	err = run_as_nobody(memlock_steps, &arg, (int[2]){ arg.fd1, arg.fd2 }, &o,
			    sizeof(o));
	for (int st = 0; st < M_END; st++) {
		tap_begin(&t);
		tap_check(&t, !err, "the unprivileged child failed");
		tap_check(&t, o.err[st] == msteps[st].err, "errno %s, want %s",
			  gpt_errno_name(o.err[st]), gpt_errno_name(msteps[st].err));
		tap_check_eq(&t, "reason", msteps[st].reason, o.reason[st]);
		tap_end(&t, "memlock: uid %d: %s -> %s", NOBODY, msteps[st].what,
			gpt_errno_name(msteps[st].err));
	}

	/* Root has CAP_IPC_LOCK: the limit does not apply, the charge does. */
	tap_begin(&t);
	getrlimit(RLIMIT_MEMLOCK, &saved);
	setrlimit(RLIMIT_MEMLOCK, &lim);
	gpt_mem_map("anon", NPAGES, 0, GPT_PREFAULT_WRITE, &mem);
	tap_check_eq(&t, "root: HOLD 16 pages over a 4 kB limit", 0,
		     hold_pages(s->fd, &mem, NPAGES, GPT_FLAG_HOLD, &res));
	tap_check_eq(&t, "charged", NPAGES, (int64_t)res.memlock_charged);
	tap_check_eq(&t, "VmPin kB", NPAGES * 4, vm_pin_kb());
	gpt_unpin(s->fd, res.handle, 0, &(struct gpt_unpin_result){ 0 });
	tap_check_eq(&t, "VmPin kB after UNPIN", 0, vm_pin_kb());
	setrlimit(RLIMIT_MEMLOCK, &saved);
	gpt_mem_unmap(&mem);
	tap_end(&t, "memlock: root (CAP_IPC_LOCK) holds past RLIMIT_MEMLOCK, still charged to VmPin");
}

void test_privilege(struct suite *s)
{
	test_remote_denied(s);
	test_memlock(s);
}
