// SPDX-License-Identifier: GPL-2.0
/*
 * gupctl bench: mm/gup_test.c's benchmarks through GPT_IOC_BENCH, swept
 * over memory x path x pages per call.  A figure is ns per page of the pin
 * loop (get) and of the release (put): median, min and max over SAMPLES
 * samples, each the median repeat of a window of repeats.  The window
 * doubles until the spread ((max - min) / median) is within the target on
 * both, or the figure's time budget is spent: then the figure says so.
 * Why the median repeat: under TCG a repeat now and then takes 2 to 20
 * times as long (the host, an interrupt, a kernel thread run), and a
 * window's mean swings with how many it caught, by 8% for 1000 repeats;
 * its median by 1%.  The mean of every repeat is reported beside it.
 * --repeats R measures gup_test's way instead: R repeats, each a sample.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"
#include "gupctl.h"
#include "help.h"
#include "json.h"

#define SAMPLES		5
#define MAX_SAMPLES	100
#define MAX_THREADS	8
#define MAX_REPEATS	(1U << 16)	/* a figure's, over as many BENCH calls */
#define MAX_LIST	8
#define HUGE_SIZE	(2UL << 20)
#define GIB_SIZE	(1UL << 30)	/* what one PMD table maps */

/* The in-tree benchmarks first: gup_test -u, -a, -L. */
static const struct bench_path {
	const char *name;
	uint32_t path;
	uint64_t flags;
	const char *in_tree;	/* mm/gup_test.c's command */
} bench_paths[] = {
	{ "gup-fast", GPT_PATH_GUP_FAST, 0, "GUP_FAST_BENCHMARK" },
	{ "pin-fast", GPT_PATH_PIN_FAST, 0, "PIN_FAST_BENCHMARK" },
	{ "pin-longterm", GPT_PATH_PIN, GPT_FLAG_LONGTERM, "PIN_LONGTERM_BENCHMARK" },
	{ "gup", GPT_PATH_GUP, 0, "GUP_BASIC_TEST" },
	{ "pin", GPT_PATH_PIN, 0, "PIN_BASIC_TEST" },
	/* what PIN_LONGTERM costs on the fast path, which gup_test has not */
	{ "pin-fast-longterm", GPT_PATH_PIN_FAST, GPT_FLAG_LONGTERM, NULL },
};

#define NR_PATHS	(sizeof(bench_paths) / sizeof(bench_paths[0]))

enum bench_mem { BM_ANON, BM_THP, BM_HUGETLB, BM_FSDAX, BM_END };

static const char *const mem_names[BM_END] = { "anon", "thp", "hugetlb", "fsdax" };
static const char *const mem_texts[BM_END] = {
	"4 KiB anonymous pages (MADV_NOHUGEPAGE)", "anonymous THP (MADV_HUGEPAGE)",
	"hugetlb, 2 MiB pages (MAP_HUGETLB)", "fsdax file, MAP_SHARED",
};

struct stat3 {
	double median, min, max, spread;
	double mean;			/* of every repeat, not of the samples */
};

struct figure {
	enum bench_mem mem;
	const struct bench_path *bp;
	uint32_t per_call;		/* 0: all in one call */
	uint64_t pages;
	unsigned int window;		/* repeats a sample */
	int thp_percent;		/* thp: the range in THPs; -1 */
	bool shared_pmd;		/* two threads' ranges in one PMD table */
	struct stat3 get, put;
	bool met;			/* both spreads within the target */
	int err;			/* BENCH's errno, or GUP's */
	uint32_t reason;
	double secs;			/* the figure took */
	struct gpt_profile prof;	/* --profile: one repeat's call tree */
	int prof_err;
	char prof_why[96];
};

struct bench_args {
	const struct bench_path *paths[MAX_LIST];
	unsigned int nr_paths;
	enum bench_mem mems[BM_END];
	unsigned int nr_mems;
	uint32_t per_call[MAX_LIST];
	unsigned int nr_per_call;
	uint64_t sizes_mib[MAX_LIST];
	unsigned int nr_sizes;
	unsigned int threads;		/* pinning at once, a range each */
	unsigned int profile_depth;	/* --profile: function_graph this deep */
	uint64_t offset;		/* --offset: pages past a 2 MiB boundary */
	bool apart;			/* --apart: each range in a GiB of its own */
	uint64_t flags;			/* FOLL_WRITE unless --read */
	double target;			/* spread, a fraction */
	double budget;			/* seconds a figure */
	unsigned int samples;		/* SAMPLES, or --repeats */
	bool fixed;			/* --repeats: a window of one repeat */
	const char *fsdax, *csv;
	const char *out;		/* --out DIR: bench.txt, .csv, .json */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Of the samples; the mean of every repeat is the caller's to set. */
static struct stat3 stat3(double *v, unsigned int n)
{
	struct stat3 s = { 0 };

