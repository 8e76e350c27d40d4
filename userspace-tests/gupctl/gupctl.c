// SPDX-License-Identifier: GPL-2.0
/*
 * gupctl: ad-hoc experiments with /dev/gup_test.  See usage() and the
 * README.  Held pins belong to the open file, so they live as long as one
 * gupctl process: "pin --hold" shows and releases them in one go, and
 * "session" keeps them across commands read from standard input.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "bench.h"
#include "coherence.h"
#include "coherence_table.h"
#include "experiment.h"
#include "gpt.h"
#include "gupctl.h"
#include "help.h"
#include "json.h"
#include "drivers.h"
#include "drivers_cmd.h"

#define MAX_HOLDS	64
#define MAX_ARGS	32

bool json;
int dev = -1;
/* Where kind:KIND and matrix put file-backed memory (the test VM's mounts). */
static const struct gpt_dirs default_dirs = { "/mnt/dax", "/mnt/ext4", "/tmp" };
struct gpt_modinfo info;
/* Per-page records of one pin; a table shows at most SHOW_PAGES. */
#define SHOW_PAGES	16

/* Mappings behind the holds of a session, unmapped at UNPIN. */
static struct {
	uint64_t handle;
	struct gpt_mem mem;
} holds[MAX_HOLDS];

/* A usage error: what is wrong, on stderr, and EXIT_USAGE. */
int bad(const char *fmt, ...)
{
	va_list ap;

	fputs("gupctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (gupctl --help)\n", stderr);
	return EXIT_USAGE;
}

/* Opens the device and reads INFO once; exits if there is no module. */
void open_dev(void)
{
	int err;

	if (dev >= 0)
		return;
	dev = gpt_open();
	if (dev < 0) {
		fprintf(stderr, "gupctl: %s: %s (is gup_pin_test.ko loaded?)\n",
			GPT_DEVICE, strerror(-dev));
		exit(EXIT_SETUP);
	}
	err = gpt_get_info(dev, &info);
	if (err) {
		fprintf(stderr, "gupctl: INFO: %s\n", strerror(-err));
		exit(EXIT_SETUP);
	}
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	/* strtoull() takes "-1" and " 1": a number here starts with a digit. */
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

/* @s as a number from @min to @max for option @opt, or says why not. */
bool parse_num(const char *opt, const char *s, uint64_t min, uint64_t max,
	       uint64_t *v)
{
	if (parse_u64(s, v) && *v >= min && *v <= max)
		return true;
	bad("%s \"%s\": want a number from %" PRIu64 " to %" PRIu64, opt, s, min, max);
	return false;
}

/* Flags a path refuses, with the reason, in @fmt's shape. */
static void refused_list(const struct gpt_path_info *p, char *buf, size_t len,
			 const char *fmt)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int bit = 0; bit < 64 && used < len; bit++) {
		uint32_t reason = gpt_path_refuses(&info, p->path, 1ULL << bit);

		if (!reason)
			continue;
		used += (size_t)snprintf(buf + used, len - used, fmt,
					 used ? ", " : "", gpt_flag_name(bit),
					 gpt_reason_name(reason));
	}
}

/*
 * This gupctl's version and uapi, and the loaded module's: a tool and a
 * module of different uapis may not understand each other (a warning on
 * stderr; the status stays 0: asking is not failing).
 */
static int cmd_version(void)
{
	int fd = gpt_open(), err;
	struct gpt_modinfo mi;

	printf("gupctl %s, uapi %d\n", GPT_TOOL_VERSION, GPT_UAPI_VERSION);
	if (fd < 0) {
		printf("module   %s (%s: %s)\n", fd == -ENOENT ? "not loaded" : "unknown",
		       GPT_DEVICE, strerror(-fd));
		return EXIT_ALL;
	}
	err = gpt_get_info(fd, &mi);
	close(fd);
	if (err) {
		printf("module   %s: INFO: %s\n", GPT_DEVICE, strerror(-err));
		return EXIT_ALL;
	}
	printf("module   gup_pin_test %s, uapi %u, on %s\n", mi.h.module_version,
	       mi.h.uapi_version, mi.h.release);
	if (mi.h.uapi_version != GPT_UAPI_VERSION || strcmp(mi.h.module_version, GPT_TOOL_VERSION))
		fprintf(stderr, "gupctl: warning: the loaded module is gup_pin_test %s (uapi %u), "
			"this gupctl is %s (uapi %d): install the same version of both\n",
			mi.h.module_version, mi.h.uapi_version, GPT_TOOL_VERSION, GPT_UAPI_VERSION);
	gpt_modinfo_free(&mi);
	return EXIT_ALL;
}

/*
 * Words for the bash completion (gupctl.bash), one a line: commands,
 * options COMMAND, paths (the loaded module's; none without it), kinds,
 * bench-paths, bench-mems, experiments, events, coh-mems, pins, profiles,
 * accounts.
 */
static int cmd_complete(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	struct gpt_modinfo mi;
	int fd;

	if (!strcmp(what, "commands") && argc == 2) {
		help_names(stdout, NULL);
	} else if (!strcmp(what, "options") && argc == 3) {
		help_names(stdout, argv[2]);
	} else if (!strcmp(what, "paths") && argc == 2) {
		fd = gpt_open();
		if (fd >= 0 && !gpt_get_info(fd, &mi)) {
			for (uint32_t i = 0; i < mi.h.nr_paths; i++)
				printf("%s\n%s\n", mi.paths[i].name, mi.paths[i].function);
			gpt_modinfo_free(&mi);
		}
		if (fd >= 0)
			close(fd);
	} else if (!strcmp(what, "kinds") && argc == 2) {
		for (int k = 0; k < GPT_MEM_END; k++)
			printf("%s\n", gpt_kind_name((enum gpt_mem_kind)k));
	} else if (!strcmp(what, "bench-paths") && argc == 2) {
		bench_names(stdout, true);
	} else if (!strcmp(what, "bench-mems") && argc == 2) {
		bench_names(stdout, false);
	} else if (!strcmp(what, "experiments") && argc == 2) {
		printf("list\nall\ncoherence\n");
		for (unsigned int i = 0; i < gpt_nr_experiments; i++)
			printf("%s\n", gpt_experiments[i].name);
	} else if (!strcmp(what, "events") && argc == 2) {
		for (int e = 0; e < GPT_COH_EVENTS; e++)
			printf("%s\n", gpt_coh_event_name((enum gpt_coh_event)e));
	} else if (!strcmp(what, "coh-mems") && argc == 2) {
		for (int m = 0; m < GPT_COH_MEMS; m++)
			printf("%s\n", gpt_coh_mem_name((enum gpt_coh_mem)m));
	} else if (!strcmp(what, "pins") && argc == 2) {
		for (unsigned int p = 0; p < GPT_COH_PINS; p++)
			printf("%s\n", gpt_coh_pin_name(p));
	} else if (!strcmp(what, "profiles") && argc == 2) {
		for (const char *const *n = gpt_driver_names(); *n; n++)
			printf("%s\n", *n);
	} else if (!strcmp(what, "accounts") && argc == 2) {
		for (int a = GPT_ACCOUNT_NONE; a < GPT_ACCOUNT_END; a++)
			printf("%s\n", gpt_account_name((uint32_t)a));
	} else {
		return bad("--complete: commands, options COMMAND, paths, kinds, bench-paths, "
			   "bench-mems, experiments, events, coh-mems, pins, profiles or accounts");
	}
	return EXIT_ALL;
}

