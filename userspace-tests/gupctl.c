// SPDX-License-Identifier: GPL-2.0
/*
 * gupctl: ad-hoc experiments with /dev/gup_test.
 *
 *   gupctl [--json] info
 *   gupctl [--json] pin --path NAME [--write] [--longterm]
 *          [--mem anon|file:PATH] [--pages N] [--per-call N]
 *          [--private] [--prefault write|read|none]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gpt.h"

static bool json;

static void usage(void)
{
	fputs("usage: gupctl [--json] info\n"
	      "       gupctl [--json] pin --path NAME [--write] [--longterm]\n"
	      "              [--mem anon|file:PATH] [--pages N] [--per-call N]\n"
	      "              [--private] [--prefault write|read|none]\n"
	      "NAME: a path's short name or kernel function (see gupctl info)\n",
	      stderr);
	exit(2);
}

static int open_info(struct gpt_info *info)
{
	int fd = gpt_open(), err;

	if (fd < 0) {
		fprintf(stderr, "gupctl: %s: %s (is gup_pin_test.ko loaded?)\n",
			GPT_DEVICE, strerror(-fd));
		exit(1);
	}
	err = gpt_get_info(fd, info);
	if (err) {
		fprintf(stderr, "gupctl: INFO: %s\n", strerror(-err));
		exit(1);
	}
	return fd;
}

/* Flags a path refuses, as "longterm: get-longterm". */
static void refused_list(const struct gpt_path_info *p, char *buf, size_t len,
			 const char *fmt)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int bit = 0; bit < GPT_FLAG_BITS && used < len; bit++) {
		if (!p->flag_reason[bit])
			continue;
		used += (size_t)snprintf(buf + used, len - used, fmt,
					 used ? ", " : "", gpt_flag_name(bit),
					 gpt_reason_name(p->flag_reason[bit]));
	}
}

static int cmd_info(void)
{
	struct gpt_info info;
	char flags[128], refused[256];

	open_info(&info);
	if (json) {
		gpt_flags_format(info.flags, flags, sizeof(flags));
		printf("{\"uapi_version\": %u, \"release\": \"%s\", "
		       "\"module_version\": \"%s\", \"flags\": \"%s\", \"paths\": [",
		       info.uapi_version, info.release, info.module_version, flags);
		for (uint32_t i = 0; i < info.nr_paths && i < GPT_MAX_PATHS; i++) {
			const struct gpt_path_info *p = &info.paths[i];

			gpt_flags_format(p->flags, flags, sizeof(flags));
			refused_list(p, refused, sizeof(refused),
				     "%s\"%s\": \"%s\"");
			printf("%s{\"id\": %u, \"name\": \"%s\", \"function\": \"%s\", "
			       "\"usable\": %s, \"reason\": \"%s\", \"flags\": \"%s\", "
			       "\"refused_flags\": {%s}}",
			       i ? ", " : "", p->path, p->name, p->function,
			       p->reason ? "false" : "true",
			       gpt_reason_name(p->reason), flags, refused);
		}
		printf("]}\n");
		return 0;
	}
	gpt_flags_format(info.flags, flags, sizeof(flags));
	printf("module   gup_pin_test %s, uapi %u\n", info.module_version,
	       info.uapi_version);
	printf("kernel   %s\n", info.release);
	printf("flags    %s\n\n", flags);
	printf("%-10s %-22s %-8s %-16s %s\n", "PATH", "FUNCTION", "USABLE",
	       "FLAGS", "REFUSED FLAGS (REASON)");
	for (uint32_t i = 0; i < info.nr_paths && i < GPT_MAX_PATHS; i++) {
		const struct gpt_path_info *p = &info.paths[i];

		gpt_flags_format(p->flags, flags, sizeof(flags));
		refused_list(p, refused, sizeof(refused), "%s%s (%s)");
		printf("%-10s %-22s %-8s %-16s %s\n", p->name, p->function,
		       p->reason ? gpt_reason_name(p->reason) : "yes", flags,
		       refused[0] ? refused : "-");
	}
	return 0;
}

