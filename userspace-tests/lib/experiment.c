// SPDX-License-Identifier: GPL-2.0
/*
 * libgpt: the experiments of "gupctl experiment".  Each pins GPT_EXP_PAGES
 * pages in one of three ways (enum gpt_exp_mode), lets the kernel do one
 * thing to them, and says what happened, with the evidence: the module's
 * per-page samples (pfn, zone), /proc/PID/pagemap, /proc/vmstat, the
 * migrate:mm_migrate_pages tracepoint, and wall-clock timelines.
 *
 * Anonymous memory is bound to NUMA node 1 when there is one (mbind()):
 * on the experiments VM that node is a DIMM onlined movable, so the pages
 * start out in ZONE_MOVABLE, in memory blocks that nothing else pins.
 * The experiments that need that check it and say so.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "experiment.h"

#define NPAGES		GPT_EXP_PAGES
#define HOLD_MS		GPT_EXP_HOLD_MS
#define OFFLINE_HOLD_MS	GPT_EXP_OFFLINE_HOLD_MS
/* An operation still blocked this long after the unpin has failed. */
#define STUCK_MS	10000

#define MPOL_BIND_	2	/* <linux/mempolicy.h> */
#define MPOL_MF_MOVE_	(1 << 1)

static const char *const tracing = "/sys/kernel/tracing";

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Appends to the evidence line. */
static void note(struct gpt_exp_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct gpt_exp_result *r, const char *fmt, ...)
{
	size_t used = strlen(r->detail);
	va_list ap;

	if (used + 3 >= sizeof(r->detail))
		return;
	if (used) {
		strcpy(r->detail + used, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->detail + used, sizeof(r->detail) - used, fmt, ap);
	va_end(ap);
}

static void not_run(struct gpt_exp_result *r, const char *why)
{
	r->what = GPT_EXP_NOT_RUN;
	note(r, "%s", why);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static long read_num(const char *path, int base)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, base) : -1;
}

static long read_long(const char *path)
{
	return read_num(path, 10);
}

/* Private anonymous pages, on node 1 if there is one, each written with
 * @fill (0: its index + 1). */
static void *anon_pages(size_t n, int fill)
{
	size_t ps = page_size();
	unsigned long node = access("/sys/devices/system/node/node1", F_OK) ? 1 : 2;
	char *p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Without NUMA there is one node anyway. */
	syscall(SYS_mbind, p, n * ps, MPOL_BIND_, &node, 8 * sizeof(node), 0);
	for (size_t i = 0; i < n; i++)
		memset(p + i * ps, fill ? fill : (int)i + 1, ps);
	gpt_lru_drain();
	return p;
}

/*
 * Pins @n pages at @addr through pin-fast as @mode says; a held pin's
 * handle goes to @handle.  false when the pin was not taken: then @r says
 * REFUSED (GUP's errno) or FAILED (the module's).
 */
static bool pin_mode(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		     void *addr, size_t n, struct gpt_page_record *rec,
		     uint64_t *handle, struct gpt_exp_result *r)
{
	struct gpt_pin req = { .path = GPT_PATH_PIN_FAST, .addr = (uintptr_t)addr,
			       .nr_pages = n };
	struct gpt_pin_result res;
	int ret;

	*handle = 0;
	if (mode != GPT_EXP_RELEASED)
		req.flags |= GPT_FLAG_HOLD;
	if (mode == GPT_EXP_LONGTERM)
		req.flags |= GPT_FLAG_LONGTERM;
	ret = gpt_pin(env->fd, &req, &res, rec, rec ? (uint32_t)n : 0);
	if (ret) {
		r->what = GPT_EXP_FAILED;
		r->err = -ret;
		note(r, "PIN: %s (%s)", gpt_errno_name(-ret), gpt_reason_name(res.reason));
		return false;
	}
	if (res.error) {
		r->what = GPT_EXP_REFUSED;
		r->err = res.error;
		note(r, "%s pin refused: %s (%s), %" PRIu64 " transient pins",
		     mode == GPT_EXP_LONGTERM ? "long-term" : "short-term",
		     gpt_errno_name(res.error), gpt_reason_name(res.reason),
		     (uint64_t)res.pinned);
		return false;
	}
	*handle = res.handle;
	return true;
}

static void unpin(const struct gpt_exp_env *env, uint64_t *handle)
{
	struct gpt_unpin_result u;

	if (*handle)
		gpt_unpin(env->fd, *handle, 0, &u);
	*handle = 0;
}

/*
 * Runs @op(@arg) in a child while the pin @handle is held: if it has not
 * returned after @hold_ms, the pin is released and the child waited for.
 * Fills in the timeline (from the start of the operation), AT_ONCE,
 * WAITED or FAILED; @verb names the operation in it.
 */