	qsort(v, n, sizeof(*v), cmp_double);
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.spread = s.median > 0 ? (s.max - s.min) / s.median : 0;
	return s;
}

/* The number after @key in @path (/proc/meminfo, smaps_rollup), or 0. */
static unsigned long long proc_value(const char *path, const char *key)
{
	unsigned long long v, n = 0;
	char line[256], k[64];
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu", k, &v) == 2 && !strcmp(k, key))
			n = v;
	fclose(f);
	return n;
}

/*
 * What a range of @len bytes maps: hugetlb rounds up to its page, and
 * munmap() of less than a huge page fails.
 */
static size_t map_len(enum bench_mem m, size_t len)
{
	return m == BM_HUGETLB ? (len + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1) : len;
}

/*
 * The workload gup_test builds: @len bytes, every page written first.
 * NULL, with why in @why, when this memory cannot be had here.
 */
static char *map_mem(const struct bench_args *a, enum bench_mem m, size_t len,
		     char *why, size_t whylen)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS, fd = -1, err;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), align, mlen = map_len(m, len);
	char *p, *r, *q;

	if (m == BM_HUGETLB)
		flags |= MAP_HUGETLB;
	if (m == BM_FSDAX) {
		fd = open(a->fsdax, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
		if (fd < 0 || ftruncate(fd, (off_t)len)) {
			snprintf(why, whylen, "an unnamed file in %s: %s", a->fsdax,
				 strerror(errno));
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		flags = MAP_SHARED;
	}
	/*
	 * THP wants 2 MiB alignment: reserve more, map in it, unmap the
	 * rest.  --offset starts the range that far past a boundary, as
	 * gup_test's unaligned mmap() of /dev/zero does: 4 KiB pages at both
	 * ends, a call of 512 pages over two THPs.  --apart aligns to 1 GiB,
	 * what one PMD table maps (x86-64, 4 KiB pages): each thread's range
	 * gets a table, and so a PMD lock, of its own.
	 */
	align = a->apart ? GIB_SIZE : m <= BM_THP ? HUGE_SIZE : 0;
	if (!align) {
		p = mmap(NULL, mlen, PROT_READ | PROT_WRITE, flags, fd, 0);
	} else {
		r = mmap(NULL, mlen + 2 * align, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		p = r;
		if (r != MAP_FAILED) {
			q = (char *)(((uintptr_t)r + align - 1) & ~(align - 1));
			if (m <= BM_THP)
				q += a->offset * ps;
			p = mmap(q, mlen, PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, 0);
			err = errno;
			munmap(r, (size_t)(q - r));
			munmap(q + mlen, (size_t)(r + mlen + 2 * align - (q + mlen)));
			if (p == MAP_FAILED)
				munmap(q, mlen);
			errno = err;
		}
	}
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED) {
		snprintf(why, whylen, "mmap: %s", strerror(errno));
		return NULL;
	}
	if (m <= BM_THP) {
		if (madvise(p, len, m == BM_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) &&
		    m == BM_THP) {
			snprintf(why, whylen, "no THP in this kernel");
			munmap(p, len);
			return NULL;
		}
	}
	for (size_t off = 0; off < len; off += ps)
		p[off] = 0;
	return p;
}

/*
 * Whether two of the @n ranges of @len bytes reach into one GiB, that is
 * one PMD table, whose lock (split PMD ptlocks: one per table) both then
 * take.
 */
static bool ranges_share_pmd(char *const *addr, unsigned int n, size_t len)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++) {
			uintptr_t a0 = (uintptr_t)addr[i] / GIB_SIZE;
			uintptr_t a1 = ((uintptr_t)addr[i] + len - 1) / GIB_SIZE;
			uintptr_t b0 = (uintptr_t)addr[j] / GIB_SIZE;
			uintptr_t b1 = ((uintptr_t)addr[j] + len - 1) / GIB_SIZE;

			if (a0 <= b1 && b0 <= a1)
				return true;
		}
	return false;
}