static void sample_json(const char *name, const struct gpt_page_sample *s)
{
	char flags[128];

	gpt_sample_flags_format(s->flags, flags, sizeof(flags));
	printf("\"%s\": {\"pfn\": %" PRIu64 ", \"refcount\": %" PRId64
	       ", \"pincount\": %" PRId64 ", \"order\": %u, \"flags\": \"%s\"}",
	       name, (uint64_t)s->pfn, (int64_t)s->refcount,
	       (int64_t)s->pincount, s->order, flags);
}

static void sample_row(const char *name, const struct gpt_page_sample *s,
		       const struct gpt_page_sample *before)
{
	char flags[128], delta[32] = "";

	gpt_sample_flags_format(s->flags, flags, sizeof(flags));
	if (!(s->flags & GPT_SAMPLE_PRESENT)) {
		printf("  %-8s %-10s\n", name, "-");
		return;
	}
	if (s != before && (before->flags & GPT_SAMPLE_PRESENT))
		snprintf(delta, sizeof(delta), "(%+" PRId64 ")",
			 (int64_t)(s->refcount - before->refcount));
	printf("  %-8s %#-10" PRIx64 " %8" PRId64 " %-8s %8s  %s\n", name,
	       (uint64_t)s->pfn, (int64_t)s->refcount, delta,
	       (s->flags & GPT_SAMPLE_LARGE) ? "" : "-", flags);
}

static void print_pin(const struct gpt_info *info, const struct gpt_pin *r,
		      const char *mem, int ret)
{
	const struct gpt_path_info *p = gpt_path_by_id(info, r->path);
	char flags[128];

	gpt_flags_format(r->flags, flags, sizeof(flags));
	if (json) {
		printf("{\"path\": \"%s\", \"function\": \"%s\", \"flags\": \"%s\", "
		       "\"mem\": \"%s\", \"addr\": %" PRIu64 ", \"pages\": %" PRIu64
		       ", \"ioctl_errno\": \"%s\", \"reason\": \"%s\"",
		       p ? p->name : "?", p ? p->function : "?", flags, mem,
		       (uint64_t)r->addr, (uint64_t)r->nr_pages,
		       gpt_errno_name(-ret), gpt_reason_name(r->reason));
		if (!ret) {
			printf(", \"pinned\": %" PRIu64 ", \"calls\": %" PRIu64
			       ", \"error\": \"%s\", \"vmstat_pinned\": "
			       "{\"acquired\": %" PRId64 ", \"released\": %" PRId64
			       "}, \"vmstat_after\": {\"acquired\": %" PRId64
			       ", \"released\": %" PRId64 "}, ",
			       (uint64_t)r->pinned, (uint64_t)r->calls,
			       gpt_errno_name(r->error),
			       (int64_t)r->vmstat_pinned.acquired,
			       (int64_t)r->vmstat_pinned.released,
			       (int64_t)r->vmstat_after.acquired,
			       (int64_t)r->vmstat_after.released);
			sample_json("before", &r->before);
			printf(", ");
			sample_json("pinned_page", &r->pinned_page);
			printf(", ");
			sample_json("after", &r->after);
		}
		printf("}\n");
		return;
	}
	printf("path     %s (%s), flags %s\n", p ? p->name : "?",
	       p ? p->function : "?", flags);
	printf("memory   %s, %" PRIu64 " pages at %#" PRIx64 "\n", mem,
	       (uint64_t)r->nr_pages, (uint64_t)r->addr);
	if (ret) {
		printf("result   request refused by the module: %s (%s): %s\n",
		       gpt_errno_name(-ret), gpt_reason_name(r->reason),
		       gpt_reason_text(r->reason));
		return;
	}
	printf("result   pinned %" PRIu64 " of %" PRIu64 " in %" PRIu64 " call%s",
	       (uint64_t)r->pinned, (uint64_t)r->nr_pages, (uint64_t)r->calls,
	       r->calls == 1 ? "" : "s");
	if (r->error)
		printf(", refused: %s (%s): %s", gpt_errno_name(r->error),
		       gpt_reason_name(r->reason), gpt_reason_text(r->reason));
	else if (r->reason)
		printf(" (%s)", gpt_reason_name(r->reason));
	printf("\nvmstat   nr_foll_pin_acquired %+" PRId64 ", released %+" PRId64
	       " while pinned; %+" PRId64 ", %+" PRId64 " after release\n",
	       (int64_t)r->vmstat_pinned.acquired,
	       (int64_t)r->vmstat_pinned.released,
	       (int64_t)r->vmstat_after.acquired,
	       (int64_t)r->vmstat_after.released);
	printf("first page:\n  %-8s %-10s %8s %-8s %8s  %s\n", "", "PFN",
	       "REFCOUNT", "", "PINCOUNT", "FLAGS");
	sample_row("before", &r->before, &r->before);
	sample_row("pinned", &r->pinned_page, &r->before);
	sample_row("after", &r->after, &r->before);
}