static void run_blocking(const struct gpt_exp_env *env, int (*op)(void *),
			 void *arg, uint64_t *handle, int hold_ms,
			 const char *verb, struct gpt_exp_result *r)
{
	struct { double t; int err; } start, end;
	struct pollfd pfd = { .events = POLLIN };
	double unpinned = -1;
	int p[2], status;
	bool done;
	pid_t pid;

	if (pipe(p)) {
		r->what = GPT_EXP_FAILED;
		r->err = errno;
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		start.t = now_ms();
		start.err = 0;
		if (write(p[1], &start, sizeof(start)) < 0)
			_exit(1);
		end.err = op(arg);
		end.t = now_ms();
		_exit(write(p[1], &end, sizeof(end)) < 0);
	}
	close(p[1]);
	pfd.fd = p[0];
	if (pid < 0 || read(p[0], &start, sizeof(start)) != sizeof(start)) {
		r->what = GPT_EXP_FAILED;
		r->err = pid < 0 ? errno : EIO;
		close(p[0]);
		if (pid > 0)
			waitpid(pid, &status, 0);
		return;
	}
	done = poll(&pfd, 1, *handle ? hold_ms : STUCK_MS) == 1;
	if (!done && *handle) {
		unpinned = now_ms();
		unpin(env, handle);
		done = poll(&pfd, 1, STUCK_MS) == 1;
	}
	if (done && read(p[0], &end, sizeof(end)) == sizeof(end)) {
		r->op_ms = end.t - start.t;
		r->unpin_ms = unpinned < 0 ? -1 : unpinned - start.t;
		r->err = end.err;
		r->what = end.err ? GPT_EXP_FAILED :
			  unpinned < 0 ? GPT_EXP_AT_ONCE : GPT_EXP_WAITED;
		if (unpinned < 0)
			note(r, "%s took %.1f ms%s", verb, r->op_ms,
			     end.err ? "" : ", nothing to wait for");
		else
			note(r, "%s starts at 0, still blocked at %d ms: unpin at %.1f ms, "
			     "%s returns at %.1f ms", verb, hold_ms, r->unpin_ms,
			     verb, r->op_ms);
		if (end.err)
			note(r, "%s: %s", verb, gpt_errno_name(end.err));
	} else {
		kill(pid, SIGKILL);
		r->what = GPT_EXP_FAILED;
		r->err = ETIMEDOUT;
		note(r, "%s still blocked %d ms after the unpin: killed", verb, STUCK_MS);
	}
	close(p[0]);
	waitpid(pid, &status, 0);
}

/* fsdax: truncate or punch a hole under a pin --------------------------- */

struct fsdax_op {
	int fd;
	off_t len;
	bool punch;
};

static int fsdax_do(void *arg)
{
	struct fsdax_op *o = arg;
	int ret;

	if (o->punch)
		ret = fallocate(o->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
				o->len);
	else
		ret = ftruncate(o->fd, 0);
	return ret ? errno : 0;
}

static void fsdax(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		  struct gpt_exp_result *r, bool punch)
{
	struct fsdax_op o = { .len = (off_t)(NPAGES * page_size()), .punch = punch };
	const char *verb = punch ? "punch hole" : "truncate";
	uint64_t handle = 0;
	char path[512];
	char *p;

	if (!env->dirs.fsdax)
		return not_run(r, "no fsdax directory (--fsdax)");
	snprintf(path, sizeof(path), "%s/experiment-%s", env->dirs.fsdax, verb);
	o.fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (o.fd < 0 || ftruncate(o.fd, o.len))
		return not_run(r, "cannot create a file on the fsdax mount");
	p = mmap(NULL, (size_t)o.len, PROT_READ | PROT_WRITE, MAP_SHARED, o.fd, 0);
	if (p == MAP_FAILED) {
		close(o.fd);
		return not_run(r, "cannot map the fsdax file");
	}
	for (size_t i = 0; i < NPAGES; i++)
		p[i * page_size()] = (char)i;
	if (pin_mode(env, mode, p, NPAGES, NULL, &handle, r)) {
		run_blocking(env, fsdax_do, &o, &handle, HOLD_MS, verb, r);
	} else {
		/* The file is still there to truncate: show it did not wait. */
		enum gpt_exp_what what = r->what;
		int err = r->err;

		run_blocking(env, fsdax_do, &o, &handle, HOLD_MS, verb, r);
		r->what = what;
		r->err = err;
	}
	r->count = r->pages;
	unpin(env, &handle);
	munmap(p, (size_t)o.len);
	close(o.fd);
	unlink(path);
}

static void fsdax_truncate(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
			   struct gpt_exp_result *r)
{
	fsdax(env, mode, r, false);
}

static void fsdax_punch(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
			struct gpt_exp_result *r)
{
	fsdax(env, mode, r, true);
}

/* ZONE_MOVABLE: where the pinned pages are ----------------------------- */

/*
 * The tracepoint, on and emptied, when tracefs has it.  The experiments VM
 * turns it on at boot (trace_event=), and then it is left on: switching a
 * tracepoint patches kernel text, which can race with the other CPU under
 * TCG.  *@was_on says whether to turn it off again.
 */
static bool trace_start(bool *was_on)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/events/migrate/mm_migrate_pages/enable", tracing);
	*was_on = read_long(path) == 1;
	if (!*was_on && write_file(path, "1"))
		return false;
	/* Opening the trace file with O_TRUNC empties the buffer. */
	snprintf(path, sizeof(path), "%s/trace", tracing);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * Sums nr_succeeded of the mm_migrate_pages events whose reason is
 * longterm_pin (the pin's own migration) and names every reason seen: a
 * kcompactd woken by kswapd meanwhile adds "compaction" events of its own.
 */
static void trace_stop(struct gpt_exp_result *r, bool was_on)
{
	char path[256], line[512], *reasons = r->trace_reason;
	unsigned long ok = 0, events = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/migrate/mm_migrate_pages/enable", tracing);
	if (!was_on)
		write_file(path, "0");
	snprintf(path, sizeof(path), "%s/trace", tracing);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *s = strstr(line, "nr_succeeded="), *why = strstr(line, "reason=");
		char word[32];

		if (!strstr(line, "mm_migrate_pages:") || !s || !why)
			continue;
		events++;
		if (sscanf(why + 7, "%31s", word) != 1)
			continue;
		if (!strcmp(word, "longterm_pin"))
			ok += strtoul(s + 13, NULL, 10);
		if (!strstr(reasons, word) &&
		    strlen(reasons) + strlen(word) + 2 < sizeof(r->trace_reason))
			strcat(strcat(reasons, reasons[0] ? "," : ""), word);
	}
	fclose(f);
	r->traced = true;
	r->trace_events = events;
	r->trace_succeeded = ok;
	note(r, "trace: %lu mm_migrate_pages event%s, nr_succeeded %lu of longterm_pin, reasons %s",
	     events, events == 1 ? "" : "s", ok, events ? reasons : "-");
}