static int cmd_info(void)
{
	char flags[128], refused[256];

	open_dev();
	gpt_flags_format(info.h.flags, flags, sizeof(flags));
	if (json) {
		jobj *d = j_doc("info"), *paths = json_object_new_array();

		j_set(d, "uapi_version", j_u64(info.h.uapi_version));
		j_set(d, "release", j_str(info.h.release));
		j_set(d, "module_version", j_str(info.h.module_version));
		j_set(d, "flags", j_flags(info.h.flags));
		j_set(d, "max_pages", j_u64(info.h.max_pages));
		j_set(d, "max_held_pages", j_u64(info.h.max_held_pages));
		for (uint32_t i = 0; i < info.h.nr_paths; i++) {
			const struct gpt_path_info *p = &info.paths[i];
			jobj *o = json_object_new_object(), *refusals = json_object_new_object();

			for (unsigned int bit = 0; bit < 64; bit++) {
				uint32_t reason = gpt_path_refuses(&info, p->path, 1ULL << bit);

				if (reason)
					j_set(refusals, gpt_flag_name(bit), j_reason(reason, GPT_HOW_MODULE));
			}
			j_set(o, "id", j_u64(p->path));
			j_set(o, "name", j_str(p->name));
			j_set(o, "function", j_str(p->function));
			j_set(o, "usable", j_bool(!p->reason));
			j_set(o, "reason", j_reason(p->reason, GPT_HOW_MODULE));
			j_set(o, "flags", j_flags(p->flags));
			j_set(o, "refused_flags", refusals);
			json_object_array_add(paths, o);
		}
		j_print(j_set(d, "paths", paths));
		return 0;
	}
	printf("module   gup_pin_test %s, uapi %u\n", info.h.module_version,
	       info.h.uapi_version);
	printf("kernel   %s\n", info.h.release);
	printf("flags    %s\n", flags);
	printf("limits   %" PRIu64 " pages a request, %" PRIu64 " held per open file\n\n",
	       (uint64_t)info.h.max_pages, (uint64_t)info.h.max_held_pages);
	printf("%-14s %-25s %-7s %-41s %s\n", "PATH", "FUNCTION", "USABLE",
	       "FLAGS", "REFUSED FLAGS (REASON)");
	for (uint32_t i = 0; i < info.h.nr_paths; i++) {
		const struct gpt_path_info *p = &info.paths[i];

		gpt_flags_format(p->flags, flags, sizeof(flags));
		refused_list(p, refused, sizeof(refused), "%s%s (%s)");
		printf("%-14s %-25s %-7s %-41s %s\n", p->name, p->function,
		       p->reason ? gpt_reason_name(p->reason) : "yes", flags,
		       refused[0] ? refused : "-");
	}
	return 0;
}

/* "pfn refcount(delta)" of one sample, "-" if nothing was there. */
static void sample_cell(const struct gpt_page_sample *s,
			const struct gpt_page_sample *base, char *buf, size_t len)
{
	char delta[24] = "";

	if (!(s->flags & GPT_PAGE_PRESENT)) {
		snprintf(buf, len, "-");
		return;
	}
	if (base && (base->flags & GPT_PAGE_PRESENT) && base->pfn == s->pfn &&
	    s->refcount != base->refcount)
		snprintf(delta, sizeof(delta), "(%+" PRId64 ")",
			 (int64_t)(s->refcount - base->refcount));
	snprintf(buf, len, "%#" PRIx64 " %" PRId64 "%s", (uint64_t)s->pfn,
		 (int64_t)s->refcount, delta);
}

static void print_pages(const struct gpt_page_record *rec, uint64_t n)
{
	printf("pages    PFN and refcount (delta against before), the pinned page's kind and flags\n");
	printf("  %-5s %-22s %-22s %-22s %s\n", "PAGE", "BEFORE", "PINNED", "AFTER",
	       "KIND FLAGS");
	for (uint64_t i = 0; i < n && i < SHOW_PAGES; i++) {
		const struct gpt_page_sample *shown = rec[i].pinned.flags ?
			&rec[i].pinned : &rec[i].before;
		char b[48], p[48], a[48], flags[200];

		sample_cell(&rec[i].before, NULL, b, sizeof(b));
		sample_cell(&rec[i].pinned, &rec[i].before, p, sizeof(p));
		sample_cell(&rec[i].after, &rec[i].before, a, sizeof(a));
		gpt_sample_flags_format(shown->flags, flags, sizeof(flags));
		printf("  %-5" PRIu64 " %-22s %-22s %-22s %s %s\n", i, b, p, a,
		       gpt_page_kind_name(shown->kind), flags);
	}
	if (n > SHOW_PAGES)
		printf("  ... %" PRIu64 " more pages (--json has them all)\n",
		       n - SHOW_PAGES);
}

/* The JSON of a PIN: the request, and its result unless the module refused it. */
static jobj *pin_json(const struct gpt_pin *q, const struct gpt_pin_result *r,
		      const struct gpt_page_record *rec, const char *mem, int ret, int kdamonds)
{
	const struct gpt_path_info *p = gpt_path_by_id(&info, q->path);
	jobj *d = j_doc("pin"), *req = json_object_new_object(), *res, *pages, *v;

	j_set(req, "path", j_str(p ? p->name : "?"));
	j_set(req, "function", j_str(p ? p->function : "?"));
	j_set(req, "flags", j_flags(q->flags));
	j_set(req, "memory", j_str(mem));
	j_set(req, "addr", j_u64(q->addr));
	j_set(req, "pages", j_u64(q->nr_pages));
	j_set(req, "pid", q->pid ? j_s64(q->pid) : NULL);
	j_set(req, "account", j_str(gpt_account_name(q->account)));
	j_set(d, "request", req);
	j_set(d, "ioctl_error", j_errno(-ret));
	j_set(d, "reason", j_reason(r->reason, r->reason_how));
	j_set(d, "kdamonds", j_u64(kdamonds > 0 ? (uint64_t)kdamonds : 0));
	/* --hold: the held pages and their release, filled in by cmd_pin() */
	j_set(d, "hold", NULL);
	j_set(d, "unpin", NULL);
	if (ret)
		return j_set(d, "result", NULL);
	res = json_object_new_object();
	j_set(res, "pinned", j_u64(r->pinned));
	j_set(res, "released", j_u64(r->released));
	j_set(res, "calls", j_u64(r->calls));
	j_set(res, "gup_error", j_errno(r->error));
	j_set(res, "error_index", r->error ? j_u64(r->error_index) : NULL);
	j_set(res, "unchanged", r->handle ? NULL : j_u64(r->unchanged));
	j_set(res, "first_changed", r->handle || r->first_changed >= q->nr_pages ? NULL :
	      j_u64(r->first_changed));
	j_set(res, "handle", r->handle ? j_u64(r->handle) : NULL);
	j_set(res, "memlock_charged", j_u64(r->memlock_charged));
	j_set(res, "pin_ns", j_u64(r->pin_ns));
	j_set(res, "release_ns", r->handle ? NULL : j_u64(r->release_ns));
	v = json_object_new_object();
	j_set(v, "acquired", j_s64(r->sys_vmstat_pinned.acquired));
	j_set(res, "sys_vmstat_pinned", j_set(v, "released", j_s64(r->sys_vmstat_pinned.released)));
	v = NULL;
	if (!r->handle) {
		v = json_object_new_object();
		j_set(v, "acquired", j_s64(r->sys_vmstat_after.acquired));
		j_set(v, "released", j_s64(r->sys_vmstat_after.released));
	}
	j_set(res, "sys_vmstat_after", v);
	pages = json_object_new_array();
	for (uint64_t i = 0; rec && i < r->nr_records; i++) {
		jobj *o = json_object_new_object();

		j_set(o, "index", j_u64(i));
		j_set(o, "before", j_sample(&rec[i].before));
		j_set(o, "pinned", j_sample(&rec[i].pinned));
		json_object_array_add(pages, j_set(o, "after", j_sample(&rec[i].after)));
	}
	j_set(res, "pages", pages);
	return j_set(d, "result", res);
}