static unsigned long long parse_num(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "gupctl: bad %s \"%s\"\n", what, s);
		exit(2);
	}
	return v;
}

static int cmd_pin(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "path", required_argument, NULL, 'p' },
		{ "write", no_argument, NULL, 'w' },
		{ "longterm", no_argument, NULL, 'l' },
		{ "mem", required_argument, NULL, 'm' },
		{ "pages", required_argument, NULL, 'n' },
		{ "per-call", required_argument, NULL, 'c' },
		{ "private", no_argument, NULL, 'P' },
		{ "prefault", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	enum gpt_prefault prefault = GPT_PREFAULT_WRITE;
	const struct gpt_path_info *p;
	const char *path = NULL, *mem_spec = "anon";
	struct gpt_info info;
	struct gpt_pin req = { 0 };
	struct gpt_mem mem;
	bool shared = true;
	int c, fd, ret;

	req.nr_pages = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': path = optarg; break;
		case 'w': req.flags |= GPT_FLAG_WRITE; break;
		case 'l': req.flags |= GPT_FLAG_LONGTERM; break;
		case 'm': mem_spec = optarg; break;
		case 'n': req.nr_pages = parse_num(optarg, "--pages"); break;
		case 'c':
			req.pages_per_call = (uint32_t)parse_num(optarg, "--per-call");
			break;
		case 'P': shared = false; break;
		case 'f':
			if (!strcmp(optarg, "write"))
				prefault = GPT_PREFAULT_WRITE;
			else if (!strcmp(optarg, "read"))
				prefault = GPT_PREFAULT_READ;
			else if (!strcmp(optarg, "none"))
				prefault = GPT_PREFAULT_NONE;
			else
				usage();
			break;
		default: usage();
		}
	}
	if (!path || optind != argc)
		usage();
	fd = open_info(&info);
	p = gpt_path_by_name(&info, path);
	if (!p) {
		fprintf(stderr, "gupctl: no path \"%s\" (see gupctl info)\n", path);
		return 2;
	}
	req.path = p->path;
	ret = gpt_mem_map(mem_spec, req.nr_pages, shared, prefault, &mem);
	if (ret) {
		fprintf(stderr, "gupctl: mapping %s: %s\n", mem_spec, strerror(-ret));
		return 1;
	}
	req.addr = (uintptr_t)mem.addr;
	ret = gpt_pin(fd, &req);
	print_pin(&info, &req, mem_spec, ret);
	gpt_mem_unmap(&mem);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (i < argc && !strcmp(argv[i], "--json")) {
		json = true;
		i++;
	}
	if (i >= argc)
		usage();
	if (!strcmp(argv[i], "info") && i + 1 == argc)
		return cmd_info();
	if (!strcmp(argv[i], "pin"))
		return cmd_pin(argc - i, argv + i);
	usage();
	return 2;
}