/* The kernel's own account of migrations across a pin: vmstat and trace. */
struct migrate_watch {
	long long ok0, fail0;
	bool traced, was_on;
};

static void watch_begin(struct migrate_watch *w)
{
	w->ok0 = gpt_vmstat("pgmigrate_success");
	w->fail0 = gpt_vmstat("pgmigrate_fail");
	w->traced = trace_start(&w->was_on);
}

static void watch_end(struct migrate_watch *w, struct gpt_exp_result *r)
{
	r->vm_success = gpt_vmstat("pgmigrate_success") - w->ok0;
	r->vm_fail = gpt_vmstat("pgmigrate_fail") - w->fail0;
	note(r, "pgmigrate_success %+lld, pgmigrate_fail %+lld", r->vm_success, r->vm_fail);
	if (w->traced)
		trace_stop(r, w->was_on);
}

/* Every page in ZONE_MOVABLE before the pin, or not_run() says otherwise. */
static bool all_movable(const struct gpt_page_record *rec, size_t n,
			struct gpt_exp_result *r)
{
	for (size_t i = 0; i < n; i++)
		if (rec[i].before.zone != GPT_ZONE_MOVABLE) {
			not_run(r, "");
			note(r, "page %zu is in zone %s, not movable: run it in the "
			     "experiments VM (make run; vm/layout.sh)", i,
			     gpt_zone_name(rec[i].before.zone));
			return false;
		}
	return true;
}

/* How many pages GUP moved (pinned pfn != before), and where to. */
static void where_pinned(const struct gpt_page_record *rec, size_t n,
			 struct gpt_exp_result *r)
{
	unsigned int moved = 0;
	uint32_t to = GPT_ZONE_UNKNOWN;

	for (size_t i = 0; i < n; i++)
		if (rec[i].pinned.pfn != rec[i].before.pfn) {
			moved++;
			to = rec[i].pinned.zone;
		}
	r->count = moved ? moved : (unsigned int)n;
	r->what = moved ? GPT_EXP_MIGRATED : GPT_EXP_IN_PLACE;
	if (moved)
		note(r, "%u/%zu pages %s -> %s (page 0: pfn %#" PRIx64 " -> %#" PRIx64 ")",
		     moved, n, gpt_zone_name(rec[0].before.zone), gpt_zone_name(to),
		     (uint64_t)rec[0].before.pfn, (uint64_t)rec[0].pinned.pfn);
	else
		note(r, "%zu/%zu pages pinned in place, in zone %s", n, n,
		     gpt_zone_name(rec[0].before.zone));
}

/* The data reads the same through the mapping and through the pin. */
static void data_check(const struct gpt_exp_env *env, uint64_t handle,
		       const char *p, size_t n, struct gpt_exp_result *r)
{
	char byte;

	for (size_t i = 0; handle && i < n; i++)
		if (!gpt_rw(env->fd, handle, i, 0, &byte, 1, false, NULL) &&
		    byte == p[i * page_size()] && byte == (char)(i + 1))
			r->data_same++;
	if (handle)
		note(r, "data same through the mapping and the pin: %u/%zu pages",
		     r->data_same, n);
}

static void movable(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		    struct gpt_exp_result *r)
{
	static struct gpt_page_record rec[NPAGES];
	struct migrate_watch w;
	uint64_t handle;
	char *p = anon_pages(NPAGES, 0);

	if (!p)
		return not_run(r, "mmap failed");
	watch_begin(&w);
	if (pin_mode(env, mode, p, NPAGES, rec, &handle, r) && all_movable(rec, NPAGES, r))
		where_pinned(rec, NPAGES, r);
	watch_end(&w, r);
	data_check(env, handle, p, NPAGES, r);
	unpin(env, &handle);
	munmap(p, NPAGES * page_size());
}

/* A huge page on node 1, the movable DIMM: long-term pins migrate it, or WARN. */
#define NODE1_HUGE	"/sys/devices/system/node/node1/hugepages/hugepages-2048kB/"
#define HUGE_BYTES	(2UL << 20)

static void hugetlb_movable(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
			    struct gpt_exp_result *r)
{
	static struct gpt_page_record rec[NPAGES];
	long had = read_long(NODE1_HUGE "nr_hugepages");
	unsigned long node1 = 2;
	struct migrate_watch w;
	uint64_t handle = 0;
	char num[32], *p;

	if (had < 0)
		return not_run(r, "no NUMA node 1 with 2 MiB huge pages");
	snprintf(num, sizeof(num), "%ld", had + 1);
	if (write_file(NODE1_HUGE "nr_hugepages", num) ||
	    read_long(NODE1_HUGE "free_hugepages") < 1)
		return not_run(r, "no free huge page on node 1");
	p = mmap(NULL, HUGE_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED) {
		not_run(r, "mmap(MAP_HUGETLB) failed");
		goto restore;
	}
	syscall(SYS_mbind, p, HUGE_BYTES, MPOL_BIND_, &node1, 8 * sizeof(node1), 0);
	for (size_t i = 0; i < NPAGES; i++)
		p[i * page_size()] = (char)(i + 1);
	watch_begin(&w);
	if (pin_mode(env, mode, p, NPAGES, rec, &handle, r) && all_movable(rec, NPAGES, r))
		where_pinned(rec, NPAGES, r);
	watch_end(&w, r);
	data_check(env, handle, p, NPAGES, r);
	unpin(env, &handle);
	munmap(p, HUGE_BYTES);
restore:
	snprintf(num, sizeof(num), "%ld", had);
	write_file(NODE1_HUGE "nr_hugepages", num);
}

