// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_IOC_BENCH: the counts it reports are exact (pages and calls per
 * repeat, pins taken and released), a range that stops GUP stops it the
 * way PIN says, bad requests get their errno and reason, and the pages
 * end as they started.  Times are only checked to be there: benchmarks
 * never pass or fail on time.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite.h"

#define N	64	/* pages benchmarked */
#define REPEATS	3

static struct gpt_bench_repeat rep[GPT_BENCH_MAX_REPEATS + 1];

static const struct {
	uint32_t path;
	uint64_t flags;
	uint32_t per_call;
	uint64_t calls;		/* a repeat's GUP calls */
	bool pins;		/* FOLL_PIN: counted in nr_foll_pin_* */
	const char *what;
} runs[] = {
	{ GPT_PATH_PIN_FAST, GPT_FLAG_WRITE, 8, N / 8, true, "pin-fast, 8 a call (PIN_FAST_BENCHMARK)" },
	{ GPT_PATH_GUP_FAST, GPT_FLAG_WRITE, 1, N, false, "gup-fast, 1 a call (GUP_FAST_BENCHMARK)" },
	{ GPT_PATH_PIN, GPT_FLAG_WRITE | GPT_FLAG_LONGTERM, 0, 1, true,
	  "pin + FOLL_LONGTERM, all in one call (PIN_LONGTERM_BENCHMARK)" },
	{ GPT_PATH_GUP, 0, 100, 1, false, "gup, read, 100 a call (more than the range)" },
	{ GPT_PATH_PIN_REMOTE, 0, 7, (N + 6) / 7, true, "pin-remote on the caller's mm, 7 a call" },
};

/* Every field of every repeat, and the pins the system counted. */
static void test_counts(struct suite *s, char *mem)
{
	struct gpt_kpage before[N], after[N];

	gpt_kpages_read(0, (uintptr_t)mem, N, before);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct gpt_bench req = { .path = runs[i].path, .flags = runs[i].flags,
					 .addr = (uintptr_t)mem, .nr_pages = N,
					 .pages_per_call = runs[i].per_call,
					 .repeats = REPEATS };
		struct gpt_pin_counters c0, c1;
		struct gpt_bench_result res;
		struct tap_point t;
		int err, fold;

		tap_begin(&t);
		memset(rep, 0xff, sizeof(rep));
		fold = gpt_pin_counters_read(&c0);
		err = gpt_bench(s->fd, &req, &res, rep);
		fold |= gpt_pin_counters_read(&c1);
		tap_check_eq(&t, "ioctl", 0, err);
		tap_check_eq(&t, "repeats run", REPEATS, (int64_t)res.repeats);
		tap_check_eq(&t, "GUP errno", 0, res.error);
		tap_check_eq(&t, "error_index (none)", N, (int64_t)res.error_index);
		for (int r = 0; r < REPEATS; r++) {
			tap_check_eq(&t, "a repeat's pages", N, (int64_t)rep[r].pinned);
			tap_check_eq(&t, "a repeat's GUP calls", (int64_t)runs[i].calls,
				     (int64_t)rep[r].calls);
			tap_check(&t, rep[r].pin_ns > 0 && rep[r].release_ns > 0 &&
				  rep[r].pin_ns < 60000000000ULL,
				  "repeat %d timed: pin %llu ns, release %llu ns", r,
				  (unsigned long long)rep[r].pin_ns,
				  (unsigned long long)rep[r].release_ns);
		}
		/* Only @repeats records written: the next one is untouched. */
		tap_check(&t, rep[REPEATS].pinned == UINT64_MAX, "record %d written", REPEATS);
		if (tap_check(&t, !fold, "reading /proc/vmstat")) {
			tap_check_eq(&t, "nr_foll_pin_acquired delta (system-wide)",
				     runs[i].pins ? REPEATS * N : 0, c1.acquired - c0.acquired);
			tap_check_eq(&t, "nr_foll_pin_released delta (system-wide)",
				     runs[i].pins ? REPEATS * N : 0, c1.released - c0.released);
		}
		tap_end(&t, "BENCH %s, %d pages x %d repeats: every repeat pinned %d in "
			"%llu calls and released them", runs[i].what, N, REPEATS, N,
			(unsigned long long)runs[i].calls);
	}
	/* Nothing moved, nothing kept: the pages' refcounts are the kernel's own. */
	{
		struct tap_point t;
		unsigned int same = 0;

		tap_begin(&t);
		gpt_kpages_read(0, (uintptr_t)mem, N, after);
		for (int i = 0; i < N; i++)
			same += after[i].present && after[i].pfn == before[i].pfn &&
				after[i].mapcount == before[i].mapcount;
		tap_check_eq(&t, "pages with the pfn and map count they had", N, same);
		tap_end(&t, "BENCH: the pages end where they started (pagemap, kpagecount)");
	}
}

