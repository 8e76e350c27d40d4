// SPDX-License-Identifier: GPL-2.0
/*
 * gupctl profiles: the table of driver profiles, and with --matrix every
 * profile (as it is on the running kernel) over every kind of memory.
 * gupctl pin --as uses the same rows and the same verdicts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "gupctl.h"
#include "help.h"
#include "json.h"
#include "drivers.h"
#include "drivers_cmd.h"

#define CELL_PAGES	16

static const char *path_name(uint32_t path)
{
	return gpt_path_function(path);
}

jobj *profile_json(const struct gpt_driver *p, uint32_t kv)
{
	jobj *o = json_object_new_object();
	char k[32];

	j_set(o, "name", j_str(p->name));
	j_set(o, "kernels", j_str(gpt_driver_kernels(p, k, sizeof(k))));
	j_set(o, "this_kernel", json_object_new_boolean(gpt_driver_in(p, kv)));
	j_set(o, "caller", j_str(p->caller));
	j_set(o, "entry", j_str(p->entry));
	j_set(o, "path", j_str(path_name(p->path)));
	j_set(o, "flags", j_flags(p->flags));
	j_set(o, "flags_device_writes", j_flags(p->flags_write));
	j_set(o, "flags_device_reads", j_flags(p->flags_read));
	j_set(o, "pages_per_call", p->per_call ? j_u64(p->per_call) : NULL);
	j_set(o, "memlock", j_str(gpt_account_name(p->account)));
	j_set(o, "memlock_errno", j_errno(p->memlock_err));
	j_set(o, "short_errno", j_errno(p->short_err));
	j_set(o, "every_failure_as", p->fails_as ? j_str(p->fails_as) : j_errno(p->all_err));
	j_set(o, "change", p->change ? j_str(p->change) : NULL);
	return j_set(o, "note", j_str(p->note));
}

/* One profile row, as text. */
void profile_print(const struct gpt_driver *p, uint32_t kv, bool long_form)
{
	char k[32], f[96], fw[64], fr[64], per[16] = "all";

	gpt_flags_format(p->flags, f, sizeof(f));
	gpt_flags_format(p->flags_write, fw, sizeof(fw));
	gpt_flags_format(p->flags_read, fr, sizeof(fr));
	if (p->per_call)
		snprintf(per, sizeof(per), "%u", p->per_call);
	printf("%c %-10s %-9s %s(%s%s%s%s%s), %s a call, memlock %s\n",
	       gpt_driver_in(p, kv) ? '*' : ' ', p->name, gpt_driver_kernels(p, k, sizeof(k)),
	       path_name(p->path), f,
	       p->flags_write ? ", device writes: +" : "", p->flags_write ? fw : "",
	       p->flags_read ? ", device reads: +" : "", p->flags_read ? fr : "",
	       per, gpt_account_name(p->account));
	if (!long_form)
		return;
	printf("    %s, for %s\n", p->caller, p->entry);
	if (p->change)
		printf("    since %s\n", p->change);
	printf("    %s\n", p->note);
}

static const char *kernel_name(uint32_t kv, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u", kv >> 8, kv & 0xff);
	return buf;
}

static int print_table(uint32_t kv)
{
	char k[16];
	size_t n;
	const struct gpt_driver *rows = gpt_drivers(&n);
	jobj *d, *arr;

	if (json) {
		d = j_doc("profiles");
		arr = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, profile_json(&rows[i], kv));
		j_set(d, "kernel", j_str(kernel_name(kv, k, sizeof(k))));
		j_print(j_set(d, "profiles", arr));
		return EXIT_ALL;
	}
	printf("driver profiles (* in force on this kernel, %u.%u)\n", kv >> 8, kv & 0xff);
	for (size_t i = 0; i < n; i++)
		profile_print(&rows[i], kv, true);
	return EXIT_ALL;
}

void profile_run(int fd, const struct gpt_dirs *dirs, const struct gpt_driver *p,
		 bool device_writes, enum gpt_mem_kind kind, struct gpt_cell_result *r,
		 struct gpt_verdict *v)
{
	struct gpt_pin req = { 0 };