/*
 * One thread's repeats, req.repeats of them, in as many BENCH calls as
 * GPT_BENCH_MAX_REPEATS takes; res.repeats counts them all.  Every repeat
 * is checked.
 */
struct run {
	struct gpt_bench req;
	struct gpt_bench_result res;
	struct gpt_bench_repeat *rep;	/* MAX_REPEATS */
	pthread_barrier_t *start;
	int ret;
	unsigned int short_;		/* repeats that did not pin everything */
};

static void *run_one(void *arg)
{
	struct run *r = arg;
	struct gpt_bench req = r->req;
	struct gpt_bench_result res;
	uint32_t done = 0;

	if (r->start)
		pthread_barrier_wait(r->start);
	memset(&r->res, 0, sizeof(r->res));
	r->ret = 0;
	while (!r->ret && done < r->req.repeats) {
		req.repeats = r->req.repeats - done;
		if (req.repeats > GPT_BENCH_MAX_REPEATS)
			req.repeats = GPT_BENCH_MAX_REPEATS;
		r->ret = gpt_bench(dev, &req, &res, r->rep + done);
		done += res.repeats;
		r->res = res;
		r->res.repeats = done;
		if (r->ret || res.error || res.reason || res.repeats != req.repeats)
			break;
	}
	r->short_ = 0;
	for (unsigned int i = 0; !r->ret && i < r->res.repeats; i++)
		r->short_ += r->rep[i].pinned != r->req.nr_pages;
	return NULL;
}

/* @n threads call BENCH at once (released together), each on its range. */
static void run_all(struct run *runs, unsigned int n)
{
	pthread_t tid[MAX_THREADS];
	pthread_barrier_t start;
	unsigned int i;

	if (n == 1) {
		runs[0].start = NULL;
		run_one(&runs[0]);
		return;
	}
	pthread_barrier_init(&start, NULL, n);
	for (i = 0; i < n; i++) {
		runs[i].start = &start;
		if (pthread_create(&tid[i], NULL, run_one, &runs[i])) {
			runs[i].ret = -EAGAIN;
			break;
		}
	}
	/* A thread that could not start: nobody is released, so give up. */
	if (i < n) {
		fprintf(stderr, "gupctl: bench: cannot start %u threads\n", n);
		exit(EXIT_SETUP);
	}
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&start);
}

/* The median of @n values (reordered). */
static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One figure: the window widened until the spread is within the target. */
static void measure(const struct bench_args *a, struct figure *f, char *const *addr)
{
	static struct run runs[MAX_THREADS];
	static double wg[MAX_REPEATS], wp[MAX_REPEATS];
	double get[MAX_SAMPLES * MAX_THREADS], put[MAX_SAMPLES * MAX_THREADS], t0 = now_s();
	unsigned int k = 1, repeats = 1, nt = a->threads;
	bool warm = false;		/* the first call is the warm-up */

	for (unsigned int t = 0; t < nt; t++)
		if (!runs[t].rep && !(runs[t].rep = calloc(MAX_REPEATS, sizeof(*runs[t].rep)))) {
			f->err = ENOMEM;
			return;
		}
	/* A warm-up repeat, which also says whether it works at all. */
	for (;;) {
		unsigned int t, v = 0;

		for (t = 0; t < nt; t++)
			runs[t].req = (struct gpt_bench){ .path = f->bp->path,
				.flags = f->bp->flags | a->flags, .addr = (uintptr_t)addr[t],
				.nr_pages = f->pages, .pages_per_call = f->per_call,
				.repeats = repeats };
		run_all(runs, nt);
		for (t = 0; t < nt; t++) {
			struct run *r = &runs[t];

			if (r->ret || r->res.error || r->res.reason ||
			    r->res.repeats != repeats || r->short_) {
				f->err = r->ret ? -r->ret : r->res.error ? r->res.error : EIO;
				f->reason = r->res.reason;
				break;
			}
		}
		if (f->err)
			break;
		if (warm) {
			double pages = (double)f->pages, sg = 0, sp = 0;

			/* A sample: the median repeat of one thread's window of k. */
			for (t = 0; t < nt; t++) {
				for (unsigned int s = 0; s < a->samples; s++, v++) {
					for (unsigned int r = 0; r < k; r++) {
						const struct gpt_bench_repeat *x = &runs[t].rep[s * k + r];

						wg[r] = (double)x->pin_ns / pages;
						wp[r] = (double)x->release_ns / pages;
						sg += wg[r];
						sp += wp[r];
					}
					get[v] = median(wg, k);
					put[v] = median(wp, k);
				}
			}
			f->get = stat3(get, v);
			f->put = stat3(put, v);
			f->get.mean = sg / (double)(v * k);
			f->put.mean = sp / (double)(v * k);
			f->window = k;
			f->met = f->get.spread <= a->target && f->put.spread <= a->target;
			if (f->met || a->fixed || now_s() - t0 > a->budget ||
			    2 * k * a->samples > MAX_REPEATS)
				break;
			k *= 2;
		}
		repeats = k * a->samples;
		warm = true;
	}
	f->secs = now_s() - t0;
}