/* Prints a PIN's report; in JSON mode returns its document instead. */
static jobj *print_pin(const struct gpt_pin *q, const struct gpt_pin_result *r,
		       const struct gpt_page_record *rec, const char *mem, int ret)
{
	const struct gpt_path_info *p = gpt_path_by_id(&info, q->path);
	/* Refcounts are system-wide: say who else takes references. */
	int kdamonds = gpt_kdamonds();
	char flags[128];

	if (json)
		return pin_json(q, r, rec, mem, ret, kdamonds);
	gpt_flags_format(q->flags, flags, sizeof(flags));
	printf("path     %s (%s), flags %s\n", p ? p->name : "?",
	       p ? p->function : "?", flags);
	printf("memory   %s, %" PRIu64 " pages at %#" PRIx64, mem,
	       (uint64_t)q->nr_pages, (uint64_t)q->addr);
	if (q->pid)
		printf(" of pid %d", q->pid);
	printf("\n");
	if (ret) {
		printf("result   request refused by the module: %s (%s): %s\n",
		       gpt_errno_name(-ret), gpt_reason_name(r->reason),
		       gpt_reason_text(r->reason));
		return NULL;
	}
	printf("result   pinned %" PRIu64 " of %" PRIu64 " in %" PRIu64 " call%s",
	       (uint64_t)r->pinned, (uint64_t)q->nr_pages, (uint64_t)r->calls,
	       r->calls == 1 ? "" : "s");
	if (r->error)
		printf(", then at page %" PRIu64 " %s (%s): %s\nwhy      %s",
		       (uint64_t)r->error_index, gpt_errno_name(r->error),
		       gpt_reason_name(r->reason), gpt_reason_text(r->reason),
		       gpt_reason_how_text(r->reason_how));
	else if (r->reason)
		printf(" (%s)", gpt_reason_name(r->reason));
	if (r->handle)
		printf(", held as handle %" PRIu64 " (memlock %" PRIu64 " pages)",
		       (uint64_t)r->handle, (uint64_t)r->memlock_charged);
	printf("\nexact    this request: %" PRIu64 " pinned, %" PRIu64 " released",
	       (uint64_t)r->pinned, (uint64_t)r->released);
	if (!r->handle)
		printf("; %" PRIu64 " of %" PRIu64 " pages as before afterwards",
		       (uint64_t)r->unchanged, (uint64_t)q->nr_pages);
	if (!r->handle && r->first_changed < q->nr_pages)
		printf(" (first changed: page %" PRIu64 ")", (uint64_t)r->first_changed);
	printf("\ntime     %" PRIu64 " ns in GUP, %" PRIu64 " ns releasing\n",
	       (uint64_t)r->pin_ns, (uint64_t)r->release_ns);
	printf("system   nr_foll_pin_acquired %+" PRId64 ", released %+" PRId64
	       " while pinned", (int64_t)r->sys_vmstat_pinned.acquired,
	       (int64_t)r->sys_vmstat_pinned.released);
	if (!r->handle)
		printf("; %+" PRId64 ", %+" PRId64 " after release",
		       (int64_t)r->sys_vmstat_after.acquired,
		       (int64_t)r->sys_vmstat_after.released);
	printf(" (every process's pins)\n");
	if (kdamonds > 0)
		printf("note     DAMON samples pages (%d kdamond thread%s): a sample takes a "
		       "reference and marks the page idle, so a refcount may be 1 more than "
		       "pins explain (echo N >/sys/module/damon_stat/parameters/enabled)\n",
		       kdamonds, kdamonds == 1 ? "" : "s");
	if (rec)
		print_pages(rec, r->nr_records);
	return NULL;
}

/*
 * QUERY of a hold: printed, or in JSON mode set as @into["hold"] (a "query"
 * document of its own when @into is NULL).
 */
static int cmd_query(uint64_t handle, jobj *into)
{
	struct gpt_page_sample smp[64];
	struct gpt_query_result q;
	jobj *d = NULL, *samples = NULL;
	uint64_t first = 0;
	int ret;

	open_dev();
	if (json) {
		d = into ? json_object_new_object() : j_doc("query");
		samples = json_object_new_array();
		j_set(d, "handle", j_u64(handle));
	}
	do {
		ret = gpt_query(dev, handle, first, smp, 64, &q);
		if (ret && json) {
			j_set(d, "ioctl_error", j_errno(-ret));
			j_set(d, "reason", j_reason(q.reason, GPT_HOW_MODULE));
			break;
		} else if (ret) {
			printf("query %" PRIu64 ": %s (%s)\n", handle,
			       gpt_errno_name(-ret), gpt_reason_name(q.reason));
			return EXIT_REFUSED;
		}
		if (!first && json) {
			j_set(d, "ioctl_error", NULL);
			j_set(d, "reason", NULL);
			j_set(d, "pages", j_u64(q.nr_pages));
			j_set(d, "age_ns", j_u64(q.age_ns));
			j_set(d, "memlock_charged", j_u64(q.memlock_charged));
			j_set(d, "written", j_u64(q.written));
		} else if (!first) {
			printf("hold %" PRIu64 ": %" PRIu64 " pages, pinned %.3f s ago, "
			       "memlock %" PRIu64 " pages, written %" PRIu64 " times\n"
			       "%-5s %-10s %8s %8s %8s %5s %-7s %-9s %-10s %s\n", handle,
			       (uint64_t)q.nr_pages, q.age_ns / 1e9,
			       (uint64_t)q.memlock_charged, (uint64_t)q.written, "PAGE",
			       "PFN", "REFCOUNT", "PINCOUNT", "MAPCOUNT", "ORDER", "ZONE",
			       "KIND", "FS MAGIC", "FLAGS");
		}
		for (uint64_t i = 0; i < q.nr_records; i++) {
			const struct gpt_page_sample *r = &smp[i];
			char flags[200];

			if (json) {
				jobj *o = j_set(json_object_new_object(), "index", j_u64(first + i));

				json_object_array_add(samples, j_set(o, "now", j_sample(r)));
				continue;
			}
			gpt_sample_flags_format(r->flags, flags, sizeof(flags));
			printf("%-5" PRIu64 " %#-10" PRIx64 " %8" PRId64 " %8d"
			       " %8d %5u %-7s %-9s %#-10" PRIx64 " %s\n", first + i,
			       (uint64_t)r->pfn, (int64_t)r->refcount,
			       r->pincount, r->mapcount, r->order,
			       gpt_zone_name(r->zone), gpt_page_kind_name(r->kind),
			       (uint64_t)r->fs_magic, flags);
		}
		first += q.nr_records;
	} while (q.nr_records && first < q.nr_pages);
	if (json) {
		j_set(d, "samples", samples);
		if (into)
			j_set(into, "hold", d);
		else
			j_print(d);
	}
	return ret ? EXIT_REFUSED : EXIT_ALL;
}