/* A long-term pin of pages that are pinned already (short-term: released,
 * held; or long-term): can GUP migrate them out of ZONE_MOVABLE? */
static void longterm_of_pinned(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
			       struct gpt_exp_result *r)
{
	static struct gpt_page_record first[NPAGES], rec[NPAGES];
	struct gpt_exp_result scratch = { 0 };
	struct migrate_watch w;
	uint64_t handle, second;
	char *p = anon_pages(NPAGES, 0);

	if (!p)
		return not_run(r, "mmap failed");
	if (!pin_mode(env, mode, p, NPAGES, first, &handle, &scratch)) {
		*r = scratch;
	} else if (all_movable(first, NPAGES, r)) {
		note(r, "first pin %s", mode == GPT_EXP_RELEASED ? "released" : "held");
		watch_begin(&w);
		if (pin_mode(env, GPT_EXP_LONGTERM, p, NPAGES, rec, &second, r)) {
			/* before is where the first pin left the pages */
			where_pinned(rec, NPAGES, r);
			unpin(env, &second);
		} else {
			r->what = GPT_EXP_FAILED;
		}
		watch_end(&w, r);
	}
	unpin(env, &handle);
	munmap(p, NPAGES * page_size());
}

/* CMA: long-term pins migrate out of it too ----------------------------- */

/* The default CMA area, from the kernel log ("cma: Reserved 256 MiB at 0x..."). */
static bool cma_area(uint64_t *base, uint64_t *bytes)
{
	int len = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf = len > 0 ? malloc((size_t)len + 1) : NULL, *at;
	unsigned long mib;
	unsigned long long start;
	bool found = false;

	if (!buf)
		return false;
	len = klogctl(3, buf, len);	/* SYSLOG_ACTION_READ_ALL */
	buf[len > 0 ? len : 0] = 0;
	for (at = buf; (at = strstr(at, "cma: Reserved ")); at++)
		if (sscanf(at, "cma: Reserved %lu MiB at %llx", &mib, &start) == 2) {
			*base = start;
			*bytes = (uint64_t)mib << 20;
			found = true;
			break;
		}
	free(buf);
	return found;
}

#define CMA_POOL	16384	/* pages (64 MiB) to find 16 CMA pages in a row */

static void cma(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		struct gpt_exp_result *r)
{
	static struct gpt_page_record rec[NPAGES];
	static struct gpt_kpage k[CMA_POOL];
	uint64_t base, bytes, first = 0, handle = 0, run = 0;
	size_t ps = page_size();
	unsigned long node0 = 1;
	unsigned int in_before = 0, in_pinned = 0;
	struct migrate_watch w;
	char *pool;

	if (!cma_area(&base, &bytes))
		return not_run(r, "no CMA area (CONFIG_CMA, and cma= on the command line)");
	pool = mmap(NULL, CMA_POOL * ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pool == MAP_FAILED)
		return not_run(r, "mmap failed");
	/* Node 0 has the CMA area; its allocator prefers CMA for movable pages
	 * when CMA holds more than half of the zone's free memory. */
	syscall(SYS_mbind, pool, CMA_POOL * ps, MPOL_BIND_, &node0, 8 * sizeof(node0), 0);
	/* Small pages: a long-term pin of 16 pages of a THP would move 512. */
	madvise(pool, CMA_POOL * ps, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < CMA_POOL; i++)
		pool[i * ps] = (char)(i + 1);
	gpt_lru_drain();
	if (gpt_kpages_read(0, (uintptr_t)pool, CMA_POOL, k)) {
		not_run(r, "cannot read /proc/self/pagemap");
		goto out;
	}
	for (size_t i = 0; i < CMA_POOL && run < NPAGES; i++) {
		bool in = k[i].pfn * ps >= base && k[i].pfn * ps < base + bytes;

		run = in ? run + 1 : 0;
		first = i + 1 - run;
	}
	if (run < NPAGES) {
		not_run(r, "");
		note(r, "no %d pages in a row of the %d touched landed in CMA", NPAGES, CMA_POOL);
		goto out;
	}
	watch_begin(&w);
	if (pin_mode(env, mode, pool + first * ps, NPAGES, rec, &handle, r)) {
		where_pinned(rec, NPAGES, r);
		for (size_t i = 0; i < NPAGES; i++) {
			in_before += rec[i].before.pfn * ps >= base &&
				     rec[i].before.pfn * ps < base + bytes;
			in_pinned += rec[i].pinned.pfn * ps >= base &&
				     rec[i].pinned.pfn * ps < base + bytes;
		}
		note(r, "CMA area %llu MiB at %#llx: %u/%d pages in it before, %u/%d while pinned",
		     (unsigned long long)(bytes >> 20), (unsigned long long)base, in_before,
		     NPAGES, in_pinned, NPAGES);
		r->control = in_pinned;
	}
	watch_end(&w, r);
out:
	unpin(env, &handle);
	munmap(pool, CMA_POOL * ps);
}

/* Memory offline of the block that holds a pinned page ------------------ */

static int offline_do(void *arg)
{
	return -write_file(arg, "offline");
}