/* Half the range unmapped: GUP stops there, the repeats stop. */
static void test_short(struct suite *s)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	char *mem = mmap(NULL, N * ps, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct gpt_bench req = { .path = GPT_PATH_PIN_FAST, .flags = GPT_FLAG_WRITE,
				 .nr_pages = N, .pages_per_call = 16, .repeats = REPEATS };
	struct gpt_pin_counters c0, c1;
	struct gpt_bench_result res;
	struct tap_point t;
	int err, fold;

	tap_begin(&t);
	if (!tap_check(&t, mem != MAP_FAILED, "mmap")) {
		tap_end(&t, "BENCH of a half-unmapped range");
		return;
	}
	memset(mem, 1, N / 2 * ps);
	munmap(mem + N / 2 * ps, N / 2 * ps);
	req.addr = (uintptr_t)mem;
	fold = gpt_pin_counters_read(&c0);
	err = gpt_bench(s->fd, &req, &res, rep);
	fold |= gpt_pin_counters_read(&c1);
	tap_check_eq(&t, "ioctl", 0, err);
	tap_check_eq(&t, "repeats run", 1, (int64_t)res.repeats);
	tap_check_eq(&t, "GUP errno", EFAULT, res.error);
	tap_check_eq(&t, "error_index", N / 2, (int64_t)res.error_index);
	tap_check_eq(&t, "pages pinned before it", N / 2, (int64_t)rep[0].pinned);
	tap_check_eq(&t, "calls: 2 of 16, the third failing", 3, (int64_t)rep[0].calls);
	if (tap_check(&t, !fold, "reading /proc/vmstat"))
		tap_check_eq(&t, "pins acquired - released (system-wide)", 0,
			     (c1.acquired - c0.acquired) - (c1.released - c0.released));
	tap_end(&t, "BENCH of a range whose second half is unmapped: EFAULT at page %d, "
		"one repeat, the %d pages pinned released", N / 2, N / 2);
	munmap(mem, N / 2 * ps);
}

enum spoil { SP_REPEATS_0, SP_REPEATS_MAX, SP_RECORDS_SHORT, SP_HOLD, SP_RESERVED,
	     SP_PAGES_0, SP_UNALIGNED, SP_TOO_BIG, SP_PATH, SP_GET_LONGTERM,
	     SP_RECORDS_NULL };

static const struct {
	enum spoil spoil;
	const char *what;
	uint32_t reason;
} bad[] = {
	{ SP_REPEATS_0, "repeats 0", GPT_REASON_BAD_ARGUMENT },
	{ SP_REPEATS_MAX, "repeats GPT_BENCH_MAX_REPEATS + 1", GPT_REASON_BAD_ARGUMENT },
	{ SP_RECORDS_SHORT, "records.count one short of repeats", GPT_REASON_BAD_ARGUMENT },
	{ SP_RECORDS_NULL, "no records", GPT_REASON_BAD_ARGUMENT },
	{ SP_HOLD, "GPT_FLAG_HOLD (nothing is held)", GPT_REASON_BAD_ARGUMENT },
	{ SP_RESERVED, "reserved0 set", GPT_REASON_BAD_ARGUMENT },
	{ SP_PAGES_0, "nr_pages 0", GPT_REASON_BAD_ARGUMENT },
	{ SP_UNALIGNED, "address not page aligned", GPT_REASON_BAD_ARGUMENT },
	{ SP_TOO_BIG, "nr_pages past max_pages", GPT_REASON_TOO_BIG },
	{ SP_PATH, "path GPT_PATH_END", GPT_REASON_BAD_ARGUMENT },
	{ SP_GET_LONGTERM, "gup-fast with FOLL_LONGTERM", GPT_REASON_GET_LONGTERM },
};