/* UNPIN: printed, or in JSON mode @into["unpin"] (its own document if NULL). */
static int unpin_handle(uint64_t handle, bool dirty, jobj *into)
{
	struct gpt_unpin_result u;
	int ret;

	open_dev();
	ret = gpt_unpin(dev, handle, dirty ? GPT_UNPIN_DIRTY : 0, &u);
	if (json) {
		jobj *d = into ? json_object_new_object() : j_doc("unpin"), *v;

		j_set(d, "handle", j_u64(handle));
		j_set(d, "dirty", j_bool(dirty));
		j_set(d, "ioctl_error", j_errno(-ret));
		j_set(d, "reason", j_reason(u.reason, GPT_HOW_MODULE));
		j_set(d, "released", ret ? NULL : j_u64(u.released));
		j_set(d, "dirtied", ret ? NULL : j_u64(u.dirtied));
		j_set(d, "memlock_uncharged", ret ? NULL : j_u64(u.memlock_uncharged));
		v = NULL;
		if (!ret) {
			v = json_object_new_object();
			j_set(v, "acquired", j_s64(u.sys_vmstat.acquired));
			j_set(v, "released", j_s64(u.sys_vmstat.released));
		}
		j_set(d, "sys_vmstat", v);
		if (into)
			j_set(into, "unpin", d);
		else
			j_print(d);
	} else if (ret) {
		printf("unpin %" PRIu64 ": %s (%s): %s\n", handle, gpt_errno_name(-ret),
		       gpt_reason_name(u.reason), gpt_reason_text(u.reason));
	} else {
		printf("unpin %" PRIu64 ": released %" PRIu64 " pages (%" PRIu64
		       " dirtied), memlock -%" PRIu64 ", nr_foll_pin_released %+" PRId64
		       " system-wide\n", handle, (uint64_t)u.released,
		       (uint64_t)u.dirtied, (uint64_t)u.memlock_uncharged,
		       (int64_t)u.sys_vmstat.released);
	}
	for (int i = 0; !ret && i < MAX_HOLDS; i++)
		if (holds[i].handle == handle) {
			gpt_mem_unmap(&holds[i].mem);
			holds[i].handle = 0;
		}
	return ret ? EXIT_REFUSED : EXIT_ALL;
}

/* Why file:PATH could not be mapped, in words (open_user_file() in mem.c). */
static void map_error(const char *spec, uint64_t pages, int err)
{
	const char *path = spec + 5;
	struct stat st;
	char align[64] = "?";
	FILE *f;

	switch (-err) {
	case ENOENT:
		fprintf(stderr, "gupctl: --mem %s: no such file (--create makes a new one)\n", spec);
		break;
	case EEXIST:
		fprintf(stderr, "gupctl: --mem %s: the file exists, and --create makes only "
			"new ones\n", spec);
		break;
	case EISDIR:
		fprintf(stderr, "gupctl: --mem %s: neither a regular file nor a device-DAX "
			"device (/dev/daxN.M)\n", spec);
		break;
	case EFBIG:
		fprintf(stderr, "gupctl: --mem %s: the file has %lld bytes, and %" PRIu64
			" pages need %" PRIu64 ": gupctl never grows a file (fewer --pages, "
			"or --create a new file)\n", spec,
			stat(path, &st) ? -1LL : (long long)st.st_size, pages,
			pages * (uint64_t)sysconf(_SC_PAGESIZE));
		break;
	case EINVAL:
		if (!stat(path, &st)) {
			char attr[96];

			snprintf(attr, sizeof(attr), "/sys/dev/char/%u:%u/align",
				 major(st.st_rdev), minor(st.st_rdev));
			f = fopen(attr, "re");
			if (f) {
				if (!fgets(align, sizeof(align), f))
					snprintf(align, sizeof(align), "?");
				align[strcspn(align, "\n")] = '\0';
				fclose(f);
			}
		}
		fprintf(stderr, "gupctl: --mem %s: device-DAX maps only shared (no --private), "
			"in units of its alignment, %s bytes\n", spec, align);
		break;
	default:
		fprintf(stderr, "gupctl: --mem %s: %s\n", spec, strerror(-err));
	}
}

/* getopt state is global: every command parses from a clean slate. */
void reset_getopt(void)
{
	optind = 0;
	opterr = 1;
}

/* What "pin" was asked, besides the request itself. */
struct pin_args {
	const char *path, *mem, *as;
	enum gpt_prefault prefault;
	unsigned int map_flags;
	bool mem_set, prefault_set, private, create, dirty, wait, read_only;
	bool per_call_set, account_set;
	uint64_t addr;
	const struct gpt_driver *profile;	/* --as, on this kernel */
};

/* The options that apply only to some memory or with --hold. */
static int pin_args_check(const struct pin_args *a, const struct gpt_pin *req)
{
	bool file = !strncmp(a->mem, "file:", 5), kind = !strncmp(a->mem, "kind:", 5);

	if (!a->path && !a->as)
		return bad("pin needs --path NAME (gupctl info lists them) or --as PROFILE "
			   "(gupctl profiles)");
	if (a->path && a->as)
		return bad("--as %s pins through the driver's own path: no --path with it", a->as);
	if (a->read_only && !a->as)
		return bad("--read-only says the device of --as only reads: add --as PROFILE");
	if (a->as && (req->flags & GPT_FLAG_GUP_ALL))
		return bad("--as %s sets the flags the driver uses: no flag options with it "
			   "(--read-only for a device that only reads)", a->as);
	if (!file && !kind && strcmp(a->mem, "anon"))
		return bad("--mem %s: want anon, file:PATH or kind:KIND", a->mem);
	if (kind && gpt_kind_by_name(a->mem + 5) < 0)
		return bad("--mem %s: no such kind (the kinds of gupctl matrix)", a->mem);
	if (a->addr && a->mem_set)
		return bad("--addr pins memory already mapped: no --mem with it");
	if (a->create && !file)
		return bad("--create makes the file of --mem file:PATH; not with %s",
			   a->addr ? "--addr" : a->mem);
	if (a->private && !file)
		return bad("--private maps --mem file:PATH privately; %s is private or "
			   "shared as its kind says", a->addr ? "--addr memory" : a->mem);
	if (a->prefault_set && (kind || a->addr))
		return bad("--prefault: %s is faulted in as %s", a->addr ? "--addr memory" :
			   a->mem, a->addr ? "it is" : "its kind says");
	if (req->pid && !a->addr)
		return bad("--pid needs --addr: an address in that process");
	if ((a->dirty || a->wait) && !(req->flags & GPT_FLAG_HOLD))
		return bad("--%s applies to a held pin: add --hold", a->dirty ? "dirty" : "wait");
	return 0;
}

static int map_mem(const struct pin_args *a, uint64_t pages, struct gpt_mem *mem)
{
	int ret;

	if (strncmp(a->mem, "kind:", 5)) {
		ret = gpt_mem_map(a->mem, pages, a->map_flags, a->prefault, mem);
		if (ret && !strncmp(a->mem, "file:", 5))
			map_error(a->mem, pages, ret);
		else if (ret)
			fprintf(stderr, "gupctl: --mem %s: %s\n", a->mem, strerror(-ret));
		return ret;
	}
	ret = gpt_kind_map(gpt_kind_by_name(a->mem + 5), &default_dirs, pages, mem);
	if (ret)
		fprintf(stderr, "gupctl: --mem %s: %s\n", a->mem, strerror(-ret));
	return ret;
}