static void offline(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		    struct gpt_exp_result *r)
{
	static struct gpt_page_record rec[NPAGES];
	/* hexadecimal, without 0x */
	long block = read_num("/sys/devices/system/memory/block_size_bytes", 16);
	char state[128], zones[128];
	uint64_t handle, nr;
	unsigned int inside = 0;
	char *p;
	int fd;

	if (block <= 0)
		return not_run(r, "no memory hotplug (/sys/devices/system/memory)");
	p = anon_pages(NPAGES, 0);
	if (!p)
		return not_run(r, "mmap failed");
	if (!pin_mode(env, mode, p, NPAGES, rec, &handle, r) || !all_movable(rec, NPAGES, r))
		goto out;
	/* The block page 0 was in before the pin: a long-term pin moved it. */
	nr = rec[0].before.pfn * page_size() / (uint64_t)block;
	for (size_t i = 0; i < NPAGES; i++)
		inside += rec[i].pinned.pfn * page_size() / (uint64_t)block == nr;
	snprintf(state, sizeof(state), "/sys/devices/system/memory/memory%" PRIu64 "/state", nr);
	snprintf(zones, sizeof(zones), "/sys/devices/system/memory/memory%" PRIu64 "/valid_zones", nr);
	fd = open(zones, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, zones, sizeof(zones) - 1);

		zones[n > 0 ? n - 1 : 0] = 0;
		close(fd);
	}
	note(r, "memory%" PRIu64 " (%ld MiB, %s), %u of the %s pages in it",
	     nr, block >> 20, fd >= 0 ? zones : "?", inside,
	     mode == GPT_EXP_RELEASED ? "released" : "pinned");
	run_blocking(env, offline_do, state, &handle, OFFLINE_HOLD_MS, "offline", r);
	r->count = inside;
	if (r->what == GPT_EXP_AT_ONCE || r->what == GPT_EXP_WAITED) {
		int err = write_file(state, "online_movable");

		if (err)
			note(r, "online_movable again: %s", gpt_errno_name(-err));
	}
out:
	unpin(env, &handle);
	munmap(p, NPAGES * page_size());
}

/* fork(): does the child get the pinned pages or copies? --------------- */

static void fork_copy(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		      struct gpt_exp_result *r)
{
	struct gpt_kpage parent[NPAGES], child[NPAGES];
	unsigned int copied = 0;
	uint64_t handle;
	int p[2], status, err;
	char *mem = anon_pages(NPAGES, 0), c;
	pid_t pid;

	if (!mem)
		return not_run(r, "mmap failed");
	if (!pin_mode(env, mode, mem, NPAGES, NULL, &handle, r))
		goto out;
	if (pipe(p)) {
		not_run(r, "pipe failed");
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) < 0);
	}
	close(p[0]);
	err = pid < 0 ? -errno : gpt_kpages_read(0, (uintptr_t)mem, NPAGES, parent);
	if (!err)
		err = gpt_kpages_read(pid, (uintptr_t)mem, NPAGES, child);
	close(p[1]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (err) {
		not_run(r, "");
		note(r, "reading /proc/PID/pagemap: %s", gpt_errno_name(-err));
		goto out;
	}
	for (size_t i = 0; i < NPAGES; i++)
		copied += child[i].pfn != parent[i].pfn;
	r->what = copied ? GPT_EXP_COPIED : GPT_EXP_SHARED;
	r->count = copied ? copied : NPAGES - copied;
	note(r, "the child's pages: %u/%d copies at fork, %u/%d the parent's own "
	     "(page 0: parent pfn %#" PRIx64 ", child %#" PRIx64 ")", copied, NPAGES,
	     NPAGES - copied, NPAGES, parent[0].pfn, child[0].pfn);
out:
	unpin(env, &handle);
	munmap(mem, NPAGES * page_size());
}

/* KSM: are pinned pages merged? ---------------------------------------- */

static void ksm(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		struct gpt_exp_result *r)
{
	const size_t half = NPAGES / 2;
	struct gpt_kpage k[NPAGES], before[NPAGES];
	struct gpt_page_sample held[NPAGES];
	struct gpt_query_result q;
	unsigned int pinned = 0, control = 0, replaced = 0, away = 0, ksm_flag = 0;
	struct gpt_ksm saved = { .run = -1 };
	uint64_t handle = 0;
	double ms = 0;
	int scans;
	char *p;

	if (gpt_ksm_read("run") < 0)
		return not_run(r, "no KSM in this kernel (CONFIG_KSM)");
	/*
	 * The pinned half alike, the control half alike but unlike the first:
	 * a pinned page that ksmd finds first in its unstable tree would
	 * otherwise be every control page's partner, and merging with it fails.
	 */
	p = anon_pages(NPAGES, 0x5a);
	if (!p)
		return not_run(r, "mmap failed");
	memset(p + half * page_size(), 0xa5, half * page_size());
	if (madvise(p, NPAGES * page_size(), MADV_MERGEABLE)) {
		not_run(r, "madvise(MADV_MERGEABLE) failed");
		goto out;
	}
	/* The first half is pinned, the second half is the control. */
	if (!pin_mode(env, mode, p, half, NULL, &handle, r))
		goto out;
	if (gpt_kpages_read(0, (uintptr_t)p, NPAGES, before)) {
		not_run(r, "cannot read /proc/self/pagemap");
		goto out;
	}
	scans = gpt_ksm_scan(&saved, 3, &ms);
	if (scans < 0) {
		not_run(r, "");
		note(r, "ksmd: %s", gpt_errno_name(-scans));
		goto restore;
	}
	/*
	 * Merged: mapping the same page as another page of its half.  Not
	 * KPF_KSM: 6.12's /proc/kpageflags sets it on every anonymous page
	 * (it tests mapping & PAGE_MAPPING_KSM, which has the anon bit).
	 */
	if (!gpt_kpages_read(0, (uintptr_t)p, NPAGES, k))
		for (size_t i = 0; i < NPAGES; i++) {
			size_t from = i < half ? 0 : half;
			bool merged = false;

			for (size_t j = from; j < from + half; j++)
				merged |= j != i && k[j].pfn == k[i].pfn;

			if (i < half)
				pinned += merged;
			else
				control += merged;
			if (i < half && k[i].pfn != before[i].pfn)
				replaced++;
			if (i < half && (k[i].kflags & (1ULL << 21)))	/* KPF_KSM */
				ksm_flag++;
		}
	/* Is the page the pin holds still the one the process maps? */
	if (handle && !gpt_query(env->fd, handle, 0, held, (uint32_t)half, &q))
		for (size_t i = 0; i < half && i < q.nr_records; i++)
			away += held[i].pfn != k[i].pfn;
	r->what = pinned ? GPT_EXP_MERGED : GPT_EXP_NOT_MERGED;
	r->count = pinned ? pinned : (unsigned int)half - pinned;
	r->pages = (unsigned int)half;
	r->control = control;
	note(r, "%s pages merged: %u/%zu, unpinned control: %u/%zu, after %d full scans "
	     "(%.0f ms)", mode == GPT_EXP_RELEASED ? "once-pinned" : "pinned", pinned,
	     half, control, half, scans, ms);
	note(r, "%u/%zu of the %s pages replaced in the page table", replaced, half,
	     mode == GPT_EXP_RELEASED ? "once-pinned" : "pinned");
	note(r, "KPF_KSM on %u/%zu of them", ksm_flag, half);
	if (handle)
		note(r, "the process maps another page than the pin holds: %u/%zu pages",
		     away, half);
	r->data_same = (unsigned int)half - away;
restore:
	/* Unmerge everything, then put ksmd back as it was. */
	gpt_ksm_restore(&saved, true);
out:
	unpin(env, &handle);
	munmap(p, NPAGES * page_size());
}

