// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer: seeded, bounded in calls and time.  Threads send random
 * commands (ours, neighbours', anything) with random structs: sizes,
 * fields, flags, handles, pids, and pointers into mapped, read-only,
 * PROT_NONE, never-mapped and kernel memory, and into a range that
 * another thread keeps remapping, on a shared fd and on fds of their own
 * that they close with pins held and reopen.  What must hold: every call
 * returns, with an errno the module may give; afterwards the pins are
 * balanced, no hold is left, nothing stays charged to RLIMIT_MEMLOCK.  A
 * WARN or an Oops ends the VM (panic_on_warn), which the rig reports.
 *
 * The struct pointers given to the kernel point only at memory kept for
 * it (a scratch area per thread, guarded), never at the fuzzer's own
 * data: a result written anywhere else would be the fuzzer's bug.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "suite.h"

#define THREADS		4
#define ARENA_PAGES	64
#define SCRATCH		(64 << 10)
#define MAX_HANDLES	16
#define PS		4096UL

struct fuzz_args fuzz = { .calls = 200000, .seconds = 60 };

/* Memory the kernel may be pointed at; none of it is the fuzzer's state. */
static char *arena;		/* ARENA_PAGES written, anonymous */
static char *arena_ro;		/* read-only */
static char *arena_none;	/* PROT_NONE */
static char *arena_file;	/* a memfd, MAP_SHARED */
static char *changing;		/* remapped all the time by the mutator */
static pid_t child_pid, dead_pid;
static uint64_t child_addr;
static int shared_fd;
static volatile int stop;

/* An address of user space nothing is ever mapped at (below mmap_min_addr). */
#define NEVER_MAPPED	0xf000UL
#define KERNEL_ADDR	0xffff888000000000UL

struct worker {
	pthread_t tid;
	uint64_t rng;
	bool sane;			/* this call: mostly right, to get deep */
	int fd;				/* its own, closed and reopened */
	char *scratch;			/* SCRATCH bytes, a PROT_NONE page after */
	uint64_t handles[MAX_HANDLES];	/* from PIN with HOLD, maybe stale */
	uint64_t calls;
	uint64_t by_errno[160];		/* [0]: success */
	uint64_t other_errno;		/* an errno above 159 */
	int first_other;
};

static uint64_t rnd(struct worker *w)
{
	/* xorshift64* */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(struct worker *w, uint64_t n)
{
	return n ? rnd(w) % n : 0;
}

/* In a sane call, the right choice 7 times out of 8. */
static bool right(struct worker *w)
{
	return w->sane && below(w, 8);
}

/* A user pointer for a struct, a result or an array of @len bytes. */
static uint64_t some_ptr(struct worker *w, size_t len)
{
	size_t room = len < SCRATCH ? SCRATCH - len : 0;

	switch (right(w) ? 11 : below(w, 12)) {
	case 0: return 0;
	case 1: return NEVER_MAPPED;
	case 2: return KERNEL_ADDR + below(w, 1 << 20);
	/* a write there faults at its first byte, wherever it would end */
	case 3: return (uintptr_t)arena_ro + below(w, ARENA_PAGES * PS);
	case 4: return (uintptr_t)arena_none;
	/* straddling the guard page after the scratch area, never before it */
	case 5: return (uintptr_t)w->scratch + SCRATCH - 1 - below(w, len && len < SCRATCH ? len : 1);
	case 6: return (uintptr_t)w->scratch + below(w, room) + 1;	/* unaligned */
	default: return (uintptr_t)w->scratch + (below(w, room + 1) & ~7UL);
	}
}

/* An address to pin: the arena's kinds, their edges, and nonsense. */
static uint64_t some_addr(struct worker *w)
{
	uint64_t off = below(w, ARENA_PAGES / 2) * PS;

	static const int sane[] = { 0, 2, 3, 10, 11, 11, 11 };	/* mapped */

	switch (right(w) ? sane[below(w, 7)] : (int)below(w, 14)) {
	case 0: return (uintptr_t)arena_ro + off;
	case 1: return (uintptr_t)arena_none + off;
	case 2: return (uintptr_t)arena_file + off;
	case 3: case 4: return (uintptr_t)changing + off;
	case 5: return NEVER_MAPPED;
	case 6: return KERNEL_ADDR;
	case 7: return 0x7ffffffff000UL - below(w, 4) * PS;	/* TASK_SIZE's edge */
	case 8: return (uintptr_t)arena + off + 1 + below(w, PS - 1);	/* unaligned */
	case 9: return -PS * (1 + below(w, 4));
	case 10: return child_addr + below(w, 16) * PS;
	default: return (uintptr_t)arena + off;
	}
}

static uint64_t some_count(struct worker *w)
{
	switch (right(w) ? 9 : below(w, 10)) {
	case 0: return 0;
	case 1: return rnd(w);
	case 2: return 1ULL << below(w, 64);
	case 3: return ARENA_PAGES + below(w, 4);
	default: return 1 + below(w, 16);
	}
}

static uint64_t some_flags(struct worker *w)
{
	if (!right(w) && !below(w, 8))
		return rnd(w);
	return (rnd(w) & GPT_FLAG_GUP_ALL) | (below(w, 2) ? GPT_FLAG_HOLD : 0);
}

static uint64_t some_handle(struct worker *w, struct worker *all)
{
	switch (right(w) ? 5 : below(w, 6)) {
	case 0: return rnd(w);
	case 1: return 0;
	case 2: return all[below(w, THREADS)].handles[below(w, MAX_HANDLES)];
	default: return w->handles[below(w, MAX_HANDLES)];
	}
}

static void some_array(struct worker *w, struct gpt_array *a, uint32_t elem)
{
	if (right(w)) {
		/* none wanted, or room for a few */
		a->count = below(w, 2) ? 0 : (uint32_t)below(w, 20);
		a->elem_size = elem;
		a->ptr = a->count ? (uintptr_t)w->scratch : 0;
		return;
	}
	a->count = below(w, 4) ? (uint32_t)below(w, 64) : (uint32_t)rnd(w);
	a->elem_size = below(w, 4) ? elem : (uint32_t)below(w, 512);
	a->ptr = below(w, 6) ? some_ptr(w, (size_t)a->count * a->elem_size) : rnd(w);
}

/* The head: mostly right, sometimes any size, any result pointer. */
static void some_head(struct worker *w, struct gpt_head *h, uint32_t size, uint32_t result)
{
	h->size = size;
	switch (right(w) ? 9 : below(w, 10)) {
	case 0: h->size = 0; break;
	case 1: h->size = (uint32_t)below(w, size); break;
	case 2: h->size = size + 8 * (uint32_t)below(w, 4); break;
	case 3: h->size = (uint32_t)rnd(w); break;
	default: break;
	}
	h->result_size = right(w) || below(w, 8) ? result : (uint32_t)below(w, 2 * result);
	/* the result after the records' room, in the same scratch */
	h->result = right(w) ? (uintptr_t)w->scratch + SCRATCH / 2 : some_ptr(w, h->result_size);
}

/* One call. */
static void fuzz_call(struct worker *w, struct worker *all)
{
	static const unsigned long cmds[] = {
		GPT_IOC_INFO, GPT_IOC_PIN, GPT_IOC_UNPIN, GPT_IOC_QUERY, GPT_IOC_READ,
		GPT_IOC_WRITE, GPT_IOC_BENCH, GPT_IOC_HOLDS,
	};
	union {
		struct gpt_info_req info;
		struct gpt_pin pin;
		struct gpt_unpin unpin;
		struct gpt_query query;
		struct gpt_rw rw;
		struct gpt_holds holds;
		struct gpt_bench bench;
		char raw[512];
	} *u;
	unsigned long cmd;
	uint64_t arg;
	int fd = below(w, 3) ? w->fd : shared_fd;
	int ret, k = (int)below(w, 10);

	/* The request lives in the scratch area, its pointer is the arg. */
	u = (void *)(w->scratch + SCRATCH - 2 * PS);
	w->sane = below(w, 2);
	memset(u, 0, sizeof(*u));
	if (k >= 8) {
		/* Something that is not one of ours. */
		cmd = k == 8 ? _IO(GPT_IOC_MAGIC, below(w, 256)) : (unsigned long)rnd(w);
		for (size_t i = 0; i < sizeof(u->raw); i++)
			u->raw[i] = (char)rnd(w);
	} else {
		cmd = cmds[below(w, sizeof(cmds) / sizeof(cmds[0]))];
	}
	switch (cmd) {
	case GPT_IOC_INFO:
		some_head(w, &u->info.head, sizeof(u->info), 4096);
		some_array(w, &u->info.paths, sizeof(struct gpt_path_info));
		some_array(w, &u->info.refusals, sizeof(struct gpt_refusal));
		break;
	case GPT_IOC_PIN:
		some_head(w, &u->pin.head, sizeof(u->pin), sizeof(struct gpt_pin_result));
		u->pin.path = below(w, 8) ? 1 + (uint32_t)below(w, GPT_PATH_END - 1) :
			(uint32_t)rnd(w);
		u->pin.sample_size = below(w, 4) ? sizeof(struct gpt_page_sample) :
			(uint32_t)below(w, 256);
		u->pin.flags = some_flags(w);
		u->pin.addr = some_addr(w);
		u->pin.nr_pages = some_count(w);
		u->pin.pages_per_call = (uint32_t)below(w, 20);
		switch (below(w, 8)) {
		case 0: u->pin.pid = child_pid; break;
		case 1: u->pin.pid = dead_pid; break;
		case 2: u->pin.pid = below(w, 2) ? 1 : getpid(); break;
		case 3: u->pin.pid = (int32_t)rnd(w); break;
		default: break;
		}
		some_array(w, &u->pin.records, sizeof(struct gpt_page_record));
		u->pin.account = below(w, 4) ? (uint32_t)below(w, GPT_ACCOUNT_END + 1) :
			(uint32_t)rnd(w);
		u->pin.reserved0 = !below(w, 8);
		break;
	case GPT_IOC_UNPIN:
		some_head(w, &u->unpin.head, sizeof(u->unpin), sizeof(struct gpt_unpin_result));
		u->unpin.handle = some_handle(w, all);
		u->unpin.flags = below(w, 8) ? below(w, 2) : rnd(w);
		break;
	case GPT_IOC_QUERY:
		some_head(w, &u->query.head, sizeof(u->query), sizeof(struct gpt_query_result));
		u->query.handle = some_handle(w, all);
		u->query.first = below(w, 4) ? below(w, 20) : rnd(w);
		some_array(w, &u->query.records, sizeof(struct gpt_page_sample));
		break;
	case GPT_IOC_READ:
	case GPT_IOC_WRITE:
		some_head(w, &u->rw.head, sizeof(u->rw), sizeof(struct gpt_rw_result));
		u->rw.handle = some_handle(w, all);
		u->rw.index = below(w, 4) ? below(w, 20) : rnd(w);
		u->rw.offset = below(w, 4) ? (uint32_t)below(w, PS) : (uint32_t)rnd(w);
		u->rw.len = below(w, 4) ? (uint32_t)below(w, PS + 1) : (uint32_t)rnd(w);
		u->rw.buf = some_ptr(w, u->rw.len);
		break;
	case GPT_IOC_BENCH:
		some_head(w, &u->bench.head, sizeof(u->bench), sizeof(struct gpt_bench_result));
		u->bench.path = 1 + (uint32_t)below(w, GPT_PATH_END);
		u->bench.flags = below(w, 6) ? rnd(w) & GPT_FLAG_GUP_ALL : rnd(w);
		u->bench.addr = some_addr(w);
		u->bench.nr_pages = some_count(w);
		u->bench.pages_per_call = (uint32_t)below(w, 20);
		u->bench.repeats = below(w, 8) ? 1 + (uint32_t)below(w, 3) : (uint32_t)rnd(w);
		u->bench.reserved0 = !below(w, 8);
		some_array(w, &u->bench.records, sizeof(struct gpt_bench_repeat));
		break;
	case GPT_IOC_HOLDS:
		some_head(w, &u->holds.head, sizeof(u->holds), sizeof(struct gpt_holds_result));
		u->holds.older_than_ns = below(w, 2) ? 0 : rnd(w);
		u->holds.id = below(w, 2) ? 0 : below(w, 100);
		u->holds.index = below(w, 2) ? 0 : below(w, 20);
		some_array(w, &u->holds.records, sizeof(struct gpt_held_page));
		break;
	}
	arg = right(w) || below(w, 16) ? (uintptr_t)u : some_ptr(w, sizeof(*u));
	ret = ioctl(fd, cmd, (void *)(uintptr_t)arg);
	if (ret < 0 && errno > 0 && errno < 160) {
		w->by_errno[errno]++;
	} else if (ret < 0) {
		if (!w->other_errno++)
			w->first_other = errno;
	} else {
		w->by_errno[0]++;
	}
	/* Keep the handle of a hold that pinned, to unpin, query or leak. */
	if (!ret && cmd == GPT_IOC_PIN && u->pin.head.result % 8 == 0 &&
	    u->pin.head.result >= (uintptr_t)w->scratch &&
	    u->pin.head.result + sizeof(struct gpt_pin_result) <= (uintptr_t)w->scratch + SCRATCH) {
		const struct gpt_pin_result *r = (const void *)(uintptr_t)u->pin.head.result;

		if (r->handle)
			w->handles[below(w, MAX_HANDLES)] = r->handle;
	}
	w->calls++;
}

static void *worker_main(void *arg)
{
	struct worker *all = arg, *w = all;
	cpu_set_t cpus;

	while (w->tid != pthread_self())
		w++;
	/* Both CPUs: the suite keeps itself on CPU 0. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	CPU_SET(1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	while (!stop) {
		fuzz_call(w, all);
		/* Now and then: close with whatever is held, and start over. */
		if (!below(w, 2000)) {
			close(w->fd);
			w->fd = gpt_open();
			if (w->fd < 0)
				w->fd = shared_fd;
		}
	}
	return NULL;
}

/* The range that keeps changing: remapped in place, never left unmapped. */
static void *mutator_main(void *arg)
{
	uint64_t n = 0;
	size_t len = ARENA_PAGES * PS;

	(void)arg;
	while (!stop) {
		switch (n++ % 5) {
		case 0:
			mmap(changing, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			memset(changing, 1, len);
			break;
		case 1: mprotect(changing, len, PROT_READ); break;
		case 2: mprotect(changing, len, PROT_READ | PROT_WRITE); break;
		case 3: madvise(changing, len, MADV_DONTNEED); break;
		default:
			mmap(changing, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			break;
		}
		usleep(200);
	}
	return NULL;
}

static char *map(size_t len, int prot, int flags, int fd)
{
	char *p = mmap(NULL, len, prot, flags, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}


/* errnos the module's commands may give (GUP's own go in the result) */
static const int allowed[] = {
	EINVAL, EFAULT, E2BIG, ENOTTY, ENOMEM, EINTR, ENOSPC, ESRCH, EPERM, ENOENT,
	EACCES, EOPNOTSUPP,
};

void test_fuzz(struct suite *s)
{
	static struct worker w[THREADS];
	struct gpt_pin_counters c0, c1;
	struct gpt_holds_result hr;
	struct child c = { 0 };
	struct tap_point t;
	pthread_t mut;
	uint64_t calls = 0, ok = 0, other = 0, by[160] = { 0 };
	long pin0, pin1, lck0, lck1;
	int memfd, err, fold, first_other = 0;
	char hist[512] = "";
	time_t t0;

	if (!fuzz.seed)
		fuzz.seed = (uint64_t)time(NULL) * 2654435761ULL ^ (uint64_t)getpid();
	tap_begin(&t);
	arena = map(ARENA_PAGES * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	arena_ro = map(ARENA_PAGES * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	arena_none = map(ARENA_PAGES * PS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	changing = map(ARENA_PAGES * PS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memfd = memfd_create("gpt-fuzz", MFD_CLOEXEC);
	if (memfd >= 0 && !ftruncate(memfd, ARENA_PAGES * PS))
		arena_file = map(ARENA_PAGES * PS, PROT_READ | PROT_WRITE, MAP_SHARED, memfd);
	if (!tap_check(&t, arena && arena_ro && arena_none && changing && arena_file,
		       "mapping the arena: %s", strerror(errno))) {
		tap_end(&t, "fuzz: the arena");
		return;
	}
	memset(arena, 1, ARENA_PAGES * PS);
	memset(arena_ro, 1, ARENA_PAGES * PS);
	memset(arena_file, 1, ARENA_PAGES * PS);
	mprotect(arena_ro, ARENA_PAGES * PS, PROT_READ);
	err = child_start(&c, false);
	tap_check(&t, !err, "a child to pin remotely: %s", strerror(-err));
	child_pid = c.pid;
	child_addr = c.addr;
	dead_pid = fork();
	if (dead_pid == 0)
		_exit(0);
	if (dead_pid > 0)
		waitpid(dead_pid, NULL, 0);
	shared_fd = gpt_open();
	pin0 = status_kb("VmPin");
	lck0 = status_kb("VmLck");
	fold = gpt_pin_counters_read(&c0);

	stop = 0;
	pthread_create(&mut, NULL, mutator_main, NULL);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .rng = fuzz.seed + 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1),
					.fd = gpt_open() };
		w[i].scratch = map(SCRATCH + PS, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1);
		if (w[i].scratch)
			mprotect(w[i].scratch + SCRATCH, PS, PROT_NONE);
	}
	for (int i = 0; i < THREADS; i++)
		if (w[i].scratch)
			pthread_create(&w[i].tid, NULL, worker_main, w);
	t0 = time(NULL);
	for (;;) {
		calls = 0;
		for (int i = 0; i < THREADS; i++)
			calls += w[i].calls;
		if (calls >= fuzz.calls || time(NULL) - t0 >= (time_t)fuzz.seconds)
			break;
		usleep(100000);
	}
	stop = 1;
	for (int i = 0; i < THREADS; i++)
		if (w[i].scratch)
			pthread_join(w[i].tid, NULL);
	pthread_join(mut, NULL);
	calls = 0;
	for (int i = 0; i < THREADS; i++) {
		calls += w[i].calls;
		ok += w[i].by_errno[0];
		for (int e = 1; e < 160; e++)
			by[e] += w[i].by_errno[e];
		if (w[i].other_errno && !other)
			first_other = w[i].first_other;
		other += w[i].other_errno;
		if (w[i].fd != shared_fd)
			close(w[i].fd);
	}
	close(shared_fd);
	child_stop(&c);

	/* Every errno one the module may give; the histogram, for the log. */
	for (int e = 1; e < 160; e++) {
		bool fine = false;

		if (!by[e])
			continue;
		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			fine |= allowed[i] == e;
		tap_check(&t, fine, "errno %d (%s) %" PRIu64 " times", e, strerror(e), by[e]);
		snprintf(hist + strlen(hist), sizeof(hist) - strlen(hist), " %s %" PRIu64,
			 gpt_errno_name(e), by[e]);
	}
	tap_check(&t, !other, "%" PRIu64 " calls failed with an errno out of range (%d)",
		  other, first_other);
	tap_check(&t, calls >= fuzz.calls || time(NULL) - t0 >= (time_t)fuzz.seconds,
		  "stopped early");
	tap_diag("fuzz: %" PRIu64 " calls, %" PRIu64 " returned 0;%s", calls, ok, hist);
	fold |= gpt_pin_counters_read(&c1);
	if (tap_check(&t, !fold, "reading /proc/vmstat"))
		tap_check_eq(&t, "pins released - pins taken (system-wide), every fd closed",
			     0, (c1.released - c0.released) - (c1.acquired - c0.acquired));
	err = gpt_holds(s->fd, 0, 0, 0, NULL, 0, &hr);
	if (tap_check(&t, !err, "HOLDS: %s", strerror(-err))) {
		tap_check_eq(&t, "holds left, module-wide", 0, (int64_t)hr.holds);
		tap_check_eq(&t, "pages held, module-wide", 0, (int64_t)hr.pages);
	}
	pin1 = status_kb("VmPin");
	lck1 = status_kb("VmLck");
	tap_check_eq(&t, "VmPin (kB) against before", pin0, pin1);
	tap_check_eq(&t, "VmLck (kB) against before", lck0, lck1);
	tap_end(&t, "fuzz: %" PRIu64 " calls from %d threads in %lld s (seed %" PRIu64
		", each thread's calls again: --fuzz-seed %" PRIu64 "), pins taken %" PRId64
		" = released, no hold left", calls, THREADS, (long long)(time(NULL) - t0),
		fuzz.seed, fuzz.seed, c1.acquired - c0.acquired);
	munmap(arena, ARENA_PAGES * PS);
	munmap(arena_ro, ARENA_PAGES * PS);
	munmap(arena_none, ARENA_PAGES * PS);
	munmap(changing, ARENA_PAGES * PS);
	munmap(arena_file, ARENA_PAGES * PS);
	close(memfd);
	for (int i = 0; i < THREADS; i++)
		if (w[i].scratch)
			munmap(w[i].scratch, SCRATCH + PS);
}