/* --profile: one more repeat, on the first range, under function_graph. */
static void profile(const struct bench_args *a, struct figure *f, char *addr)
{
	static struct gpt_bench_repeat rep[1];
	static struct run r = { .rep = rep };
	int err;

	r.req = (struct gpt_bench){ .path = f->bp->path, .flags = f->bp->flags | a->flags,
				    .addr = (uintptr_t)addr, .nr_pages = f->pages,
				    .pages_per_call = f->per_call, .repeats = 1 };
	err = gpt_profile_start("gpt_bench_once", a->profile_depth, f->prof_why,
				sizeof(f->prof_why));
	if (!err) {
		run_one(&r);
		err = gpt_profile_stop(&f->prof, f->prof_why, sizeof(f->prof_why));
		if (!err && (r.ret || r.short_)) {
			snprintf(f->prof_why, sizeof(f->prof_why), "the traced repeat failed");
			err = -EIO;
		}
	}
	f->prof_err = -err;
}

static const char *per_call_name(uint32_t n, char *buf, size_t len)
{
	if (n)
		snprintf(buf, len, "%" PRIu32, n);
	else
		snprintf(buf, len, "all");
	return buf;
}

static void print_cell(FILE *o, const struct figure *f, const struct stat3 *s)
{
	char cell[32];

	if (f->err)
		snprintf(cell, sizeof(cell), "%s", gpt_errno_name(f->err));
	else
		snprintf(cell, sizeof(cell), "%.1f ±%.1f%%%s", s->median, 100 * s->spread,
			 f->met ? "" : "*");
	fprintf(o, " %14s", cell);
}

static void print_tables(FILE *o, const struct bench_args *a, const struct figure *fig,
			 unsigned int n)
{
	char num[16];

	if (a->fixed)
		fprintf(o, "ns per page, median ±spread ((max - min) / median) over %u repeats, "
			"each a sample\n(gup_test's way: * where the spread is over %.0f%%)\n",
			a->samples * a->threads, 100 * a->target);
	else
		fprintf(o, "ns per page, median ±spread ((max - min) / median) over %u samples, "
			"each the median repeat of a window\nof repeats widened until the spread "
			"is %.0f%% or less (* where %.0f s a figure could not make it)\n",
			a->samples * a->threads, 100 * a->target, a->budget);
	for (unsigned int g = 0; g < n; g++) {
		const struct figure *row = &fig[g];

		/* A table for each memory and range: its first figure. */
		if (g && fig[g - 1].mem == row->mem && fig[g - 1].pages == row->pages)
			continue;
		fprintf(o, "\n%s, %" PRIu64 " pages", mem_texts[row->mem], row->pages);
		if (row->thp_percent >= 0)
			fprintf(o, " (%d%% of them in THPs)", row->thp_percent);
		if (a->threads > 1)
			fprintf(o, ", %u threads at once, a range each (%s)", a->threads,
				row->shared_pmd ? "two in one PMD table" :
				"no two in one PMD table");
		fprintf(o, "%s:\n", a->flags ? ", FOLL_WRITE" : "");
		for (int put = 0; put < 2; put++) {
			fprintf(o, "  %-17s", put ? "put (release)" : "get (pin)");
			for (unsigned int c = 0; c < a->nr_per_call; c++)
				fprintf(o, " %14s", per_call_name(a->per_call[c], num, sizeof(num)));
			fprintf(o, "\n");
			for (unsigned int p = 0; p < a->nr_paths; p++) {
				fprintf(o, "  %-17s", a->paths[p]->name);
				for (unsigned int i = g; i < n; i++)
					if (fig[i].mem == row->mem && fig[i].pages == row->pages &&
					    fig[i].bp == a->paths[p])
						print_cell(o, &fig[i], put ? &fig[i].put : &fig[i].get);
				fprintf(o, "\n");
			}
		}
	}
}

