// SPDX-License-Identifier: GPL-2.0
/*
 * Race stress, bounded in time.  Pinner threads on both CPUs pin through
 * every path the kernel has, hold, query, read and write through the
 * holds and unpin, on a shared fd and on fds of their own; mutator
 * threads meanwhile munmap and map again, mremap away and back,
 * mprotect, fork, MADV_DONTNEED, truncate the backing file and replace
 * the shared fd (dup2(): the old file and its holds go with its last
 * reference, perhaps inside a pinner's ioctl).  Memory: anonymous, THP,
 * an ext4 file, shmem and an fsdax file, all shared and private as they
 * come.  A watchdog names the thread that stops making progress.
 *
 * What must hold: every ioctl errno is one the race explains (a handle
 * gone with its file: ENOENT; dirtying page cache held by FOLL_GET:
 * EINVAL), every GUP errno one the mutations explain; afterwards the
 * pins are balanced, no hold is left, VmPin and VmLck are back.  A WARN or an Oops
 * ends the VM (panic_on_warn), and the rig unloads the module after.
 *
 * Only the mutators map, and only inside their regions, each region
 * under its lock: a hole a mutator leaves is filled by it alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "suite.h"

#define PS		4096UL
#define REGION_PAGES	1024UL		/* 4 MiB: two THPs where there is THP */
#define PMD_SIZE	(2UL << 20)
#define PINNERS		4
#define MUTATORS	2
#define MAX_HOLDS	8
#define MAX_RUN		64		/* pages a PIN names, at most */
#define STUCK_S		60		/* no progress this long: a hang */

struct stress_args stress = { .seconds = 10 };

enum kind { K_ANON, K_THP, K_EXT4, K_SHMEM, K_FSDAX, K_NR };
static const char *const kind_name[K_NR] = { "anon", "thp", "ext4", "shmem", "fsdax" };

struct region {
	char *addr;		/* REGION_PAGES pages, the same for the run */
	char *base;		/* the reservation it is aligned in */
	int fd;			/* the backing file, or -1 */
	pthread_mutex_t lock;	/* one mutation at a time */
};

enum op { O_PIN, O_HOLD, O_QUERY, O_READ, O_WRITE, O_UNPIN, O_REOPEN, O_NR };
static const char *const op_name[O_NR] = {
	"pin", "pin+hold", "query", "read", "write", "unpin", "close+reopen"
};

enum mutation { M_REMAP, M_MREMAP, M_MPROTECT, M_FORK, M_DONTNEED,
		M_TRUNCATE, M_FD, M_NR };
static const char *const mutation_name[M_NR] = {
	"munmap+mmap", "mremap away and back", "mprotect", "fork",
	"MADV_DONTNEED", "truncate", "dup2 over the shared fd"
};

struct hold {
	uint64_t handle;	/* 0: a free slot */
	int fd;			/* the file it is in, or -1: the shared one */
	uint64_t addr;
	uint64_t nr;
	uint64_t flags;
	uint32_t path_class;
	enum kind kind;
};

/* A thread, as the watchdog sees it. */
struct thread {
	pthread_t tid;
	pid_t task;		/* gettid(), for /proc/self/task */
	uint64_t rng;
	atomic_uint_fast64_t progress;
	atomic_bool exited;
	const char *_Atomic doing;
	/* pinners */
	int fd;
	struct hold holds[MAX_HOLDS];
	uint64_t ops[O_NR], ops_ok[O_NR];
	uint64_t gup_err[160];		/* GUP's errnos in PIN results */
	uint64_t bad;			/* ioctl errnos the race does not explain */
	char first_bad[160];
	/* mutators */
	char *spare;			/* REGION_PAGES, where mremap moves to */
	uint64_t done[M_NR];		/* made, and worked */
	uint64_t refused[M_NR];		/* the kernel said no (mremap across VMAs) */
	bool lost_spare;
};

static struct region region[K_NR];
static const struct gpt_path_info *paths[GPT_PATH_END];
static unsigned int nr_paths;
static int shared_fd;
static volatile int stop;
static atomic_uint_fast64_t unrestored;	/* a range not mapped back as it was */