static void test_bad(struct suite *s, char *mem)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct gpt_bench req = { .path = GPT_PATH_PIN_FAST, .addr = (uintptr_t)mem,
					 .nr_pages = N, .repeats = 2 };
		struct gpt_bench_result res;
		struct gpt_pin_counters c0, c1;
		struct tap_point t;
		int err, fold;

		switch (bad[i].spoil) {
		case SP_REPEATS_0: req.repeats = 0; break;
		case SP_REPEATS_MAX: req.repeats = GPT_BENCH_MAX_REPEATS + 1; break;
		case SP_HOLD: req.flags = GPT_FLAG_HOLD; break;
		case SP_RESERVED: req.reserved0 = 1; break;
		case SP_PAGES_0: req.nr_pages = 0; break;
		case SP_UNALIGNED: req.addr += 8; break;
		case SP_TOO_BIG: req.nr_pages = s->info.h.max_pages + 1; break;
		case SP_PATH: req.path = GPT_PATH_END; break;
		case SP_GET_LONGTERM:
			req.path = GPT_PATH_GUP_FAST;
			req.flags = GPT_FLAG_LONGTERM;
			break;
		default: break;
		}
		tap_begin(&t);
		fold = gpt_pin_counters_read(&c0);
		if (bad[i].spoil == SP_RECORDS_SHORT || bad[i].spoil == SP_RECORDS_NULL) {
			/* Past the wrapper: the window it would set right. */
			memset(&res, 0, sizeof(res));
			req.head = (struct gpt_head){ sizeof(req), sizeof(res), (uintptr_t)&res };
			if (bad[i].spoil == SP_RECORDS_SHORT)
				req.records = (struct gpt_array){ (uintptr_t)rep, 1, sizeof(rep[0]) };
			err = ioctl(s->fd, GPT_IOC_BENCH, &req) ? -errno : 0;
		} else {
			err = gpt_bench(s->fd, &req, &res, rep);
		}
		fold |= gpt_pin_counters_read(&c1);
		tap_check_eq(&t, "ioctl errno", -EINVAL, err);
		tap_check(&t, res.reason == bad[i].reason, "reason %s, want %s",
			  gpt_reason_name(res.reason), gpt_reason_name(bad[i].reason));
		if (tap_check(&t, !fold, "reading /proc/vmstat"))
			tap_check_eq(&t, "pins taken (system-wide)", 0, c1.acquired - c0.acquired);
		tap_end(&t, "BENCH with %s: EINVAL, %s, nothing pinned", bad[i].what,
			gpt_reason_name(bad[i].reason));
	}
}

/*
 * gupctl bench --profile's call tree, of one repeat over one 2 MiB THP,
 * 512 pages in one call: our loop's calls exactly, and how the kernel
 * walks the THP, counted in calls of the function that decides it.
 */
#define THP_PAGES	512
#define KPF_THP		22

static const struct {
	uint32_t path;
	uint64_t flags;
	const char *call;	/* ours, under gpt_bench_once() */
	struct krange k;
	const char *fn;		/* anywhere in the tree */
	uint64_t calls;
	const char *why;
} prof_rows[] = {
	{ GPT_PATH_PIN, GPT_FLAG_WRITE | GPT_FLAG_LONGTERM, "pin_user_pages", BEFORE(6, 6),
	  "follow_page_mask", THP_PAGES,
	  "__get_user_pages() walks a THP page by page when it fills pages[]" },
	{ GPT_PATH_PIN, GPT_FLAG_WRITE | GPT_FLAG_LONGTERM, "pin_user_pages", SINCE(6, 10),
	  "try_grab_folio", 2,
	  "the first page, then the other 511 at once (57edfcfd3419, 6.6; the name since "
	  "\"mm: gup: stop abusing try_grab_folio\", 6.10)" },
	{ GPT_PATH_PIN_FAST, GPT_FLAG_WRITE, "pin_user_pages_fast", BEFORE(5, 12),
	  "put_compound_head", THP_PAGES,
	  "unpin_user_pages() drops the THP's pins page by page" },
	{ GPT_PATH_PIN_FAST, GPT_FLAG_WRITE, "pin_user_pages_fast", SINCE(6, 1),
	  "gup_put_folio", 1,
	  "unpin_user_pages() drops a folio's pins at once (31b912de1316, 5.12)" },
};