/* move_pages(2) to the other NUMA node --------------------------------- */

static void move_pages_(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
			struct gpt_exp_result *r)
{
	static struct gpt_page_record rec[NPAGES];
	void *pages[NPAGES];
	int nodes[NPAGES], status[NPAGES], moved = 0, unset = 0, err = 0, to;
	uint64_t handle;
	long ret;
	char *p;

	if (access("/sys/devices/system/node/node1", F_OK))
		return not_run(r, "one NUMA node: the experiments VM has two");
	p = anon_pages(NPAGES, 0);
	if (!p)
		return not_run(r, "mmap failed");
	if (!pin_mode(env, mode, p, NPAGES, rec, &handle, r))
		goto out;
	/* To the other node than the one the pin left page 0 on. */
	to = rec[0].pinned.nid ? 0 : 1;
	for (size_t i = 0; i < NPAGES; i++) {
		pages[i] = p + i * page_size();
		nodes[i] = to;
		status[i] = -1000;
	}
	ret = syscall(SYS_move_pages, 0, NPAGES, pages, nodes, status, MPOL_MF_MOVE_);
	for (size_t i = 0; i < NPAGES; i++) {
		if (status[i] == to)
			moved++;
		else if (status[i] == -1000)
			unset++;
		else if (status[i] < 0 && !err)
			err = -status[i];
	}
	r->what = moved == NPAGES ? GPT_EXP_MOVED : GPT_EXP_NOT_MOVED;
	r->count = moved == NPAGES ? NPAGES : NPAGES - moved;
	r->err = moved == NPAGES ? 0 : err;
	r->value = ret;
	note(r, "node %u -> %d: move_pages() returned %ld%s%s; status: %d pages on node %d",
	     rec[0].pinned.nid, to, ret, ret < 0 ? " " : "",
	     ret < 0 ? gpt_errno_name(errno) : "", moved, to);
	if (unset)
		note(r, "%d pages' status left as it was (the count returned is "
		     "the pages not migrated)", unset);
	if (err)
		note(r, "first error in status: %s", gpt_errno_name(err));
out:
	unpin(env, &handle);
	munmap(p, NPAGES * page_size());
}

/* Compaction of node 1: does it move pinned pages? --------------------- */

#define COMPACT_POOL	4096	/* pages (16 MiB) on node 1, half of them freed */

/*
 * Writing node1/compact compacts the whole node (order -1, sync, after
 * lru_add_drain_all()): the migration scanner walks up from the start of
 * the zone, isolating every page it can, and migrates them into free pages
 * the free scanner takes from the top.  The free scanner passes by wholly
 * free pageblocks (suitable_migration_target()), and node 1 is mostly
 * those: so a pool is touched there and half of it freed, and the 16
 * pages are the pool's lowest, which the scanners meet well above.
 */
/* Pages on node 1's per-CPU free lists (/proc/zoneinfo "count:"), or -1. */
static long node1_pcp_pages(void)
{
	FILE *f = fopen("/proc/zoneinfo", "re");
	char line[256];
	long sum = -1, n;
	bool in = false;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5))
			in = !strncmp(line, "Node 1, zone  Movable", 21);
		else if (in && sscanf(line, " count: %ld", &n) == 1)
			sum = (sum < 0 ? 0 : sum) + n;
	}
	fclose(f);
	return sum;
}

/*
 * Freed pages wait on per-CPU lists, where the free scanner cannot see
 * them (up to 4096 a CPU from 6.7's pcp high auto-tuning).  Node 1 is
 * remote to every CPU, and refresh_cpu_vm_stats() drains a remote zone's
 * lists after 3 rounds in which its counters did not move: each write to
 * vm/stat_refresh is a round on every CPU.  From 6.7 each round also
 * lowers an auto-tuned high a little (decay_pcp_high()), freeing pages
 * and moving counters, so it can take some dozens of rounds.
 */
static long node1_pcp_drain(int *rounds)
{
	long left = node1_pcp_pages();

	for (*rounds = 0; left > 0 && *rounds < 200; ++*rounds) {
		write_file("/proc/sys/vm/stat_refresh", "1");
		left = node1_pcp_pages();
	}
	return left;
}