/* A call tree's nodes under @parent, the costliest first, down to 0.5%. */
static void print_nodes(FILE *o, const struct gpt_profile *p, int parent, uint64_t root_ns,
			uint64_t pages)
{
	bool *done = calloc(p->nr, sizeof(*done));

	for (;;) {
		int best = -1;

		for (unsigned int i = 0; done && i < p->nr; i++)
			if (p->nodes[i].parent == parent && !done[i] &&
			    (best < 0 || p->nodes[i].total_ns > p->nodes[best].total_ns))
				best = (int)i;
		if (best < 0)
			break;
		done[best] = true;
		const struct gpt_prof_node *x = &p->nodes[best];

		if (x->total_ns * 200 < root_ns)
			continue;
		fprintf(o, "  %9" PRIu64 " %10.3f %10.3f %9.1f %6.1f%%  %*s%s\n", x->calls,
			(double)x->total_ns / 1e6, x->total_ns > x->child_ns ?
			(double)(x->total_ns - x->child_ns) / 1e6 : 0.0,
			(double)x->total_ns / (double)pages, 100.0 * (double)x->total_ns /
			(double)root_ns, (int)(2 * x->depth), "", x->name);
		print_nodes(o, p, best, root_ns, pages);
	}
	free(done);
}

static void print_profiles(FILE *o, const struct bench_args *a, const struct figure *fig,
			   unsigned int n)
{
	char num[16];

	for (unsigned int i = 0; a->profile_depth && i < n; i++) {
		const struct figure *f = &fig[i];
		uint64_t root = 0;

		if (f->err)
			continue;
		fprintf(o, "\nwhere the time goes: %s, %s, %s pages a call, %" PRIu64 " pages: ",
			f->bp->name, mem_names[f->mem], per_call_name(f->per_call, num, sizeof(num)),
			f->pages);
		if (f->prof_err) {
			fprintf(o, "no profile: %s\n", f->prof_why);
			continue;
		}
		for (unsigned int j = 0; j < f->prof.nr; j++)
			if (f->prof.nodes[j].parent < 0)
				root += f->prof.nodes[j].total_ns;
		fprintf(o, "one repeat under function_graph, %u deep (times include the "
			"tracer's own%s)\n", a->profile_depth, f->prof.lost ? "; EVENTS LOST" : "");
		fprintf(o, "  %9s %10s %10s %9s %7s  %s\n", "calls", "total ms", "self ms",
			"ns/page", "share", "function");
		if (root)
			print_nodes(o, &f->prof, -1, root, f->pages);
	}
}

static jobj *profile_json(const struct figure *f)
{
	jobj *o, *arr;

	if (f->err || (!f->prof_err && !f->prof.nr))
		return NULL;
	o = json_object_new_object();
	j_set(o, "error", j_errno(f->prof_err));
	j_set(o, "why", f->prof_err ? j_str(f->prof_why) : NULL);
	j_set(o, "lost_events", j_u64(f->prof.lost));
	arr = json_object_new_array();
	for (unsigned int i = 0; i < f->prof.nr; i++) {
		const struct gpt_prof_node *x = &f->prof.nodes[i];
		jobj *e = json_object_new_object();

		j_set(e, "function", j_str(x->name));
		j_set(e, "parent", x->parent < 0 ? NULL : j_u64((uint64_t)x->parent));
		j_set(e, "depth", j_u64(x->depth));
		j_set(e, "calls", j_u64(x->calls));
		j_set(e, "total_ns", j_u64(x->total_ns));
		json_object_array_add(arr, j_set(e, "self_ns", j_u64(x->total_ns > x->child_ns ?
						x->total_ns - x->child_ns : 0)));
	}
	return j_set(o, "nodes", arr);
}

static jobj *stat_json(const struct stat3 *s, bool ok)
{
	jobj *o;

	if (!ok)
		return NULL;
	o = json_object_new_object();
	j_set(o, "median", json_object_new_double(s->median));
	j_set(o, "min", json_object_new_double(s->min));
	j_set(o, "max", json_object_new_double(s->max));
	j_set(o, "mean", json_object_new_double(s->mean));
	return j_set(o, "spread", json_object_new_double(s->spread));
}