static uint64_t prof_calls(const struct gpt_profile *p, const char *fn, int parent)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < p->nr; i++)
		if (!strcmp(p->nodes[i].name, fn) && (parent < -1 || p->nodes[i].parent == parent))
			n += p->nodes[i].calls;
	return n;
}

static void test_profile(struct suite *s)
{
	struct gpt_mem mem = { 0 };
	struct gpt_kpage kp[THP_PAGES];
	struct tap_point t;
	char why[128] = "";
	bool thp_on;
	unsigned int thp = 0;
	int err;

	/* A kernel tree built without the tracer: nothing to profile with. */
	if (gpt_profile_available(why, sizeof(why))) {
		tap_skip("bench --profile: %s", why);
		return;
	}
	thp_on = gpt_thp_allow();
	err = gpt_kind_map(GPT_MEM_ANON_THP, &s->dirs, THP_PAGES, &mem);
	if (!err)
		err = gpt_kpages_read(0, (uintptr_t)mem.addr, THP_PAGES, kp);
	for (unsigned int i = 0; !err && i < THP_PAGES; i++)
		thp += kp[i].present && (kp[i].kflags >> KPF_THP & 1);
	for (size_t i = 0; i < sizeof(prof_rows) / sizeof(prof_rows[0]); i++) {
		struct gpt_bench req = { .path = prof_rows[i].path, .flags = prof_rows[i].flags,
					 .addr = (uintptr_t)mem.addr, .nr_pages = THP_PAGES,
					 .repeats = 1 };
		struct gpt_bench_result res;
		struct gpt_profile p = { 0 };
		char kr[32];
		int root;

		if (!kernel_in(prof_rows[i].k))
			continue;
		krange_name(prof_rows[i].k, kr, sizeof(kr));
		tap_begin(&t);
		if (!tap_check(&t, !err && thp == THP_PAGES, "a THP to profile (%d, %u of %d pages in THPs)",
			       err, thp, THP_PAGES)) {
			tap_end(&t, "profile (%s): %s", kr, prof_rows[i].why);
			continue;
		}
		err = gpt_profile_start("gpt_bench_once", 8, why, sizeof(why));
		if (tap_check(&t, !err, "function_graph on gpt_bench_once: %s", why)) {
			int e = gpt_bench(s->fd, &req, &res, rep);

			err = gpt_profile_stop(&p, why, sizeof(why));
			tap_check_eq(&t, "BENCH", 0, e);
			tap_check_eq(&t, "pages pinned", THP_PAGES, (int64_t)rep[0].pinned);
			tap_check(&t, !err, "the trace: %s", why);
			tap_check_eq(&t, "events lost", 0, (int64_t)p.lost);
			root = -1;
			for (unsigned int j = 0; j < p.nr; j++)
				if (p.nodes[j].parent < 0 && !strcmp(p.nodes[j].name, "gpt_bench_once"))
					root = (int)j;
			tap_check_eq(&t, "gpt_bench_once calls", 1,
				     root < 0 ? 0 : (int64_t)p.nodes[root].calls);
			tap_check_eq(&t, prof_rows[i].call, 1,
				     (int64_t)prof_calls(&p, prof_rows[i].call, root));
			tap_check_eq(&t, prof_rows[i].fn, (int64_t)prof_rows[i].calls,
				     (int64_t)prof_calls(&p, prof_rows[i].fn, -2));
			gpt_profile_free(&p);
			err = 0;
		}
		tap_end(&t, "profile of %s over a THP (%s): %" PRIu64 " call(s) of %s: %s",
			prof_rows[i].call, kr, prof_rows[i].calls, prof_rows[i].fn,
			prof_rows[i].why);
	}
	gpt_mem_unmap(&mem);
	if (thp_on)
		gpt_thp_never();
}