/* --as: the driver's request on this kernel, in place of the options. */
static int apply_profile(struct pin_args *a, struct gpt_pin *req)
{
	uint32_t kv = gpt_kernel_kv();
	uint32_t account = req->account;
	uint32_t per_call = req->pages_per_call;

	a->profile = gpt_driver_for(a->as, kv);
	if (!a->profile) {
		const char *const *names = gpt_driver_names();
		char list[256] = "";

		for (size_t i = 0; names[i]; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 i ? ", " : "", names[i]);
		return bad("--as %s: no such profile for %u.%u (%s)", a->as, kv >> 8,
			   kv & 0xff, list);
	}
	gpt_driver_request(a->profile, !a->read_only, req);
	/* What the options said explicitly wins over the driver's own. */
	if (a->per_call_set)
		req->pages_per_call = per_call;
	if (a->account_set)
		req->account = account;
	/* Drivers that charge nothing pin short-term: a hold is charged anyway. */
	else if ((req->flags & GPT_FLAG_HOLD) && req->account == GPT_ACCOUNT_NONE)
		req->account = GPT_ACCOUNT_DEFAULT;
	return 0;
}

/* --as: the driver's answer, and the exit status that goes with it. */
static int print_verdict(const struct pin_args *a, const struct gpt_pin *req,
			 const struct gpt_pin_result *res, const struct gpt_page_record *rec,
			 int ret, jobj *doc)
{
	const struct gpt_driver *p = a->profile;
	struct gpt_verdict v;
	const char *what = p->fails_as ? p->fails_as : NULL;
	jobj *o;

	gpt_driver_judge(p, ret, res, rec, rec ? res->nr_records : 0, req->nr_pages, &v);
	if (doc) {
		o = json_object_new_object();
		j_set(o, "outcome", j_str(gpt_verdict_cell(&v)));
		j_set(o, "errno", v.kind == GPT_VERDICT_FAILS ? j_errno(v.err) : NULL);
		j_set(o, "fails_as", v.kind == GPT_VERDICT_FAILS && what ? j_str(what) : NULL);
		j_set(o, "because", j_str(v.because ? v.because : ""));
		j_set(o, "fix", v.fix ? j_str(v.fix) : NULL);
		j_set(doc, "profile", profile_json(p, gpt_kernel_kv()));
		j_set(doc, "device_writes", json_object_new_boolean(!a->read_only));
		j_set(doc, "verdict", o);
	} else {
		printf("as       ");
		profile_print(p, gpt_kernel_kv(), false);
		printf("         %s, for %s%s\n", p->caller, p->entry,
		       a->read_only ? " (the device only reads)" : "");
		switch (v.kind) {
		case GPT_VERDICT_OK:
			printf("answer   %s would succeed: %s\n", p->name, v.because);
			break;
		case GPT_VERDICT_FALLBACK:
			printf("answer   %s would succeed without pinning: %s\n", p->name,
			       v.because);
			break;
		case GPT_VERDICT_FAILS:
			printf("answer   %s would fail: %s, because %s\n", p->name,
			       what ? what : gpt_errno_name(v.err), v.because);
			if (v.fix)
				printf("change   %s\n", v.fix);
			break;
		default:
			printf("answer   unknown: %s\n", v.because);
		}
	}
	switch (v.kind) {
	case GPT_VERDICT_OK:
	case GPT_VERDICT_FALLBACK:
		return EXIT_ALL;
	case GPT_VERDICT_FAILS:
		return EXIT_SHORT;
	default:
		return EXIT_REFUSED;
	}
}

static int cmd_pin(int argc, char **argv, bool session)
{
	struct option opts[33];
	struct pin_args a = { .mem = "anon" };
	const struct gpt_path_info *p;
	struct gpt_pin req = { .nr_pages = 1 };
	struct gpt_page_record *rec = NULL;
	struct gpt_pin_result res;
	struct gpt_mem mem = { .fd = -1 };
	jobj *doc;
	int c, ret, status, acct;
	uint64_t v;

	help_getopt("pin", opts, sizeof(opts) / sizeof(opts[0]));

	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a.path = optarg; break;
		case 'w': req.flags |= GPT_FLAG_WRITE; break;
		case 'l': req.flags |= GPT_FLAG_LONGTERM; break;
		case 'F': req.flags |= GPT_FLAG_FORCE; break;
		case 'N': req.flags |= GPT_FLAG_NOFAULT; break;
		case 'W': req.flags |= GPT_FLAG_NOWAIT; break;
		case 'A': req.flags |= GPT_FLAG_ANON; break;
		case 'h': req.flags |= GPT_FLAG_HOLD; break;
		case 'm': a.mem = optarg; a.mem_set = true; break;
		case 'P': a.private = true; break;
		case 'C': a.create = true; break;
		case 'd': a.dirty = true; break;
		case 'x': a.wait = true; break;
		case 'S': a.as = optarg; break;
		case 'R': a.read_only = true; break;
		case 'K':
			acct = gpt_account_by_name(optarg);
			if (acct <= GPT_ACCOUNT_DEFAULT)
				return bad("--account %s: want none, pinned-vm, pinned-vm-nocap, "
					   "locked-vm, user-locked-vm or user-locked-vm-pinned", optarg);
			req.account = (uint32_t)acct;
			a.account_set = true;
			break;
		case 'n':
			if (!parse_num("--pages", optarg, 1, UINT32_MAX, &v))
				return EXIT_USAGE;
			req.nr_pages = v;
			break;
		case 'c':
			if (!parse_num("--per-call", optarg, 0, UINT32_MAX, &v))
				return EXIT_USAGE;
			req.pages_per_call = (uint32_t)v;
			a.per_call_set = true;
			break;
		case 'i':
			if (!parse_num("--pid", optarg, 1, INT32_MAX, &v))
				return EXIT_USAGE;
			req.pid = (int32_t)v;
			break;
		case 'a':
			if (!parse_num("--addr", optarg, 1, UINT64_MAX, &a.addr))
				return EXIT_USAGE;
			break;
		case 'f':
			a.prefault_set = true;
			if (!strcmp(optarg, "write"))
				a.prefault = GPT_PREFAULT_WRITE;
			else if (!strcmp(optarg, "read"))
				a.prefault = GPT_PREFAULT_READ;
			else if (!strcmp(optarg, "none"))
				a.prefault = GPT_PREFAULT_NONE;
			else
				return bad("--prefault \"%s\": want write, read or none", optarg);
			break;
		default:
			return bad("pin: unknown option");
		}
	}
	if (optind != argc)
		return bad("pin: unexpected \"%s\"", argv[optind]);
	/* A file the user named is only read, unless --prefault write says so. */
	if (!a.prefault_set)
		a.prefault = strncmp(a.mem, "file:", 5) ? GPT_PREFAULT_WRITE : GPT_PREFAULT_READ;
	a.map_flags = (a.private ? 0 : GPT_MEM_SHARED) | (a.create ? GPT_MEM_CREATE : 0);
	ret = pin_args_check(&a, &req);
	if (ret)
		return ret;
	if (a.as) {
		ret = apply_profile(&a, &req);
		if (ret)
			return ret;
	}
	if (req.account == GPT_ACCOUNT_NONE && (req.flags & GPT_FLAG_HOLD))
		return bad("--account none: a hold is always charged to RLIMIT_MEMLOCK");
	open_dev();
	p = a.as ? gpt_path_by_id(&info, req.path) : gpt_path_by_name(&info, a.path);
	if (!p && a.as)
		return bad("--as %s: this module has no %s path", a.as,
			   gpt_path_function(req.path));
	if (!p)
		return bad("--path %s: no such path (gupctl info lists them)", a.path);
	req.path = p->path;
	if (req.pid && req.path != GPT_PATH_GUP_REMOTE && req.path != GPT_PATH_PIN_REMOTE)
		return bad("--pid needs a remote path (gup-remote, pin-remote): %s pins this "
			   "process's memory", a.path);
	if (req.nr_pages > info.h.max_pages)
		return bad("--pages %" PRIu64 ": this module pins at most %" PRIu64
			   " pages a request (max_pages, gupctl info)", (uint64_t)req.nr_pages,
			   (uint64_t)info.h.max_pages);
	if (a.addr) {
		/* Someone else's memory (--pid), or an address of your choosing. */
		req.addr = a.addr;
		a.mem = "given address";
	} else {
		if (map_mem(&a, req.nr_pages, &mem))
			return EXIT_SETUP;
		req.addr = (uintptr_t)mem.addr;
	}
	rec = calloc(req.nr_pages, sizeof(*rec));
	ret = gpt_pin(dev, &req, &res, rec, rec ? (uint32_t)req.nr_pages : 0);
	doc = print_pin(&req, &res, rec, a.mem, ret);
	status = ret ? EXIT_REFUSED :
		 res.error || res.pinned < req.nr_pages ? EXIT_SHORT : EXIT_ALL;
	if (a.profile)
		status = print_verdict(&a, &req, &res, rec, ret, doc);
	free(rec);
	if (!ret && res.handle && session) {
		for (int i = 0; i < MAX_HOLDS; i++)
			if (!holds[i].handle) {
				holds[i].handle = res.handle;
				holds[i].mem = mem;
				if (doc)
					j_print(doc);
				return status;
			}
	}
	if (!ret && res.handle) {
		/* One document: the pin, the held pages, the release. */
		cmd_query(res.handle, doc);
		if (a.wait) {
			fprintf(stderr, "holding handle %" PRIu64 "; press Enter to release\n",
				(uint64_t)res.handle);
			while ((c = getchar()) != EOF && c != '\n')
				;
		}
		if (unpin_handle(res.handle, a.dirty, doc))
			status = EXIT_REFUSED;
	}
	if (doc)
		j_print(doc);
	gpt_mem_unmap(&mem);
	return status;
}