static void print_json(FILE *out, const struct bench_args *a, const struct figure *fig,
		       unsigned int n)
{
	jobj *d = j_doc("bench"), *arr = json_object_new_array();

	j_set(d, "samples", j_u64(a->samples));
	j_set(d, "spread_target", json_object_new_double(a->target));
	j_set(d, "threads", j_u64(a->threads));
	j_set(d, "apart", j_bool(a->apart));
	j_set(d, "profile_depth", a->profile_depth ? j_u64(a->profile_depth) : NULL);
	for (unsigned int i = 0; i < n; i++) {
		const struct figure *f = &fig[i];
		jobj *o = json_object_new_object();

		j_set(o, "memory", j_str(mem_names[f->mem]));
		j_set(o, "path", j_str(f->bp->name));
		j_set(o, "in_tree", f->bp->in_tree ? j_str(f->bp->in_tree) : NULL);
		j_set(o, "flags", j_flags(f->bp->flags | a->flags));
		j_set(o, "pages", j_u64(f->pages));
		j_set(o, "thp_percent", f->thp_percent < 0 ? NULL : j_u64(f->thp_percent));
		j_set(o, "shared_pmd_table", j_bool(f->shared_pmd));
		j_set(o, "per_call", j_u64(f->per_call));
		j_set(o, "window_repeats", f->err ? NULL : j_u64(f->window));
		j_set(o, "get_ns_per_page", stat_json(&f->get, !f->err));
		j_set(o, "put_ns_per_page", stat_json(&f->put, !f->err));
		j_set(o, "target_met", j_bool(!f->err && f->met));
		j_set(o, "error", j_errno(f->err));
		j_set(o, "reason", j_reason(f->reason, 0));
		j_set(o, "profile", profile_json(f));
		json_object_array_add(arr, j_set(o, "seconds", json_object_new_double(f->secs)));
	}
	j_fprint(out, j_set(d, "figures", arr));
}

static int write_csv(const char *path, const char *mode, const struct bench_args *a,
		     const struct figure *fig, unsigned int n)
{
	FILE *f = fopen(path, mode);

	if (!f) {
		fprintf(stderr, "gupctl: %s: %s%s\n", path, strerror(errno),
			*mode == 'w' && mode[1] == 'x' ? " (never overwritten)" : "");
		return EXIT_SETUP;
	}
	fprintf(f, "memory,path,in_tree,write,pages,per_call,window_repeats,samples,"
		"get_median_ns,get_min_ns,get_max_ns,get_spread,"
		"put_median_ns,put_min_ns,put_max_ns,put_spread,target_met,error,threads,"
		"get_mean_ns,put_mean_ns,shared_pmd_table\n");
	for (unsigned int i = 0; i < n; i++) {
		const struct figure *x = &fig[i];

		fprintf(f, "%s,%s,%s,%d,%" PRIu64 ",%" PRIu32 ",%u,%d,", mem_names[x->mem],
			x->bp->name, x->bp->in_tree ? x->bp->in_tree : "", a->flags ? 1 : 0,
			x->pages, x->per_call,
			x->window, a->samples);
		if (x->err)
			fprintf(f, ",,,,,,,,0,%s,%u,,,%d\n", gpt_errno_name(x->err), a->threads,
				x->shared_pmd);
		else
			fprintf(f, "%.2f,%.2f,%.2f,%.4f,%.2f,%.2f,%.2f,%.4f,%d,,%u,%.2f,%.2f,%d\n",
				x->get.median, x->get.min, x->get.max, x->get.spread,
				x->put.median, x->put.min, x->put.max, x->put.spread, x->met,
				a->threads, x->get.mean, x->put.mean, x->shared_pmd);
	}
	return fclose(f) ? EXIT_SETUP : EXIT_ALL;
}

/* --out DIR: the table, the CSV and the JSON document, for make bench. */
static int write_out(const struct bench_args *a, const struct figure *fig, unsigned int n)
{
	char path[4096];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/bench.csv", a->out);
	ret = write_csv(path, "we", a, fig, n);
	for (int i = 0; !ret && i < 2; i++) {
		snprintf(path, sizeof(path), "%s/bench.%s", a->out, i ? "json" : "txt");
		f = fopen(path, "we");
		if (!f) {
			fprintf(stderr, "gupctl: %s: %s\n", path, strerror(errno));
			return EXIT_SETUP;
		}
		if (i) {
			print_json(f, a, fig, n);
		} else {
			print_tables(f, a, fig, n);
			print_profiles(f, a, fig, n);
		}
		if (fclose(f))
			ret = EXIT_SETUP;
	}
	return ret;
}