	gpt_driver_request(p, device_writes, &req);
	gpt_cell_run(fd, dirs, kind, CELL_PAGES, &req, false, r);
	if (r->setup_err) {
		memset(v, 0, sizeof(*v));
		v->kind = GPT_VERDICT_UNKNOWN;
		snprintf(v->buf, sizeof(v->buf), "no such memory here: %s",
			 gpt_errno_name(-r->setup_err));
		v->because = v->buf;
		return;
	}
	gpt_driver_judge(p, r->ioctl_err, &r->res, r->rec, r->res.nr_records,
			  CELL_PAGES, v);
}

/* Does the device's direction change what this profile asks? */
static bool has_read_form(const struct gpt_driver *p)
{
	return p->flags_write != p->flags_read;
}

static int matrix(const struct gpt_dirs *dirs, uint32_t kv)
{
	const char *const *names = gpt_driver_names();
	jobj *d = NULL, *cells = NULL;
	int failed = 0;
	char k[16];

	open_dev();
	if (json) {
		d = j_doc("profiles-matrix");
		cells = json_object_new_array();
	} else {
		printf("each profile on %u.%u over %d pages of each memory: what the caller "
		       "returns (ok, no-pin: maps pfns unpinned, ERRNO; /r: the device only "
		       "reads)\n%-14s", kv >> 8, kv & 0xff, CELL_PAGES, "");
		for (size_t i = 0; names[i]; i++) {
			const struct gpt_driver *p = gpt_driver_for(names[i], kv);

			printf(" %-11s", names[i]);
			if (p && has_read_form(p))
				printf(" %-11s", "/r");
		}
		printf("\n");
	}
	for (int kind = 0; kind < GPT_MEM_END; kind++) {
		if (!json)
			printf("%-14s", gpt_kind_name(kind));
		for (size_t i = 0; names[i]; i++) {
			const struct gpt_driver *p = gpt_driver_for(names[i], kv);

			for (int w = 1; p && w >= (has_read_form(p) ? 0 : 1); w--) {
				static struct gpt_cell_result r;
				struct gpt_verdict v;
				jobj *o;

				profile_run(dev, dirs, p, w, kind, &r, &v);
				failed |= v.kind == GPT_VERDICT_UNKNOWN && !r.setup_err;
				if (!json) {
					printf(" %-11s", gpt_verdict_cell(&v));
					continue;
				}
				o = json_object_new_object();
				j_set(o, "profile", j_str(p->name));
				j_set(o, "device_writes", json_object_new_boolean(w));
				j_set(o, "memory", j_str(gpt_kind_name(kind)));
				j_set(o, "outcome", j_str(gpt_verdict_cell(&v)));
				j_set(o, "errno", v.kind == GPT_VERDICT_FAILS ? j_errno(v.err) : NULL);
				j_set(o, "because", j_str(v.because ? v.because : ""));
				j_set(o, "fix", v.fix ? j_str(v.fix) : NULL);
				j_set(o, "gup_error", j_errno(r.res.error));
				j_set(o, "reason", j_reason(r.res.reason, r.res.reason_how));
				json_object_array_add(cells, j_set(o, "pinned", j_u64(r.res.pinned)));
			}
		}
		if (!json)
			printf("\n");
	}
	if (json) {
		j_set(d, "kernel", j_str(kernel_name(kv, k, sizeof(k))));
		j_print(j_set(d, "cells", cells));
	}
	return failed ? EXIT_REFUSED : EXIT_ALL;
}

int cmd_profiles(int argc, char **argv)
{
	struct gpt_dirs dirs = { "/mnt/dax", "/mnt/ext4", "/tmp" };
	struct option opts[8];
	bool run_matrix = false;
	uint32_t kv = gpt_kernel_kv();
	unsigned int a, b;
	int c;

	help_getopt("profiles", opts, sizeof(opts) / sizeof(opts[0]));
	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'M': run_matrix = true; break;
		case 'd': dirs.fsdax = optarg; break;
		case 'e': dirs.ext4 = optarg; break;
		case 't': dirs.tmpfs = optarg; break;
		case 'k':
			if (sscanf(optarg, "%u.%u", &a, &b) != 2 || a > 255 || b > 255)
				return bad("--kernel %s: want MAJOR.MINOR, as 6.1", optarg);
			kv = GPT_KV(a, b);
			break;
		default:
			return bad("profiles: unknown option");
		}
	}
	if (optind != argc)
		return bad("profiles: unexpected \"%s\"", argv[optind]);
	if (run_matrix && kv != gpt_kernel_kv())
		return bad("--matrix runs on this kernel: no --kernel with it");
	return run_matrix ? matrix(&dirs, kv) : print_table(kv);
}