/*
 * A BENCH killed mid-repeat (the module looks every 1024 calls) releases
 * every page it pinned, the call that was just made included.  Three
 * times: a kill that lands in a release (a twentieth of the time on THP,
 * an eighth on small pages) has no call to forget.
 */
#define KILLS	3

static pid_t bench_child(int ready)
{
	pid_t pid = fork();

	if (pid == 0) {
		size_t len = 16 << 20, huge = 2 << 20;
		char *m = mmap(NULL, len + huge, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *p = (char *)(((uintptr_t)m + huge - 1) & ~(huge - 1));
		struct gpt_bench req = { .path = GPT_PATH_PIN_FAST, .flags = GPT_FLAG_WRITE,
					 .nr_pages = len / 4096, .pages_per_call = 1,
					 .repeats = GPT_BENCH_MAX_REPEATS };
		struct gpt_bench_result res;
		int fd = gpt_open();

		if (m == MAP_FAILED || fd < 0)
			_exit(1);
		/* THP where there is: a release of next to nothing */
		madvise(p, len, MADV_HUGEPAGE);
		memset(p, 1, len);
		req.addr = (uintptr_t)p;
		if (write(ready, "r", 1) != 1)
			_exit(1);
		/* Seconds of work: the kill comes first. */
		gpt_bench(fd, &req, &res, rep);
		_exit(2);
	}
	return pid;
}

static void test_killed(void)
{
	struct gpt_pin_counters c0, c1;
	struct tap_point t;
	int fold, killed = 0;

	tap_begin(&t);
	fold = gpt_pin_counters_read(&c0);
	for (int i = 0; i < KILLS; i++) {
		struct gpt_pin_counters before, now;
		int status = 0, ready[2], shown = 0;
		char byte;
		pid_t pid;

		if (!tap_check(&t, !pipe(ready), "pipe: %s", strerror(errno)))
			break;
		fold |= gpt_pin_counters_read(&before);
		pid = bench_child(ready[1]);
		close(ready[1]);
		if (tap_check(&t, pid > 0 && read(ready[0], &byte, 1) == 1,
			      "the child did not start")) {
			/* Killed in the middle: once its pins show, up to 10 s. */
			for (int ms = 0; !shown && ms < 10000; ms += 10) {
				usleep(10000);
				if (gpt_pin_counters_read(&now)) {
					fold = -EIO;
					break;
				}
				shown = now.acquired != before.acquired;
			}
			tap_check(&t, shown, "round %d: no pin of the child's in 10 s", i);
			usleep(100000);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
		}
		close(ready[0]);
	}
	tap_check_eq(&t, "children killed by SIGKILL", KILLS, killed);
	fold |= gpt_pin_counters_read(&c1);
	if (tap_check(&t, !fold, "reading /proc/vmstat")) {
		tap_check(&t, c1.acquired - c0.acquired > 0, "no pin taken before the kills");
		tap_check_eq(&t, "pins released - pins taken (system-wide)", 0,
			     (c1.released - c0.released) - (c1.acquired - c0.acquired));
	}
	tap_end(&t, "BENCH (pin-fast, 1 page a call, 16 MiB x 1000 repeats) killed 100 ms after its first pins, "
		"%d times: every pin it took released", KILLS);
}

void test_bench(struct suite *s)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	char *mem = mmap(NULL, N * ps, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tap_point t;

	if (mem == MAP_FAILED) {
		tap_begin(&t);
		tap_check(&t, false, "mmap of %d pages", N);
		tap_end(&t, "BENCH: memory to benchmark");
		return;
	}
	/* gup_test's workload: every page written first. */
	madvise(mem, N * ps, MADV_NOHUGEPAGE);
	memset(mem, 1, N * ps);
	gpt_lru_drain();
	test_counts(s, mem);
	test_bad(s, mem);
	test_short(s);
	test_killed();
	munmap(mem, N * ps);
	if (kernel.thp)
		test_profile(s);
}