/* Cell text: pinned count ("16", "16*" for fresh COW pages), or errno. */
static void cell_text(const struct gpt_cell_result *r, char *buf, size_t len)
{
	const struct gpt_pin_result *p = &r->res;

	if (r->setup_err)
		snprintf(buf, len, "no:%s", gpt_errno_name(-r->setup_err));
	else if (r->ioctl_err)
		snprintf(buf, len, "(%s)", gpt_errno_name(-r->ioctl_err));
	else if (p->error)
		snprintf(buf, len, "%s", gpt_errno_name(p->error));
	else
		snprintf(buf, len, "%" PRIu64 "%s", (uint64_t)p->pinned,
			 p->pinned && r->rec[0].pinned.pfn != r->rec[0].before.pfn ?
			 "*" : "");
}

/* A matrix cell in JSON: its outcome and, if it pinned, per-page deltas. */
static jobj *cell_json(const struct gpt_cell_result *r, int kind, const char *path,
		       uint64_t flags, const char *cell)
{
	const uint64_t n = r->pin.nr_pages;
	const bool ran = !r->setup_err && !r->ioctl_err;
	jobj *o = json_object_new_object(), *ref = NULL, *pin = NULL;

	j_set(o, "kind", j_str(gpt_kind_name(kind)));
	j_set(o, "path", j_str(path));
	j_set(o, "write", j_bool(flags & GPT_FLAG_WRITE));
	j_set(o, "longterm", j_bool(flags & GPT_FLAG_LONGTERM));
	j_set(o, "setup_error", j_errno(-r->setup_err));
	j_set(o, "ioctl_error", j_errno(-r->ioctl_err));
	j_set(o, "pinned", ran ? j_u64(r->res.pinned) : NULL);
	j_set(o, "gup_error", ran ? j_errno(r->res.error) : NULL);
	j_set(o, "reason", j_reason(r->res.reason, r->res.reason_how));
	j_set(o, "cell", j_str(cell));
	j_set(o, "fresh", ran ? j_bool(r->res.pinned &&
				     r->rec[0].pinned.pfn != r->rec[0].before.pfn) : NULL);
	if (ran) {
		ref = json_object_new_array();
		pin = json_object_new_array();
		for (uint64_t i = 0; i < n; i++) {
			json_object_array_add(ref, j_s64(r->rec[i].pinned.refcount -
							 r->rec[i].before.refcount));
			json_object_array_add(pin, j_s64(r->rec[i].pinned.pincount -
							 r->rec[i].before.pincount));
		}
	}
	j_set(o, "refcount_delta", ref);
	return j_set(o, "pincount_delta", pin);
}

static int cmd_matrix(int argc, char **argv)
{
	struct option opts[33];
	struct gpt_dirs dirs = default_dirs;
	const char *path_name = NULL;
	const struct gpt_path_info *only_path = NULL;
	unsigned int rw = 3, term = 3;	/* bit 0 read/short-term, bit 1 write/long-term */
	jobj *doc = NULL, *cells = NULL;
	int c, only_kind = -1;
	uint64_t pages = 16;

	help_getopt("matrix", opts, sizeof(opts) / sizeof(opts[0]));
	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dirs.fsdax = optarg; break;
		case 'e': dirs.ext4 = optarg; break;
		case 't': dirs.tmpfs = optarg; break;
		case 'n':
			if (!parse_num("--pages", optarg, 1, GPT_CELL_MAX_PAGES, &pages))
				return EXIT_USAGE;
			break;
		case 'k':
			only_kind = gpt_kind_by_name(optarg);
			if (only_kind < 0 || only_kind > GPT_MEM_ZERO_PAGE)
				return bad("--kind %s: not a matrix kind (anon ... zero-page)", optarg);
			break;
		case 'p': path_name = optarg; break;
		case 'r': rw = rw == 3 ? 1 : rw | 1; break;
		case 'w': rw = rw == 3 ? 2 : rw | 2; break;
		case 's': term = term == 3 ? 1 : term | 1; break;
		case 'l': term = term == 3 ? 2 : term | 2; break;
		default: return bad("matrix: unknown option");
		}
	}
	if (optind != argc)
		return bad("matrix: unexpected \"%s\"", argv[optind]);
	open_dev();
	if (path_name) {
		only_path = gpt_path_by_name(&info, path_name);
		if (!only_path)
			return bad("--path %s: no such path (gupctl info lists them)", path_name);
	}
	gpt_hugepages_reserve(2);
	if (json) {
		doc = j_doc("matrix");
		cells = json_object_new_array();
	}
	for (unsigned int table = 0; table < 4; table++) {
		uint64_t flags = (table & 1 ? GPT_FLAG_WRITE : 0) |
				 (table & 2 ? GPT_FLAG_LONGTERM : 0);

		if (!(rw & (table & 1 ? 2 : 1)) || !(term & (table & 2 ? 2 : 1)))
			continue;
		if (!json) {
			printf("\n%s, %s: pinned pages (* fresh COW copies), "
			       "GUP errno, (errno of the module)\n%-14s",
			       table & 1 ? "write" : "read",
			       table & 2 ? "long-term" : "short-term", "");
			for (uint32_t i = 0; i < info.h.nr_paths; i++)
				if (!only_path || only_path == &info.paths[i])
					printf(" %-13s", info.paths[i].name);
			printf("\n");
		}
		for (int kind = 0; kind <= GPT_MEM_ZERO_PAGE; kind++) {
			if (only_kind >= 0 && kind != only_kind)
				continue;
			if (!json)
				printf("%-14s", gpt_kind_name(kind));
			for (uint32_t i = 0; i < info.h.nr_paths; i++) {
				struct gpt_pin req = { .path = info.paths[i].path,
						       .flags = flags };
				static struct gpt_cell_result r;
				char cell[32];

				if (only_path && only_path != &info.paths[i])
					continue;
				gpt_cell_run(dev, &dirs, kind, pages, &req, false, &r);
				cell_text(&r, cell, sizeof(cell));
				if (!json) {
					printf(" %-13s", cell);
					continue;
				}
				json_object_array_add(cells, cell_json(&r, kind, info.paths[i].name,
								       flags, cell));
			}
			if (!json)
				printf("\n");
		}
	}
	if (json) {
		j_set(doc, "pages", j_u64(pages));
		j_print(j_set(doc, "cells", cells));
	}
	return 0;
}