static uint64_t rnd(struct thread *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(struct thread *t, uint64_t n)
{
	return n ? rnd(t) % n : 0;
}

static void both_cpus(void)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	CPU_SET(1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

/* Map pages [first, first + n) of region @k as at the start. */
static int map_pages(enum kind k, size_t first, size_t n, int fixed)
{
	struct region *r = &region[k];
	int flags = r->fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED;
	char *want = r->addr + first * PS;
	char *p = mmap(want, n * PS, PROT_READ | PROT_WRITE, flags | fixed,
		       r->fd, r->fd < 0 ? 0 : (off_t)(first * PS));

	if (p == MAP_FAILED)
		return -errno;
	if (k == K_THP)
		madvise(p, n * PS, MADV_HUGEPAGE);
	return 0;
}

/* ---- the pinners ---- */

static int fd_of(const struct thread *t, int which)
{
	return which < 0 ? shared_fd : t->fd;
}

/*
 * The errnos the race explains, all on the shared fd, which a mutator
 * replaces: a handle gone with its file (ENOENT); handles count from 1 in
 * each file, so one of the old file may name another pinner's hold in
 * the new one, with fewer pages, read-only, or of page cache held by
 * FOLL_GET (EINVAL).  A thread's own fd is its alone: every refusal
 * there is a defect.
 */
static void ioctl_failed(struct thread *t, enum op op, int err, uint32_t reason,
			 bool shared)
{
	if (shared && ((err == ENOENT && reason == GPT_REASON_NO_HANDLE) ||
		       (err == EINVAL && (reason == GPT_REASON_BAD_ARGUMENT ||
					  reason == GPT_REASON_READ_ONLY_PIN ||
					  reason == GPT_REASON_GET_FILE_DIRTY))))
		return;
	if (!t->bad++)
		snprintf(t->first_bad, sizeof(t->first_bad), "%s: %s (%s)",
			 op_name[op], gpt_errno_name(err), gpt_reason_name(reason));
}

static void count(struct thread *t, enum op op, int err, uint32_t reason,
		  bool shared)
{
	t->ops[op]++;
	if (!err)
		t->ops_ok[op]++;
	else
		ioctl_failed(t, op, err, reason, shared);
}

static struct hold *some_hold(struct thread *t)
{
	struct hold *h = &t->holds[below(t, MAX_HOLDS)];

	return h->handle ? h : NULL;
}

/* WRITE and UNPIN DIRTY: a write pin, and no page cache held by FOLL_GET. */
static bool may_dirty(const struct hold *h)
{
	return (h->flags & GPT_FLAG_WRITE) &&
	       ((h->path_class & GPT_CLASS_PIN) || h->kind == K_ANON || h->kind == K_THP);
}

static void unpin(struct thread *t, struct hold *h)
{
	struct gpt_unpin_result u;
	/* dirty what may be, now and then */
	uint64_t flags = may_dirty(h) && below(t, 2) ? GPT_UNPIN_DIRTY : 0;
	int err;

	t->doing = "UNPIN";
	err = -gpt_unpin(fd_of(t, h->fd), h->handle, flags, &u);
	count(t, O_UNPIN, err, u.reason, h->fd < 0);
	/* a refused UNPIN changes nothing: ask again, clean */
	if (err == EINVAL && flags) {
		err = -gpt_unpin(fd_of(t, h->fd), h->handle, 0, &u);
		count(t, O_UNPIN, err, u.reason, h->fd < 0);
	}
	h->handle = 0;
}

static void pin(struct thread *t, bool hold)
{
	enum kind k = below(t, K_NR);
	const struct gpt_path_info *p = paths[below(t, nr_paths)];
	uint64_t first = below(t, REGION_PAGES);
	uint64_t n = 1 + below(t, REGION_PAGES - first < MAX_RUN ? REGION_PAGES - first : MAX_RUN);
	/* write and long-term as they come, force now and then, where taken */
	uint64_t want = (below(t, 2) ? GPT_FLAG_WRITE : 0) |
			(below(t, 2) ? GPT_FLAG_LONGTERM : 0) |
			(below(t, 8) ? 0 : GPT_FLAG_FORCE);
	struct gpt_pin req = { .addr = (uintptr_t)region[k].addr + first * PS,
			       .nr_pages = n, .path = p->path,
			       .flags = want & p->flags,
			       .pages_per_call = below(t, 2) ? 0 : 1 + below(t, 16) };
	int which = below(t, 2) ? -1 : 0;
	struct gpt_pin_result res;
	struct hold *h = NULL;
	int err;

	if (hold) {
		h = &t->holds[below(t, MAX_HOLDS)];
		if (h->handle)
			unpin(t, h);
		req.flags |= GPT_FLAG_HOLD;
	}
	/* every way of charging RLIMIT_MEMLOCK (none only without a hold) */
	req.account = GPT_ACCOUNT_PINNED_VM + (uint32_t)below(t, GPT_ACCOUNT_END -
							     GPT_ACCOUNT_PINNED_VM);
	if (!hold && !below(t, 4))
		req.account = GPT_ACCOUNT_NONE;
	t->doing = hold ? "PIN+HOLD" : "PIN";
	err = -gpt_pin(fd_of(t, which), &req, &res, NULL, 0);
	count(t, hold ? O_HOLD : O_PIN, err, res.reason, false);
	if (!err && res.error > 0 && res.error < 160)
		t->gup_err[res.error]++;
	if (h && !err && res.handle)
		*h = (struct hold){ res.handle, which, req.addr, res.pinned,
				    req.flags, p->path_class, k };
}

static void query(struct thread *t)
{
	struct gpt_page_sample smp[4];
	struct gpt_query_result q;
	struct hold *h = some_hold(t);
	int err;

	if (!h)
		return;
	t->doing = "QUERY";
	err = -gpt_query(fd_of(t, h->fd), h->handle, below(t, h->nr), smp, 4, &q);
	count(t, O_QUERY, err, q.reason, h->fd < 0);
	/* in its own fd, the hold is exactly the one made */
	if (!err && h->fd >= 0 && (q.nr_pages != h->nr || q.addr != h->addr ||
				   q.flags != h->flags) && !t->bad++)
		snprintf(t->first_bad, sizeof(t->first_bad),
			 "QUERY of a hold of %" PRIu64 " pages at %#" PRIx64 ": %" PRIu64
			 " pages at %#" PRIx64 ", flags %#" PRIx64 " for %#" PRIx64,
			 h->nr, h->addr, (uint64_t)q.nr_pages, (uint64_t)q.addr,
			 (uint64_t)q.flags, h->flags);
}

static void read_write(struct thread *t, bool write)
{
	struct hold *h = some_hold(t);
	struct gpt_rw_result rw;
	uint64_t buf[8];
	int err;

	if (!h || (write && !may_dirty(h)))
		return;
	buf[0] = rnd(t);
	t->doing = write ? "WRITE" : "READ";
	err = -gpt_rw(fd_of(t, h->fd), h->handle, below(t, h->nr),
		      (uint32_t)below(t, PS / 64) * 64, buf, sizeof(buf), write, &rw);
	count(t, write ? O_WRITE : O_READ, err, rw.reason, h->fd < 0);
}

/* close() with whatever this file holds, and a new one. */
static void reopen(struct thread *t)
{
	int fd;

	t->doing = "close+open";
	fd = gpt_open();
	if (fd < 0) {
		count(t, O_REOPEN, -fd, 0, false);
		return;
	}
	close(t->fd);
	t->fd = fd;
	for (int i = 0; i < MAX_HOLDS; i++)
		if (t->holds[i].fd >= 0)
			t->holds[i].handle = 0;
	count(t, O_REOPEN, 0, 0, false);
}

static void *pinner_main(void *arg)
{
	struct thread *t = arg;

	t->task = (pid_t)syscall(SYS_gettid);
	both_cpus();
	while (!stop) {
		uint64_t r = below(t, 1000);

		if (r < 250)
			pin(t, false);
		else if (r < 500)
			pin(t, true);
		else if (r < 600)
			query(t);
		else if (r < 700)
			read_write(t, false);
		else if (r < 800)
			read_write(t, true);
		else if (r < 999) {
			struct hold *h = some_hold(t);

			if (h)
				unpin(t, h);
		} else {
			reopen(t);
		}
		/* at least once, however slow the kernel (KASAN) */
		if (t->progress == 200 && !t->ops[O_REOPEN])
			reopen(t);
		t->doing = "between calls";
		t->progress++;
	}
	t->exited = true;
	return NULL;
}

/* ---- the mutators ---- */

static void mutate(struct thread *t, enum mutation m)
{
	enum kind k = below(t, K_NR);
	struct region *r = &region[k];
	size_t first = below(t, REGION_PAGES);
	size_t n = 1 + below(t, REGION_PAGES - first);
	char *at = r->addr + first * PS;
	size_t len = n * PS;
	bool worked = false;
	pid_t pid;
	int fd;

	/* whole THPs now and then, so that PMDs move and split too */
	if (k == K_THP && below(t, 2)) {
		first = below(t, REGION_PAGES * PS / PMD_SIZE) * (PMD_SIZE / PS);
		at = r->addr + first * PS;
		len = PMD_SIZE;
	}
	/*
	 * Truncating fsdax waits until no page of the file is pinned
	 * (ext4_break_layouts()), which the pinners' holds can put off for
	 * as long as they run: a wait by design, not a hang to watch for.
	 */
	if ((m == M_TRUNCATE && (r->fd < 0 || k == K_FSDAX)) ||
	    (m == M_MREMAP && t->lost_spare))
		return;
	pthread_mutex_lock(&r->lock);
	switch (m) {
	case M_REMAP:
		t->doing = "munmap+mmap";
		worked = !munmap(at, len);
		/* the hole is ours to fill: NOREPLACE proves no one else did */
		if (map_pages(k, first, len / PS, MAP_FIXED_NOREPLACE))
			unrestored++;
		break;
	case M_MREMAP:
		t->doing = "mremap";
		/* 5.10 to 6.12 move one VMA only: EFAULT across several */
		worked = mremap(at, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, t->spare) != MAP_FAILED &&
			 mremap(t->spare, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, at) != MAP_FAILED;
		if (!worked) {
			/* whatever moved or not: the range as at the start */
			if (map_pages(k, first, len / PS, MAP_FIXED))
				unrestored++;
			mmap(t->spare, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		} else if (mmap(t->spare, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
				MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED) {
			/* the spare range stays reserved: no one else's to map */
			unrestored++;
			t->lost_spare = true;
		}
		break;
	case M_MPROTECT:
		t->doing = "mprotect";
		worked = !mprotect(at, len, below(t, 2) ? PROT_READ : PROT_NONE);
		usleep(below(t, 500));
		if (mprotect(at, len, PROT_READ | PROT_WRITE))
			unrestored++;
		break;
	case M_FORK:
		t->doing = "fork";
		pid = fork();
		if (pid == 0) {
			/* a write breaks COW where the page is still mapped */
			signal(SIGSEGV, SIG_DFL);
			signal(SIGBUS, SIG_DFL);
			at[0] = 1;
			_exit(0);
		}
		worked = pid > 0 && waitpid(pid, NULL, 0) == pid;
		break;
	case M_DONTNEED:
		t->doing = "MADV_DONTNEED";
		worked = !madvise(at, len, MADV_DONTNEED);
		break;
	case M_TRUNCATE:
		t->doing = "ftruncate";
		worked = !ftruncate(r->fd, (off_t)(first * PS));
		if (ftruncate(r->fd, (off_t)(REGION_PAGES * PS)))
			unrestored++;
		break;
	case M_FD:
		t->doing = "dup2 over the shared fd";
		fd = gpt_open();
		worked = fd >= 0 && dup2(fd, shared_fd) == shared_fd;
		if (fd >= 0)
			close(fd);
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&r->lock);
	if (worked)
		t->done[m]++;
	else
		t->refused[m]++;
}

static void *mutator_main(void *arg)
{
	struct thread *t = arg;

	t->task = (pid_t)syscall(SYS_gettid);
	both_cpus();
	while (!stop) {
		/* the shared fd now and then: its holds live a while */
		uint64_t r = below(t, 100);

		mutate(t, r < 2 ? M_FD : (enum mutation)(r % M_FD));
		/* at least once, however slow the kernel (KASAN) */
		if (t->progress == 50 && !t->done[M_FD] && !t->refused[M_FD])
			mutate(t, M_FD);
		t->doing = "sleeping";
		usleep(below(t, 2000));
		t->progress++;
	}
	t->exited = true;
	return NULL;
}

/* ---- the run ---- */

/* The kernel stack of a task of ours, on one line, for the diagnostic. */
static void show_stack(pid_t task)
{
	char path[64], line[160];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", task);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		tap_diag("    %s", line);
	}
	if (f)
		fclose(f);
}

/*
 * Run for stress.seconds, then stop the threads and wait until every one
 * has left; false if a thread made no progress for STUCK_S seconds,
 * before or after the stop (it is named with its kernel stack, and every
 * blocked task goes to the console through sysrq w).
 */
static bool watch(struct thread *th, int nr, const char *const *role)
{
	uint64_t seen[PINNERS + MUTATORS] = { 0 };
	time_t since[PINNERS + MUTATORS], t0 = time(NULL), now;
	bool fine = true, running = true;

	for (int i = 0; i < nr; i++)
		since[i] = t0;
	while (running && fine) {
		usleep(250000);
		now = time(NULL);
		if (now - t0 >= (time_t)stress.seconds)
			stop = 1;
		running = false;
		for (int i = 0; i < nr; i++) {
			uint64_t p = th[i].progress;

			if (th[i].exited)
				continue;
			running = true;
			if (p != seen[i]) {
				seen[i] = p;
				since[i] = now;
			} else if (now - since[i] >= STUCK_S) {
				tap_diag("watchdog: %s %d (task %d) stuck for %lld s in %s",
					 role[i], i, th[i].task, (long long)(now - since[i]),
					 th[i].doing);
				show_stack(th[i].task);
				fine = false;
			}
		}
	}
	if (!fine) {
		FILE *f = fopen("/proc/sysrq-trigger", "we");

		if (f) {
			fputs("w", f);
			fclose(f);
		}
	}
	return fine;
}

/* The five regions: reserved 2 MiB-aligned, mapped, written. */
static int regions_setup(const struct suite *s)
{
	const char *dir[K_NR] = { NULL, NULL, s->dirs.ext4, NULL, s->dirs.fsdax };

	for (int k = 0; k < K_NR; k++) {
		struct region *r = &region[k];
		char path[256];
		char *p;

		pthread_mutex_init(&r->lock, NULL);
		r->fd = -1;
		if (dir[k]) {
			snprintf(path, sizeof(path), "%s/gpt-stress", dir[k]);
			r->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			unlink(path);
		} else if (k == K_SHMEM) {
			r->fd = memfd_create("gpt-stress", MFD_CLOEXEC);
		}
		if ((dir[k] || k == K_SHMEM) &&
		    (r->fd < 0 || ftruncate(r->fd, (off_t)(REGION_PAGES * PS))))
			return -errno;
		p = mmap(NULL, REGION_PAGES * PS + PMD_SIZE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		r->base = p;
		r->addr = (char *)(((uintptr_t)p + PMD_SIZE - 1) & ~(PMD_SIZE - 1));
		if (map_pages((enum kind)k, 0, REGION_PAGES, MAP_FIXED))
			return -errno;
		memset(r->addr, 1, REGION_PAGES * PS);
	}
	return 0;
}

static void regions_free(void)
{
	for (int k = 0; k < K_NR; k++) {
		if (region[k].base)
			munmap(region[k].base, REGION_PAGES * PS + PMD_SIZE);
		if (region[k].fd >= 0)
			close(region[k].fd);
		pthread_mutex_destroy(&region[k].lock);
	}
}

static const int gup_allowed[] = {
	/*
	 * EFAULT: no VMA, PROT_NONE, past EOF after a truncate (SIGBUS), a
	 * long-term write pin of ext4 (6.5+); EOPNOTSUPP: a long-term pin of
	 * fsdax; ENOMEM: a long-term pin whose migration failed.
	 */
	EFAULT, EOPNOTSUPP, ENOMEM,
};

void test_stress(struct suite *s)
{
	static struct thread th[PINNERS + MUTATORS];
	const char *role[PINNERS + MUTATORS];
	uint64_t ops[O_NR] = { 0 }, ok[O_NR] = { 0 }, gup[160] = { 0 };
	uint64_t done[M_NR] = { 0 }, refused[M_NR] = { 0 }, bad = 0, total = 0;
	struct gpt_pin_counters c0, c1;
	struct gpt_holds_result hr;
	char line[600] = "", *first_bad = NULL;
	long pin0, pin1, lck0, lck1;
	/* pinned-vm-nocap obeys the limit even for root: lift it */
	struct rlimit saved_lim, no_lim = { RLIM_INFINITY, RLIM_INFINITY };
	struct tap_point t;
	int err, fold;
	bool fine, started = true;
	uint64_t seed = (uint64_t)time(NULL) * 2654435761ULL ^ (uint64_t)getpid();

	tap_begin(&t);
	for (uint32_t i = 0; i < s->info.h.nr_paths; i++)
		if (!s->info.paths[i].reason)
			paths[nr_paths++] = &s->info.paths[i];
	err = regions_setup(s);
	if (!tap_check(&t, !err && nr_paths, "the regions: %s", strerror(-err))) {
		regions_free();
		tap_end(&t, "stress: the regions");
		return;
	}
	shared_fd = gpt_open();
	if (!tap_check(&t, shared_fd >= 0, "open: %s", strerror(-shared_fd))) {
		regions_free();
		tap_end(&t, "stress: open %s", GPT_DEVICE);
		return;
	}
	pin0 = status_kb("VmPin");
	lck0 = status_kb("VmLck");
	getrlimit(RLIMIT_MEMLOCK, &saved_lim);
	setrlimit(RLIMIT_MEMLOCK, &no_lim);
	fold = gpt_pin_counters_read(&c0);
	stop = 0;
	for (int i = 0; i < PINNERS + MUTATORS; i++) {
		th[i] = (struct thread){ .rng = seed + 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1) };
		if (i < PINNERS) {
			role[i] = "pinner";
			th[i].fd = gpt_open();
			started &= th[i].fd >= 0 &&
				   !pthread_create(&th[i].tid, NULL, pinner_main, &th[i]);
		} else {
			role[i] = "mutator";
			th[i].spare = mmap(NULL, REGION_PAGES * PS, PROT_NONE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			th[i].lost_spare = th[i].spare == MAP_FAILED;
			started &= !th[i].lost_spare &&
				   !pthread_create(&th[i].tid, NULL, mutator_main, &th[i]);
		}
		if (!started) {
			/* stop what runs; the rest never ran */
			tap_check(&t, false, "starting %s %d", role[i], i);
			stop = 1;
			for (int j = i; j < PINNERS + MUTATORS; j++)
				th[j].exited = true;
			break;
		}
	}
	fine = watch(th, PINNERS + MUTATORS, role);
	if (!tap_check(&t, fine, "a thread made no progress for %d s", STUCK_S)) {
		/* the stuck thread cannot be joined: the suite ends here */
		tap_end(&t, "stress: a thread hung (see the watchdog above)");
		fflush(stdout);
		_exit(1);
	}
	/* every thread has left: join them, then close what they used */
	for (int i = 0; i < PINNERS + MUTATORS; i++)
		if (th[i].task)		/* it ran */
			pthread_join(th[i].tid, NULL);
	for (int i = 0; i < PINNERS + MUTATORS; i++) {
		if (i < PINNERS && th[i].fd > 0)
			close(th[i].fd);	/* its holds go back here */
		if (i >= PINNERS && !th[i].lost_spare)
			munmap(th[i].spare, REGION_PAGES * PS);
	}
	close(shared_fd);		/* and the shared file's */

	for (int i = 0; i < PINNERS + MUTATORS; i++) {
		for (int o = 0; o < O_NR; o++) {
			ops[o] += th[i].ops[o];
			ok[o] += th[i].ops_ok[o];
		}
		for (int e = 0; e < 160; e++)
			gup[e] += th[i].gup_err[e];
		for (int m = 0; m < M_NR; m++) {
			done[m] += th[i].done[m];
			refused[m] += th[i].refused[m];
		}
		if (th[i].bad && !bad)
			first_bad = th[i].first_bad;
		bad += th[i].bad;
	}
	tap_check(&t, !bad, "%" PRIu64 " ioctls failed with an errno the race does not explain; the first: %s",
		  bad, first_bad ? first_bad : "");
	for (int o = 0; o < O_NR; o++) {
		total += ops[o];
		tap_check(&t, ok[o] > 0, "no %s worked", op_name[o]);
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s %" PRIu64 "/%" PRIu64,
			 o ? ", " : "", op_name[o], ok[o], ops[o]);
	}
	tap_diag("stress: ioctls (worked/made): %s", line);
	line[0] = 0;
	for (int m = 0; m < M_NR; m++) {
		tap_check(&t, done[m] > 0, "no %s worked", mutation_name[m]);
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s %" PRIu64 "/%" PRIu64,
			 m ? ", " : "", mutation_name[m], done[m], done[m] + refused[m]);
	}
	tap_diag("stress: mutations (worked/made): %s", line);
	line[0] = 0;
	for (int e = 1; e < 160; e++) {
		bool fine_e = false;

		if (!gup[e])
			continue;
		for (size_t i = 0; i < sizeof(gup_allowed) / sizeof(gup_allowed[0]); i++)
			fine_e |= gup_allowed[i] == e;
		tap_check(&t, fine_e, "GUP returned %s %" PRIu64 " times", gpt_errno_name(e), gup[e]);
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s %" PRIu64,
			 gpt_errno_name(e), gup[e]);
	}
	tap_diag("stress: GUP's errnos:%s", line);
	tap_check_eq(&t, "ranges not mapped back as they were", 0, (int64_t)unrestored);
	fold |= gpt_pin_counters_read(&c1);
	if (tap_check(&t, !fold, "reading /proc/vmstat"))
		tap_check_eq(&t, "pins released - pins taken (system-wide), every fd closed",
			     0, (c1.released - c0.released) - (c1.acquired - c0.acquired));
	err = gpt_holds(s->fd, 0, 0, 0, NULL, 0, &hr);
	if (tap_check(&t, !err, "HOLDS: %s", strerror(-err))) {
		tap_check_eq(&t, "holds left, module-wide", 0, (int64_t)hr.holds);
		tap_check_eq(&t, "pages held, module-wide", 0, (int64_t)hr.pages);
	}
	setrlimit(RLIMIT_MEMLOCK, &saved_lim);
	pin1 = status_kb("VmPin");
	lck1 = status_kb("VmLck");
	tap_check_eq(&t, "VmPin (kB) against before", pin0, pin1);
	tap_check_eq(&t, "VmLck (kB) against before", lck0, lck1);
	regions_free();
	tap_end(&t, "stress: %d pinners and %d mutators on 2 CPUs for %" PRIu64
		" s over %s, %s, %s, %s, %s: %" PRIu64 " ioctls, %" PRId64
		" pins taken = released, no hold left, no hang", PINNERS, MUTATORS,
		stress.seconds, kind_name[0], kind_name[1], kind_name[2], kind_name[3],
		kind_name[4], total, c1.acquired - c0.acquired);
}