static char *compaction_pool(size_t *first)
{
	static struct gpt_kpage k[COMPACT_POOL];
	unsigned long node = 2;
	size_t ps = page_size();
	uint64_t best = UINT64_MAX;
	char *pool = mmap(NULL, COMPACT_POOL * ps, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (pool == MAP_FAILED)
		return NULL;
	syscall(SYS_mbind, pool, COMPACT_POOL * ps, MPOL_BIND_, &node, 8 * sizeof(node), 0);
	/* Small pages: freeing one page of a THP would only split its PMD. */
	madvise(pool, COMPACT_POOL * ps, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < COMPACT_POOL; i++)
		pool[i * ps] = 1;
	gpt_lru_drain();
	if (gpt_kpages_read(0, (uintptr_t)pool, COMPACT_POOL, k)) {
		munmap(pool, COMPACT_POOL * ps);
		return NULL;
	}
	/* The 16 pages in a row whose highest pfn is the lowest. */
	for (size_t i = 0; i + NPAGES <= COMPACT_POOL; i += NPAGES) {
		uint64_t top = 0;

		for (size_t j = i; j < i + NPAGES; j++)
			top = k[j].pfn > top ? k[j].pfn : top;
		if (top < best) {
			best = top;
			*first = i;
		}
	}
	/*
	 * The free scanner's stride doubles up to 32 over pageblocks where it
	 * finds nothing (isolate_freepages(), in every kernel here): it looks
	 * at every 32nd pfn.  So the free half is the upper 32 of each 64.
	 */
	for (size_t i = 0; i < COMPACT_POOL; i++)
		if ((i < *first || i >= *first + NPAGES) && k[i].pfn % 64 >= 32)
			madvise(pool + i * ps, ps, MADV_DONTNEED);
	for (size_t i = 0; i < NPAGES; i++)
		memset(pool + (*first + i) * ps, (int)i + 1, ps);
	gpt_lru_drain();
	return pool;
}

static void compaction(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		       struct gpt_exp_result *r)
{
	static const char *const counters[] = {
		"pgmigrate_success", "compact_migrate_scanned", "compact_free_scanned",
		"compact_isolated",
	};
	static struct gpt_page_record rec[NPAGES];
	struct gpt_kpage k0[NPAGES], k1[NPAGES];
	const char *knob = "/sys/devices/system/node/node1/compact";
	long long c[4];
	struct migrate_watch w;
	unsigned int moved = 0;
	uint64_t handle = 0;
	size_t first = 0;
	char *pool, *p;
	long pcp;
	int err, rounds;
	bool pinned;

	if (access(knob, W_OK))
		return not_run(r, "no node1/compact: the experiments VM has a node 1");
	pool = compaction_pool(&first);
	if (!pool)
		return not_run(r, "mmap or pagemap failed");
	p = pool + first * page_size();
	/* The pin's own migrations (long-term) are the pin's evidence. */
	watch_begin(&w);
	pinned = pin_mode(env, mode, p, NPAGES, rec, &handle, r) && all_movable(rec, NPAGES, r);
	if (pinned)
		where_pinned(rec, NPAGES, r);
	watch_end(&w, r);
	if (!pinned)
		goto out;
	pcp = node1_pcp_drain(&rounds);
	if (pcp) {
		not_run(r, "");
		note(r, "%ld pages still on node 1's per-CPU free lists after %d rounds of "
		     "vm/stat_refresh", pcp, rounds);
		goto out;
	}
	err = gpt_kpages_read(0, (uintptr_t)p, NPAGES, k0);
	for (int i = 0; i < 4; i++)
		c[i] = gpt_vmstat(counters[i]);
	if (!err)
		err = write_file(knob, "1");
	for (int i = 0; i < 4; i++)
		c[i] = gpt_vmstat(counters[i]) - c[i];
	if (!err)
		err = gpt_kpages_read(0, (uintptr_t)p, NPAGES, k1);
	if (err) {
		r->what = GPT_EXP_FAILED;
		r->err = -err;
		note(r, "compacting node 1 or reading pagemap: %s", gpt_errno_name(-err));
		goto out;
	}
	for (size_t i = 0; i < NPAGES; i++)
		moved += k1[i].pfn != k0[i].pfn;
	r->value = c[0];
	note(r, "compaction of node 1 (%d pages around them, half of them freed, "
	     "per-CPU lists drained in %d rounds) moved %u/%d of them (page 0: pfn %#" PRIx64
	     " -> %#" PRIx64 "); pgmigrate_success %+lld, compact_migrate_scanned %+lld, "
	     "compact_free_scanned %+lld, compact_isolated %+lld",
	     COMPACT_POOL, rounds, moved, NPAGES, k0[0].pfn, k1[0].pfn, c[0], c[1], c[2], c[3]);
	/* Pages a long-term pin moved out of node 1 first are not its business. */
	if (r->what != GPT_EXP_MIGRATED) {
		r->what = moved == NPAGES ? GPT_EXP_MOVED : GPT_EXP_NOT_MOVED;
		r->count = moved == NPAGES ? NPAGES : NPAGES - moved;
	}
	data_check(env, handle, p, NPAGES, r);
out:
	unpin(env, &handle);
	munmap(pool, COMPACT_POOL * page_size());
}

/* Device-DAX: no filesystem to break layouts, long-term pins allowed --- */

static void devdax(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		   struct gpt_exp_result *r)
{
	static struct gpt_page_record rec[NPAGES];
	struct gpt_page_sample now[NPAGES];
	size_t len = NPAGES * page_size();
	struct gpt_query_result q;
	char path[300] = "";
	struct dirent *de;
	uint64_t handle;
	DIR *dev = opendir("/dev");
	int fd;
	char *p;

	while (dev && (de = readdir(dev)))
		if (!strncmp(de->d_name, "dax", 3) && strchr(de->d_name, '.')) {
			snprintf(path, sizeof(path), "/dev/%s", de->d_name);
			break;
		}
	if (dev)
		closedir(dev);
	if (!path[0])
		return not_run(r, "no /dev/daxN.M: the experiments VM makes one");
	fd = open(path, O_RDWR | O_CLOEXEC);
	p = fd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		if (fd >= 0)
			close(fd);
		return not_run(r, "cannot map the device-DAX device");
	}
	for (size_t i = 0; i < NPAGES; i++)
		p[i * page_size()] = (char)(i + 1);
	if (pin_mode(env, mode, p, NPAGES, rec, &handle, r)) {
		r->what = GPT_EXP_PINNED;
		for (size_t i = 0; i < NPAGES; i++)
			r->count += rec[i].pinned.kind == GPT_KIND_DEVDAX;
		note(r, "%s: %u/%d pages pinned, kind devdax, zone %s", path, r->count,
		     NPAGES, gpt_zone_name(rec[0].pinned.zone));
	}
	if (handle && !gpt_query(env->fd, handle, 0, now, NPAGES, &q)) {
		for (size_t i = 0; i < q.nr_records; i++)
			r->value += now[i].kind == GPT_KIND_DEVDAX &&
				    (now[i].flags & GPT_PAGE_DMA_PINNED);
		note(r, "QUERY of the hold: %ld/%d pages devdax and dma-pinned", r->value,
		     NPAGES);
	}
	data_check(env, handle, p, NPAGES, r);
	unpin(env, &handle);
	munmap(p, len);
	close(fd);
}