/* One listing of the pin watch: every page of every hold old enough. */
static int watch_once(uint64_t older_ms)
{
	static struct gpt_held_page rec[256];
	jobj *doc = NULL, *records = NULL;
	struct gpt_holds_result r;
	uint64_t id = 0, index = 0, n = 0;
	int ret;

	do {
		ret = gpt_holds(dev, older_ms * 1000000, id, index, rec, 256, &r);
		if (ret) {
			fprintf(stderr, "gupctl: HOLDS: %s (%s)\n", gpt_errno_name(-ret),
				gpt_reason_name(r.reason));
			return EXIT_REFUSED;
		}
		if (!n && json) {
			doc = j_doc("watch");
			records = json_object_new_array();
			j_set(doc, "older_than_ms", j_u64(older_ms));
			j_set(doc, "holds", j_u64(r.holds));
			j_set(doc, "pages", j_u64(r.pages));
			j_set(doc, "hidden", j_u64(r.hidden));
		} else if (!n)
			printf("pinned for at least %" PRIu64 " ms: %" PRIu64 " holds, %"
			       PRIu64 " pages (%" PRIu64 " more holds not yours to see)\n"
			       "%-5s %-7s %-6s %-12s %-15s %-5s %-14s %-10s %-7s %-9s %s\n",
			       older_ms, (uint64_t)r.holds, (uint64_t)r.pages,
			       (uint64_t)r.hidden, "HOLD", "OWNER", "HANDLE", "PATH",
			       "FLAGS", "PAGE", "ADDR", "PFN", "ZONE", "KIND", "AGE");
		for (uint64_t i = 0; i < r.nr_records; i++, n++) {
			const struct gpt_held_page *p = &rec[i];
			const struct gpt_path_info *path = gpt_path_by_id(&info, p->path);
			char flags[128];

			gpt_flags_format(p->flags & ~GPT_FLAG_HOLD, flags, sizeof(flags));
			if (json) {
				jobj *o = json_object_new_object();

				j_set(o, "id", j_u64(p->id));
				j_set(o, "owner", j_s64(p->owner));
				j_set(o, "pid", p->pid ? j_s64(p->pid) : NULL);
				j_set(o, "handle", j_u64(p->handle));
				j_set(o, "path", j_str(path ? path->name : "?"));
				j_set(o, "flags", j_flags(p->flags & ~GPT_FLAG_HOLD));
				j_set(o, "index", j_u64(p->index));
				j_set(o, "addr", j_u64(p->addr));
				j_set(o, "age_ns", j_u64(p->age_ns));
				json_object_array_add(records, j_set(o, "now", j_sample(&p->sample)));
				continue;
			}
			printf("%-5" PRIu64 " %-7d %-6" PRIu64 " %-12s %-15s %-5" PRIu64
			       " %#-14" PRIx64 " %#-10" PRIx64 " %-7s %-9s %.3f s\n",
			       (uint64_t)p->id, p->owner, (uint64_t)p->handle,
			       path ? path->name : "?", flags[0] ? flags : "-",
			       (uint64_t)p->index, (uint64_t)p->addr,
			       (uint64_t)p->sample.pfn, gpt_zone_name(p->sample.zone),
			       gpt_page_kind_name(p->sample.kind), p->age_ns / 1e9);
		}
		id = r.next_id;
		index = r.next_index;
	} while (id);
	if (json)
		j_print(j_set(doc, "records", records));
	return 0;
}

/* gupctl watch [--older-than MS] [--every MS [--count N]] */
static int cmd_watch(int argc, char **argv)
{
	struct option opts[33];
	uint64_t older = 0, every = 0, count = 1, v;
	bool count_set = false;
	int c, status = 0;

	help_getopt("watch", opts, sizeof(opts) / sizeof(opts[0]));
	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o' && parse_num("--older-than", optarg, 0, UINT64_MAX / 1000000, &v))
			older = v;
		else if (c == 'e' && parse_num("--every", optarg, 1, UINT32_MAX / 1000, &v))
			every = v;
		else if (c == 'c' && parse_num("--count", optarg, 0, UINT32_MAX, &v))
			count = v;
		else
			return c == 'o' || c == 'e' || c == 'c' ? EXIT_USAGE :
			       bad("watch: unknown option");
		if (c == 'c')
			count_set = true;
	}
	if (optind != argc)
		return bad("watch: unexpected \"%s\"", argv[optind]);
	if (count_set && !every)
		return bad("--count repeats the listing: it needs --every MS");
	open_dev();
	for (uint64_t i = 0; !status && (!every || !count || i < count); i++) {
		if (i)
			usleep((useconds_t)(every * 1000));
		status = watch_once(older);
		fflush(stdout);
		if (!every)
			break;
	}
	return status;
}

static jobj *exp_json(const struct gpt_experiment *e, enum gpt_exp_mode mode,
		      const struct gpt_exp_result *r)
{
	jobj *o = json_object_new_object();
	char cell[64];

	gpt_exp_cell(r, cell, sizeof(cell));
	j_set(o, "experiment", j_str(e->name));
	j_set(o, "mode", j_str(gpt_exp_mode_name(mode)));
	j_set(o, "what", j_str(gpt_exp_what_name(r->what)));
	j_set(o, "error", j_errno(r->err));
	j_set(o, "pages", j_u64(r->pages));
	j_set(o, "count", j_u64(r->count));
	j_set(o, "op_ms", r->what == GPT_EXP_AT_ONCE || r->what == GPT_EXP_WAITED ?
	      json_object_new_double(r->op_ms) : NULL);
	j_set(o, "unpin_ms", r->unpin_ms < 0 ? NULL : json_object_new_double(r->unpin_ms));
	j_set(o, "cell", j_str(cell));
	return j_set(o, "detail", j_str(r->detail));
}

/*
 * The table: a row per experiment, a column per way of pinning, what the
 * kernel did in each cell; the evidence of every cell follows.
 */
static const char coherence_what[] =
	"does the pin still hold the page the process maps, after fork, "
	"mprotect, swap, KSM, THP split and collapse, mremap, MADV_DONTNEED?";