static int parse(int argc, char **argv, struct bench_args *a)
{
	struct option opts[33];
	uint64_t v;
	int c;

	help_getopt("bench", opts, sizeof(opts) / sizeof(opts[0]));
	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			for (v = 0; v < NR_PATHS && strcmp(optarg, bench_paths[v].name); v++)
				;
			if (v == NR_PATHS)
				return bad("bench: no path \"%s\" (gup-fast, pin-fast, "
					   "pin-longterm, gup, pin, pin-fast-longterm)", optarg);
			if (a->nr_paths == MAX_LIST)
				return bad("bench: at most %d paths", MAX_LIST);
			a->paths[a->nr_paths++] = &bench_paths[v];
			break;
		case 'm':
			for (v = 0; v < BM_END && strcmp(optarg, mem_names[v]); v++)
				;
			if (v == BM_END)
				return bad("bench: no memory \"%s\" (anon, thp, hugetlb, fsdax)",
					   optarg);
			if (a->nr_mems == BM_END)
				return bad("bench: each memory once");
			a->mems[a->nr_mems++] = (enum bench_mem)v;
			break;
		case 'n':
			if (!parse_num("--per-call", optarg, 0, UINT32_MAX, &v))
				return EXIT_USAGE;
			if (a->nr_per_call == MAX_LIST)
				return bad("bench: at most %d --per-call", MAX_LIST);
			a->per_call[a->nr_per_call++] = (uint32_t)v;
			break;
		case 's':
			if (!parse_num("--size", optarg, 1, info.h.max_pages >> 8, &v))
				return EXIT_USAGE;
			if (a->nr_sizes == MAX_LIST)
				return bad("bench: at most %d --size", MAX_LIST);
			a->sizes_mib[a->nr_sizes++] = v;
			break;
		case 'T':
			if (!parse_num("--threads", optarg, 1, MAX_THREADS, &v))
				return EXIT_USAGE;
			a->threads = (unsigned int)v;
			break;
		case 'P':
			v = 6;
			if (optarg && !parse_num("--profile", optarg, 1, GPT_PROF_DEPTH - 1, &v))
				return EXIT_USAGE;
			a->profile_depth = (unsigned int)v;
			break;
		case 'r':
			a->flags = 0;
			break;
		case 't':
			if (!parse_num("--spread", optarg, 1, 100, &v))
				return EXIT_USAGE;
			a->target = (double)v / 100;
			break;
		case 'b':
			if (!parse_num("--budget", optarg, 1, 3600, &v))
				return EXIT_USAGE;
			a->budget = (double)v;
			break;
		case 'd':
			a->fsdax = optarg;
			break;
		case 'c':
			a->csv = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'A':
			a->apart = true;
			break;
		case 'O':
			if (!parse_num("--offset", optarg, 0, HUGE_SIZE / 4096 - 1, &a->offset))
				return EXIT_USAGE;
			break;
		case 'R':
			if (!parse_num("--repeats", optarg, 1, MAX_SAMPLES, &v))
				return EXIT_USAGE;
			a->samples = (unsigned int)v;
			a->fixed = true;
			break;
		default:
			return bad("bench: unknown option");
		}
	}
	if (optind != argc)
		return bad("bench: unexpected \"%s\"", argv[optind]);
	return EXIT_ALL;
}

void bench_names(FILE *to, bool paths)
{
	for (size_t i = 0; i < (paths ? NR_PATHS : BM_END); i++)
		fprintf(to, "%s\n", paths ? bench_paths[i].name : mem_names[i]);
}

