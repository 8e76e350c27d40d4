// SPDX-License-Identifier: GPL-2.0
/*
 * gupctl bench: mm/gup_test.c's benchmarks through GPT_IOC_BENCH, swept
 * over memory x path x pages per call.  A figure is ns per page of the pin
 * loop (get) and of the release (put): median, min and max over SAMPLES
 * samples, each one timed window of one or more repeats.  The window
 * doubles until the spread ((max - min) / median) is within the target on
 * both, or the figure's time budget is spent: then the figure says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"
#include "gupctl.h"
#include "json.h"

#define SAMPLES		5
#define MAX_LIST	8
#define HUGE_SIZE	(2UL << 20)

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
};

struct figure {
	enum bench_mem mem;
	const struct bench_path *bp;
	uint32_t per_call;		/* 0: all in one call */
	uint64_t pages;
	unsigned int window;		/* repeats a sample */
	int thp_percent;		/* thp: the range in THPs; -1 */
	struct stat3 get, put;
	bool met;			/* both spreads within the target */
	int err;			/* BENCH's errno, or GUP's */
	uint32_t reason;
	double secs;			/* the figure took */
};

struct bench_args {
	const struct bench_path *paths[MAX_LIST];
	unsigned int nr_paths;
	enum bench_mem mems[BM_END];
	unsigned int nr_mems;
	uint32_t per_call[MAX_LIST];
	unsigned int nr_per_call;
	uint64_t size_mib;
	uint64_t flags;			/* FOLL_WRITE unless --read */
	double target;			/* spread, a fraction */
	double budget;			/* seconds a figure */
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

static struct stat3 stat3(double *v, unsigned int n)
{
	struct stat3 s;

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
 * The workload gup_test builds: @len bytes, every page written first.
 * NULL, with why in @why, when this memory cannot be had here.
 */
static char *map_mem(const struct bench_args *a, enum bench_mem m, size_t len,
		     char *why, size_t whylen)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS, fd = -1;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	char *p;

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
	/* THP wants 2 MiB alignment: map more, unmap the ends. */
	p = mmap(NULL, m <= BM_THP ? len + HUGE_SIZE : len, PROT_READ | PROT_WRITE, flags,
		 fd, 0);
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED) {
		snprintf(why, whylen, "mmap: %s", strerror(errno));
		return NULL;
	}
	if (m <= BM_THP) {
		char *q = (char *)(((uintptr_t)p + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1));

		if (q > p)
			munmap(p, (size_t)(q - p));
		munmap(q + len, (size_t)(p + HUGE_SIZE - q));
		p = q;
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

/* One figure: the window widened until the spread is within the target. */
static void measure(const struct bench_args *a, struct figure *f, char *addr)
{
	static struct gpt_bench_repeat rep[GPT_BENCH_MAX_REPEATS];
	double get[SAMPLES], put[SAMPLES], t0 = now_s();
	struct gpt_bench req = { .path = f->bp->path, .flags = f->bp->flags | a->flags,
				 .addr = (uintptr_t)addr, .nr_pages = f->pages,
				 .pages_per_call = f->per_call, .repeats = 1 };
	struct gpt_bench_result res;
	unsigned int k = 1;
	int ret;

	/* A warm-up repeat, which also says whether it works at all. */
	for (;;) {
		unsigned int short_ = 0;

		ret = gpt_bench(dev, &req, &res, rep);
		/* Every repeat must have pinned the whole range. */
		for (unsigned int i = 0; !ret && i < res.repeats; i++)
			short_ += rep[i].pinned != f->pages;
		if (ret || res.error || res.reason || res.repeats != req.repeats || short_) {
			f->err = ret ? -ret : res.error ? res.error : EIO;
			f->reason = res.reason;
			break;
		}
		if (req.repeats > 1) {
			for (unsigned int s = 0; s < SAMPLES; s++) {
				uint64_t g = 0, p = 0;

				for (unsigned int r = s * k; r < (s + 1) * k; r++) {
					g += rep[r].pin_ns;
					p += rep[r].release_ns;
				}
				get[s] = (double)g / ((double)k * (double)f->pages);
				put[s] = (double)p / ((double)k * (double)f->pages);
			}
			f->get = stat3(get, SAMPLES);
			f->put = stat3(put, SAMPLES);
			f->window = k;
			f->met = f->get.spread <= a->target && f->put.spread <= a->target;
			if (f->met || now_s() - t0 > a->budget ||
			    2 * k * SAMPLES > GPT_BENCH_MAX_REPEATS)
				break;
			k *= 2;
		}
		req.repeats = k * SAMPLES;
	}
	f->secs = now_s() - t0;
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

	fprintf(o, "ns per page, median ±spread ((max - min) / median) over %d samples, each a "
	       "window of repeats\nwidened until the spread is %.0f%% or less "
	       "(* where %.0f s a figure could not make it)\n", SAMPLES,
	       100 * a->target, a->budget);
	for (unsigned int m = 0; m < a->nr_mems; m++) {
		const struct figure *row = NULL;

		for (unsigned int i = 0; i < n && !row; i++)
			if (fig[i].mem == a->mems[m])
				row = &fig[i];
		if (!row)
			continue;
		fprintf(o, "\n%s, %" PRIu64 " pages", mem_texts[a->mems[m]], row->pages);
		if (row->thp_percent >= 0)
			fprintf(o, " (%d%% of them in THPs)", row->thp_percent);
		fprintf(o, "%s:\n", a->flags ? ", FOLL_WRITE" : "");
		for (int put = 0; put < 2; put++) {
			fprintf(o, "  %-14s", put ? "put (release)" : "get (pin)");
			for (unsigned int c = 0; c < a->nr_per_call; c++)
				fprintf(o, " %14s", per_call_name(a->per_call[c], num, sizeof(num)));
			fprintf(o, "\n");
			for (unsigned int p = 0; p < a->nr_paths; p++) {
				fprintf(o, "  %-14s", a->paths[p]->name);
				for (unsigned int i = 0; i < n; i++)
					if (fig[i].mem == a->mems[m] && fig[i].bp == a->paths[p])
						print_cell(o, &fig[i], put ? &fig[i].put : &fig[i].get);
				fprintf(o, "\n");
			}
		}
	}
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
	return j_set(o, "spread", json_object_new_double(s->spread));
}

static void print_json(FILE *out, const struct bench_args *a, const struct figure *fig,
		       unsigned int n)
{
	jobj *d = j_doc("bench"), *arr = json_object_new_array();

	j_set(d, "samples", j_u64(SAMPLES));
	j_set(d, "spread_target", json_object_new_double(a->target));
	for (unsigned int i = 0; i < n; i++) {
		const struct figure *f = &fig[i];
		jobj *o = json_object_new_object();

		j_set(o, "memory", j_str(mem_names[f->mem]));
		j_set(o, "path", j_str(f->bp->name));
		j_set(o, "in_tree", j_str(f->bp->in_tree));
		j_set(o, "flags", j_flags(f->bp->flags | a->flags));
		j_set(o, "pages", j_u64(f->pages));
		j_set(o, "thp_percent", f->thp_percent < 0 ? NULL : j_u64(f->thp_percent));
		j_set(o, "per_call", j_u64(f->per_call));
		j_set(o, "window_repeats", f->err ? NULL : j_u64(f->window));
		j_set(o, "get_ns_per_page", stat_json(&f->get, !f->err));
		j_set(o, "put_ns_per_page", stat_json(&f->put, !f->err));
		j_set(o, "target_met", j_bool(!f->err && f->met));
		j_set(o, "error", j_errno(f->err));
		j_set(o, "reason", j_reason(f->reason, 0));
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
		"put_median_ns,put_min_ns,put_max_ns,put_spread,target_met,error\n");
	for (unsigned int i = 0; i < n; i++) {
		const struct figure *x = &fig[i];

		fprintf(f, "%s,%s,%s,%d,%" PRIu64 ",%" PRIu32 ",%u,%d,", mem_names[x->mem],
			x->bp->name, x->bp->in_tree, a->flags ? 1 : 0, x->pages, x->per_call,
			x->window, SAMPLES);
		if (x->err)
			fprintf(f, ",,,,,,,,0,%s\n", gpt_errno_name(x->err));
		else
			fprintf(f, "%.2f,%.2f,%.2f,%.4f,%.2f,%.2f,%.2f,%.4f,%d,\n",
				x->get.median, x->get.min, x->get.max, x->get.spread,
				x->put.median, x->put.min, x->put.max, x->put.spread, x->met);
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
		if (i)
			print_json(f, a, fig, n);
		else
			print_tables(f, a, fig, n);
		if (fclose(f))
			ret = EXIT_SETUP;
	}
	return ret;
}

static int parse(int argc, char **argv, struct bench_args *a)
{
	static const struct option opts[] = {
		{ "path", required_argument, NULL, 'p' },
		{ "mem", required_argument, NULL, 'm' },
		{ "per-call", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "read", no_argument, NULL, 'r' },
		{ "spread", required_argument, NULL, 't' },
		{ "budget", required_argument, NULL, 'b' },
		{ "fsdax", required_argument, NULL, 'd' },
		{ "csv", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			for (v = 0; v < NR_PATHS && strcmp(optarg, bench_paths[v].name); v++)
				;
			if (v == NR_PATHS)
				return bad("bench: no path \"%s\" (gup-fast, pin-fast, "
					   "pin-longterm, gup, pin)", optarg);
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
			if (!parse_num("--size", optarg, 1, info.h.max_pages >> 8, &a->size_mib))
				return EXIT_USAGE;
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
		default:
			return bad("bench: unknown option");
		}
	}
	if (optind != argc)
		return bad("bench: unexpected \"%s\"", argv[optind]);
	return EXIT_ALL;
}

int cmd_bench(int argc, char **argv)
{
	static const uint32_t default_per_call[] = { 1, 8, 64, 512, 0 };
	static struct figure fig[MAX_LIST * BM_END * MAX_LIST];
	struct bench_args a = { .size_mib = 128, .flags = GPT_FLAG_WRITE, .target = 0.03,
				.budget = 2 };
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
	total = a.nr_mems * a.nr_paths * a.nr_per_call;
	for (unsigned int m = 0; m < a.nr_mems; m++) {
		enum bench_mem mem = a.mems[m];
		size_t len = (size_t)a.size_mib << 20;
		char why[160] = "";
		unsigned long long kib;
		char *p;

		if (mem == BM_HUGETLB && proc_value("/proc/meminfo", "HugePages_Free:") * HUGE_SIZE < len)
			len = proc_value("/proc/meminfo", "HugePages_Free:") * HUGE_SIZE;
		if (mem == BM_THP)
			thp = gpt_thp_allow();
		kib = proc_value("/proc/self/smaps_rollup", "AnonHugePages:");
		p = len ? map_mem(&a, mem, len, why, sizeof(why)) : NULL;
		kib = proc_value("/proc/self/smaps_rollup", "AnonHugePages:") - kib;
		if (!len)
			snprintf(why, sizeof(why), "no free huge pages (vm.nr_hugepages)");
		if (!p && !json)
			printf("%s: not measured: %s\n", mem_names[mem], why);
		if (!p)
			status = EXIT_SETUP;
		for (unsigned int i = 0; p && i < a.nr_paths; i++) {
			for (unsigned int c = 0; c < a.nr_per_call; c++) {
				struct figure *f = &fig[n++];
				char num[16];

				*f = (struct figure){ .mem = mem, .bp = a.paths[i],
						      .per_call = a.per_call[c],
						      .pages = len / (size_t)sysconf(_SC_PAGESIZE),
						      .thp_percent = mem == BM_THP ?
						      (int)(kib * 100 / (len >> 10)) : -1 };
				if (progress)
					fprintf(stderr, "\rbench %u/%u: %s %s, %s a call   ", n,
						total, mem_names[mem], f->bp->name,
						per_call_name(f->per_call, num, sizeof(num)));
				measure(&a, f, p);
				if (f->err && status == EXIT_ALL)
					status = EXIT_SHORT;
			}
		}
		if (p)
			munmap(p, len);
		if (thp)
			gpt_thp_never();
		thp = false;
	}
	if (progress)
		fprintf(stderr, "\r\033[K");
	if (json)
		print_json(stdout, &a, fig, n);
	else
		print_tables(stdout, &a, fig, n);
	if (a.csv && (ret = write_csv(a.csv, "wxe", &a, fig, n)))
		status = ret;
	if (a.out && (ret = write_out(&a, fig, n)))
		status = ret;
	return status;
}