static int cmd_experiment(int argc, char **argv)
{
	struct option opts[33];
	static const char *const heads[GPT_EXP_MODES] = {
		"short-term, released", "short-term, held", "long-term, held",
	};
	const struct gpt_experiment *list[16];
	struct gpt_exp_env env = { .dirs = default_dirs };
	static struct gpt_exp_result res[16][GPT_EXP_MODES];
	unsigned int n = 0, events = 0, mems = 0, pins = 0;
	bool coherence;
	int c, v;

	help_getopt("experiment", opts, sizeof(opts) / sizeof(opts[0]));
	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			env.dirs.fsdax = optarg;
			break;
		case 'e':
			v = gpt_coh_event_by_name(optarg);
			if (v < 0)
				return bad("coherence: no event \"%s\"", optarg);
			events |= 1U << v;
			break;
		case 'm':
			v = gpt_coh_mem_by_name(optarg);
			if (v < 0)
				return bad("coherence: no memory \"%s\"", optarg);
			mems |= 1U << v;
			break;
		case 'p':
			v = gpt_coh_pin_by_name(optarg);
			if (v < 0)
				return bad("coherence: no pin \"%s\" (pin-rw, get-ro-lt...)",
					   optarg);
			pins |= 1U << v;
			break;
		default:
			return bad("experiment: unknown option");
		}
	}
	if (optind == argc)
		return bad("experiment needs list, all or experiment names");
	coherence = !strcmp(argv[optind], "coherence");
	if (coherence && optind + 1 != argc)
		return bad("experiment coherence is a table of its own");
	if (!coherence && (events || mems || pins))
		return bad("--event, --mem and --pin are for experiment coherence");
	if (coherence) {
		open_dev();
		coherence_table(dev, json, events ? events : ~0U, mems ? mems : ~0U,
				pins ? pins : ~0U);
		return 0;
	}
	if (!strcmp(argv[optind], "list") && optind + 1 == argc) {
		jobj *d = json ? j_doc("experiment list") : NULL, *a = json_object_new_array();

		for (unsigned int i = 0; i < gpt_nr_experiments; i++) {
			jobj *o = j_set(json_object_new_object(), "name",
					j_str(gpt_experiments[i].name));

			json_object_array_add(a, j_set(o, "what", j_str(gpt_experiments[i].what)));
			if (!json)
				printf("%-20s %s\n", gpt_experiments[i].name,
				       gpt_experiments[i].what);
		}
		/* Not in "all": a table of its own, of a few hundred cells. */
		json_object_array_add(a, j_set(j_set(json_object_new_object(), "name",
						     j_str("coherence")), "what",
					       j_str(coherence_what)));
		if (!json)
			printf("%-20s %s\n", "coherence", coherence_what);
		if (d)
			j_print(j_set(d, "experiments", a));
		else
			json_object_put(a);
		return 0;
	}
	if (!strcmp(argv[optind], "all") && optind + 1 == argc) {
		for (unsigned int i = 0; i < gpt_nr_experiments; i++)
			list[n++] = &gpt_experiments[i];
	} else {
		for (int i = optind; i < argc && n < 16; i++) {
			list[n] = gpt_experiment_by_name(argv[i]);
			if (!list[n])
				return bad("no experiment \"%s\" (gupctl experiment list)", argv[i]);
			n++;
		}
	}
	open_dev();
	env.fd = dev;
	for (unsigned int i = 0; i < n; i++)
		for (int m = 0; m < GPT_EXP_MODES; m++)
			gpt_exp_run(list[i], &env, m, &res[i][m]);
	if (json) {
		jobj *d = j_doc("experiment"), *a = json_object_new_array();

		for (unsigned int i = 0; i < n; i++)
			for (int m = 0; m < GPT_EXP_MODES; m++)
				json_object_array_add(a, exp_json(list[i], m, &res[i][m]));
		j_print(j_set(d, "results", a));
		return 0;
	}
	printf("%-46s", "what the kernel does, on 16 pages pinned:");
	for (int m = 0; m < GPT_EXP_MODES; m++)
		printf(" %-22s", heads[m]);
	printf("\n");
	for (unsigned int i = 0; i < n; i++) {
		printf("%-46s", list[i]->what);
		for (int m = 0; m < GPT_EXP_MODES; m++) {
			char cell[64];

			gpt_exp_cell(&res[i][m], cell, sizeof(cell));
			printf(" %-22s", cell);
		}
		printf("\n");
	}
	printf("\nevidence:\n");
	for (unsigned int i = 0; i < n; i++)
		for (int m = 0; m < GPT_EXP_MODES; m++)
			printf("  %s, %s: %s\n", list[i]->name, gpt_exp_mode_name(m),
			       res[i][m].detail);
	return 0;
}

static int run(int argc, char **argv, bool session);

/* One command per line of standard input; holds persist between lines. */
static int cmd_session(void)
{
	char line[1024];
	int status = 0, c;

	open_dev();
	while (fgets(line, sizeof(line), stdin)) {
		char *args[MAX_ARGS + 1], *save = NULL;
		int n = 0;

		args[n++] = "gupctl";
		for (char *tok = strtok_r(line, " \t\n", &save); tok && n < MAX_ARGS;
		     tok = strtok_r(NULL, " \t\n", &save))
			args[n++] = tok;
		args[n] = NULL;
		if (n == 1 || args[1][0] == '#')
			continue;
		if (!json) {
			printf(">");
			for (int i = 1; i < n; i++)
				printf(" %s", args[i]);
			printf("\n");
		}
		c = run(n - 1, args + 1, true);
		status = c > status ? c : status;
		fflush(stdout);
	}
	return status;
}

static int run(int argc, char **argv, bool session)
{
	uint64_t handle;

	if (!strcmp(argv[0], "info") && argc == 1)
		return cmd_info();
	if (!strcmp(argv[0], "pin"))
		return cmd_pin(argc, argv, session);
	if (!strcmp(argv[0], "matrix"))
		return cmd_matrix(argc, argv);
	if (!strcmp(argv[0], "profiles"))
		return cmd_profiles(argc, argv);
	if (!strcmp(argv[0], "experiment"))
		return cmd_experiment(argc, argv);
	if (!strcmp(argv[0], "bench"))
		return cmd_bench(argc, argv);
	if (!strcmp(argv[0], "watch"))
		return cmd_watch(argc, argv);
	if (!strcmp(argv[0], "query") && argc == 2 && parse_u64(argv[1], &handle))
		return cmd_query(handle, NULL);
	if (!strcmp(argv[0], "unpin") && (argc == 2 || argc == 3) &&
	    parse_u64(argv[1], &handle) &&
	    (argc == 2 || !strcmp(argv[2], "--dirty")))
		return unpin_handle(handle, argc == 3, NULL);
	if (!strcmp(argv[0], "session") && argc == 1 && !session)
		return cmd_session();
	if (!strcmp(argv[0], "query") || !strcmp(argv[0], "unpin"))
		return bad("%s needs HANDLE, the number pin --hold gave%s", argv[0],
			   argv[0][0] == 'u' ? ", and maybe --dirty" : "");
	if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") ||
	    (!strcmp(argv[0], "help") && argc == 1)) {
		help_usage(stdout);
		return EXIT_ALL;
	}
	if (!strcmp(argv[0], "help") && argc == 2) {
		const struct help_cmd *c = help_find(argv[1]);

		if (!c)
			return bad("no command \"%s\" to help with", argv[1]);
		help_command(stdout, c);
		return EXIT_ALL;
	}
	if (!strcmp(argv[0], "--man") && argc == 1) {
		help_man(stdout, GPT_TOOL_VERSION);
		return EXIT_ALL;
	}
	if (!strcmp(argv[0], "--version") && argc == 1)
		return cmd_version();
	if (!strcmp(argv[0], "--complete"))
		return cmd_complete(argc, argv);
	return bad("no command \"%s\"%s", argv[0],
		   argc > 1 ? " with these arguments" : "");
}

int main(int argc, char **argv)
{
	int i = 1;

	if (i < argc && !strcmp(argv[i], "--json")) {
		json = true;
		i++;
	}
	if (i >= argc) {
		help_usage(stderr);
		return EXIT_USAGE;
	}
	return run(argc - i, argv + i, false);
}