const struct gpt_experiment gpt_experiments[] = {
	{ "fsdax-truncate", "truncate an fsdax file", fsdax_truncate },
	{ "fsdax-punch", "punch a hole in an fsdax file", fsdax_punch },
	{ "devdax", "pin device-DAX pages (/dev/daxN.M)", devdax },
	{ "movable", "pin anonymous pages in ZONE_MOVABLE", movable },
	{ "hugetlb-movable", "pin a hugetlb page in ZONE_MOVABLE", hugetlb_movable },
	{ "longterm-of-pinned", "long-term pin of movable pages pinned before",
	  longterm_of_pinned },
	{ "cma", "pin anonymous pages in a CMA area", cma },
	{ "offline", "offline the memory block of the pages", offline },
	{ "move-pages", "move_pages() to another NUMA node", move_pages_ },
	{ "compaction", "compact the node of the pages", compaction },
	{ "fork", "fork(): the child's pages", fork_copy },
	{ "ksm", "KSM: merge identical pages", ksm },
};

const unsigned int gpt_nr_experiments = sizeof(gpt_experiments) / sizeof(gpt_experiments[0]);

const struct gpt_experiment *gpt_experiment_by_name(const char *name)
{
	for (unsigned int i = 0; i < gpt_nr_experiments; i++)
		if (!strcmp(gpt_experiments[i].name, name))
			return &gpt_experiments[i];
	return NULL;
}

const char *gpt_exp_mode_name(enum gpt_exp_mode mode)
{
	static const char *const names[] = {
		[GPT_EXP_RELEASED] = "released", [GPT_EXP_HELD] = "held",
		[GPT_EXP_LONGTERM] = "longterm",
	};

	return mode < GPT_EXP_MODES ? names[mode] : "?";
}

const char *gpt_exp_what_name(enum gpt_exp_what what)
{
	static const char *const names[] = {
		[GPT_EXP_NOT_RUN] = "not-run", [GPT_EXP_AT_ONCE] = "at-once",
		[GPT_EXP_WAITED] = "waited", [GPT_EXP_FAILED] = "failed",
		[GPT_EXP_REFUSED] = "refused", [GPT_EXP_MIGRATED] = "migrated",
		[GPT_EXP_IN_PLACE] = "in-place", [GPT_EXP_COPIED] = "copied",
		[GPT_EXP_SHARED] = "shared", [GPT_EXP_MERGED] = "merged",
		[GPT_EXP_NOT_MERGED] = "not-merged", [GPT_EXP_MOVED] = "moved",
		[GPT_EXP_NOT_MOVED] = "not-moved", [GPT_EXP_PINNED] = "pinned",
	};

	return what < GPT_EXP_WHAT_END ? names[what] : "?";
}

void gpt_exp_cell(const struct gpt_exp_result *r, char *buf, size_t len)
{
	switch (r->what) {
	case GPT_EXP_AT_ONCE:
		snprintf(buf, len, "at once, %.0f ms", r->op_ms);
		break;
	case GPT_EXP_WAITED:
		snprintf(buf, len, "waited %.0f ms", r->op_ms);
		break;
	case GPT_EXP_FAILED:
	case GPT_EXP_REFUSED:
		snprintf(buf, len, "%s %s", gpt_exp_what_name(r->what), gpt_errno_name(r->err));
		break;
	case GPT_EXP_NOT_MOVED:
		snprintf(buf, len, "not moved %u/%u%s%s", r->count, r->pages,
			 r->err ? " " : "", r->err ? gpt_errno_name(r->err) : "");
		break;
	case GPT_EXP_NOT_RUN:
		snprintf(buf, len, "n/a: see evidence");
		break;
	default:
		snprintf(buf, len, "%s %u/%u", gpt_exp_what_name(r->what), r->count, r->pages);
	}
}

void gpt_exp_run(const struct gpt_experiment *e, const struct gpt_exp_env *env,
		 enum gpt_exp_mode mode, struct gpt_exp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->pages = NPAGES;
	r->unpin_ms = -1;
	e->run(env, mode, r);
}