int cmd_bench(int argc, char **argv)
{
	static const uint32_t default_per_call[] = { 1, 8, 64, 512, 0 };
	static struct figure fig[MAX_LIST * BM_END * MAX_LIST * MAX_LIST];
	struct bench_args a = { .flags = GPT_FLAG_WRITE, .target = 0.03, .budget = 2,
				.samples = SAMPLES, .threads = 1 };
	bool progress = !json && isatty(2), thp = false;
	unsigned int n = 0, total;
	int status = EXIT_ALL, ret;

	open_dev();
	ret = parse(argc, argv, &a);
	if (ret)
		return ret;
	if (!a.nr_paths)
		for (a.nr_paths = 0; a.nr_paths < 3; a.nr_paths++)
			a.paths[a.nr_paths] = &bench_paths[a.nr_paths];
	if (!a.nr_mems) {
		a.mems[a.nr_mems++] = BM_ANON;
		a.mems[a.nr_mems++] = BM_THP;
		a.mems[a.nr_mems++] = BM_HUGETLB;
		if (a.fsdax)
			a.mems[a.nr_mems++] = BM_FSDAX;
	}
	for (unsigned int m = 0; m < a.nr_mems; m++)
		if (a.mems[m] == BM_FSDAX && !a.fsdax)
			return bad("bench: --mem fsdax needs --fsdax DIR");
	if (!a.nr_per_call) {
		memcpy(a.per_call, default_per_call, sizeof(default_per_call));
		a.nr_per_call = 5;
	}
	if (!a.nr_sizes)
		a.sizes_mib[a.nr_sizes++] = 128;
	total = a.nr_mems * a.nr_sizes * a.nr_paths * a.nr_per_call;
	for (unsigned int m = 0; m < a.nr_mems; m++) {
		enum bench_mem mem = a.mems[m];

		if (mem == BM_THP)
			thp = gpt_thp_allow();
		for (unsigned int z = 0; z < a.nr_sizes; z++) {
			size_t len = (size_t)a.sizes_mib[z] << 20;
			char *addr[MAX_THREADS] = { NULL };
			unsigned long long kib, free_huge;
			char why[160] = "";
			unsigned int t;
			bool shared;

			free_huge = proc_value("/proc/meminfo", "HugePages_Free:") * HUGE_SIZE;
			/* One range: as much as there is; a sweep of ranges: not this one. */
			if (mem == BM_HUGETLB && free_huge < map_len(mem, len) * a.threads)
				len = a.nr_sizes == 1 ? free_huge / a.threads & ~(HUGE_SIZE - 1) : 0;
			kib = proc_value("/proc/self/smaps_rollup", "AnonHugePages:");
			for (t = 0; len && t < a.threads; t++) {
				addr[t] = map_mem(&a, mem, len, why, sizeof(why));
				if (!addr[t])
					break;
			}
			kib = proc_value("/proc/self/smaps_rollup", "AnonHugePages:") - kib;
			if (!len)
				snprintf(why, sizeof(why), "%llu MiB of free huge pages for %" PRIu64
					 " MiB x %u (vm.nr_hugepages)", free_huge >> 20,
					 a.sizes_mib[z], a.threads);
			if (t < a.threads) {
				if (!json)
					printf("%s: not measured: %s\n", mem_names[mem], why);
				status = EXIT_SETUP;
			}
			shared = t == a.threads && ranges_share_pmd(addr, a.threads, len);
			for (unsigned int i = 0; t == a.threads && i < a.nr_paths; i++) {
				for (unsigned int c = 0; c < a.nr_per_call; c++) {
					struct figure *f = &fig[n++];
					char num[16];

					*f = (struct figure){ .mem = mem, .bp = a.paths[i],
						.per_call = a.per_call[c],
						.pages = len / (size_t)sysconf(_SC_PAGESIZE),
						.thp_percent = mem == BM_THP ? (int)(kib * 100 /
							(len * a.threads >> 10)) : -1,
						.shared_pmd = shared };
					if (progress)
						fprintf(stderr, "\rbench %u/%u: %s %s, %s a call   ", n,
							total, mem_names[mem], f->bp->name,
							per_call_name(f->per_call, num, sizeof(num)));
					measure(&a, f, addr);
					if (!f->err && a.profile_depth)
						profile(&a, f, addr[0]);
					if (f->err && status == EXIT_ALL)
						status = EXIT_SHORT;
				}
			}
			for (t = 0; t < a.threads; t++)
				if (addr[t])
					munmap(addr[t], map_len(mem, len));
		}
		if (thp)
			gpt_thp_never();
		thp = false;
	}
	if (progress)
		fprintf(stderr, "\r\033[K");
	if (json) {
		print_json(stdout, &a, fig, n);
	} else {
		print_tables(stdout, &a, fig, n);
		print_profiles(stdout, &a, fig, n);
	}
	if (a.csv && (ret = write_csv(a.csv, "wxe", &a, fig, n)))
		status = ret;
	if (a.out && (ret = write_out(&a, fig, n)))
		status = ret;
	for (unsigned int i = 0; i < n; i++)
		gpt_profile_free(&fig[i].prof);
	return status;
}
