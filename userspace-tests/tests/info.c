// SPDX-License-Identifier: GPL-2.0
/* GPT_IOC_INFO, and the test rig's own mounts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "suite.h"

#define W	GPT_FLAG_WRITE
#define L	GPT_FLAG_LONGTERM
#define F	GPT_FLAG_FORCE
#define NF	GPT_FLAG_NOFAULT
#define NW	GPT_FLAG_NOWAIT
#define A	GPT_FLAG_ANON

/*
 * What INFO must say about each path on Debian's 6.1: the flags it
 * accepts, and why LONGTERM, NOWAIT and ANON are refused where they are.
 */
static const struct {
	uint32_t path;
	const char *name;
	const char *function;
	uint64_t flags;
	uint32_t longterm_reason;
	bool fast;		/* NOWAIT and ANON refused: fast-flag */
	uint32_t class;
} paths[] = {
	{ GPT_PATH_GUP_FAST, "gup-fast", "get_user_pages_fast",
	  W | F | NF, GPT_REASON_GET_LONGTERM, true,
	  GPT_CLASS_GET | GPT_CLASS_FAST },
	{ GPT_PATH_PIN_FAST, "pin-fast", "pin_user_pages_fast",
	  W | L | F | NF, 0, true,
	  GPT_CLASS_PIN | GPT_CLASS_FAST },
	{ GPT_PATH_PIN, "pin", "pin_user_pages",
	  W | L | F | NF | NW | A, 0, false,
	  GPT_CLASS_PIN | GPT_CLASS_LOCKED },
	{ GPT_PATH_GUP, "gup", "get_user_pages",
	  W | F | NF | NW | A, GPT_REASON_GET_LONGTERM, false,
	  GPT_CLASS_GET | GPT_CLASS_LOCKED },
	/* 6.1's get_user_pages_fast_only() checks no flags: LONGTERM passes. */
	{ GPT_PATH_GUP_FAST_ONLY, "gup-fast-only", "get_user_pages_fast_only",
	  W | L | F | NF, 0, true,
	  GPT_CLASS_GET | GPT_CLASS_FAST | GPT_CLASS_FAST_ONLY },
	{ GPT_PATH_GUP_UNLOCKED, "gup-unlocked", "get_user_pages_unlocked",
	  W | F | NF | NW | A, GPT_REASON_UNLOCKED_LONGTERM, false,
	  GPT_CLASS_GET | GPT_CLASS_UNLOCKED },
	{ GPT_PATH_GUP_REMOTE, "gup-remote", "get_user_pages_remote",
	  W | F | NF | NW | A, GPT_REASON_GET_LONGTERM, false,
	  GPT_CLASS_GET | GPT_CLASS_LOCKED | GPT_CLASS_REMOTE },
	{ GPT_PATH_PIN_FAST_ONLY, "pin-fast-only", "pin_user_pages_fast_only",
	  W | L | F | NF, 0, true,
	  GPT_CLASS_PIN | GPT_CLASS_FAST | GPT_CLASS_FAST_ONLY },
	{ GPT_PATH_PIN_UNLOCKED, "pin-unlocked", "pin_user_pages_unlocked",
	  W | F | NF | NW | A, GPT_REASON_UNLOCKED_LONGTERM, false,
	  GPT_CLASS_PIN | GPT_CLASS_UNLOCKED },
	{ GPT_PATH_PIN_REMOTE, "pin-remote", "pin_user_pages_remote",
	  W | L | F | NF | NW | A, 0, false,
	  GPT_CLASS_PIN | GPT_CLASS_LOCKED | GPT_CLASS_REMOTE },
};

/* The refusals INFO must list: every path's refused flags above. */
static uint32_t nr_refusals(void)
{
	uint32_t n = 0;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		n += !!paths[i].longterm_reason + 2 * paths[i].fast;
	return n;
}

static void test_info_header(const struct suite *s)
{
	struct utsname u;
	struct tap_point t;

	tap_begin(&t);
	uname(&u);
	tap_check_eq(&t, "size", sizeof(s->info.h), s->info.h.size);
	tap_check_eq(&t, "uapi_version", GPT_UAPI_VERSION, s->info.h.uapi_version);
	tap_check(&t, !strcmp(s->info.h.release, u.release),
		  "release \"%s\", uname says \"%s\"", s->info.h.release, u.release);
	tap_check_eq(&t, "flags", GPT_FLAG_ALL, (int64_t)s->info.h.flags);
	tap_check_eq(&t, "nr_paths", sizeof(paths) / sizeof(paths[0]),
		     s->info.h.nr_paths);
	tap_check_eq(&t, "nr_refusals", nr_refusals(), s->info.h.nr_refusals);
	/* the module's defaults (main.c) */
	tap_check_eq(&t, "max_pages", 262144, (int64_t)s->info.h.max_pages);
	tap_check_eq(&t, "max_held_pages", 262144, (int64_t)s->info.h.max_held_pages);
	tap_check_eq(&t, "query_max", 256, s->info.h.query_max);
	tap_check(&t, s->info.h.module_version[0] != '\0', "no module_version");
	tap_end(&t, "INFO: uapi %u, kernel %s, module %s, %u paths, %u refusals",
		s->info.h.uapi_version, s->info.h.release,
		s->info.h.module_version, s->info.h.nr_paths,
		s->info.h.nr_refusals);
}

static void test_info_paths(const struct suite *s)
{
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const struct gpt_path_info *p =
			gpt_path_by_id(&s->info, paths[i].path);
		struct tap_point t;

		tap_begin(&t);
		if (tap_check(&t, p != NULL, "path %u missing", paths[i].path)) {
			tap_check(&t, !strcmp(p->name, paths[i].name),
				  "name \"%s\"", p->name);
			tap_check(&t, !strcmp(p->function, paths[i].function),
				  "function \"%s\"", p->function);
			tap_check_eq(&t, "reason", GPT_REASON_NONE, p->reason);
			/* HOLD goes with every path */
			tap_check_eq(&t, "flags", paths[i].flags | GPT_FLAG_HOLD,
				     (int64_t)p->flags);
			tap_check_eq(&t, "path_class", paths[i].class, p->path_class);
			tap_check_eq(&t, "longterm refusal reason",
				     paths[i].longterm_reason,
				     gpt_path_refuses(&s->info, p->path, L));
			tap_check_eq(&t, "nowait refusal reason",
				     paths[i].fast ? GPT_REASON_FAST_FLAG : 0,
				     gpt_path_refuses(&s->info, p->path, NW));
			tap_check_eq(&t, "anon refusal reason",
				     paths[i].fast ? GPT_REASON_FAST_FLAG : 0,
				     gpt_path_refuses(&s->info, p->path, A));
		}
		tap_end(&t, "INFO lists %s (%s), longterm %s%s", paths[i].name,
			paths[i].function, paths[i].longterm_reason ?
			gpt_reason_name(paths[i].longterm_reason) : "accepted",
			paths[i].fast ? ", nowait and anon fast-flag" : "");
	}
}

/* The mount options as /proc/mounts shows them, or "". */
static void mount_options(const char *dir, char *opts, size_t len)
{
	char mdev[256], mdir[256], mtype[64], mopts[512];
	FILE *f = fopen("/proc/mounts", "r");

	opts[0] = '\0';
	if (!f)
		return;
	while (fscanf(f, "%255s %255s %63s %511s %*d %*d", mdev, mdir, mtype,
		      mopts) == 4)
		if (!strcmp(mdir, dir))
			snprintf(opts, len, "%s %s", mtype, mopts);
	fclose(f);
}

/* The refusal tests mean nothing unless fsdax really is fsdax. */
static void test_mounts(const struct suite *s)
{
	char opts[600];
	struct tap_point t;

	tap_begin(&t);
	mount_options(s->dirs.fsdax, opts, sizeof(opts));
	tap_check(&t, !strncmp(opts, "ext4 ", 5) && strstr(opts, "dax=always"),
		  "%s: \"%s\"", s->dirs.fsdax, opts);
	mount_options(s->dirs.ext4, opts, sizeof(opts));
	tap_check(&t, !strncmp(opts, "ext4 ", 5) && strstr(opts, "dax=never"),
		  "%s: \"%s\"", s->dirs.ext4, opts);
	mount_options(s->dirs.tmpfs, opts, sizeof(opts));
	tap_check(&t, !strncmp(opts, "tmpfs ", 6), "%s: \"%s\"",
		  s->dirs.tmpfs, opts);
	tap_end(&t, "rig: %s is ext4 dax=always, %s ext4 dax=never, %s tmpfs",
		s->dirs.fsdax, s->dirs.ext4, s->dirs.tmpfs);
}

void test_info(struct suite *s)
{
	test_info_header(s);
	test_info_paths(s);
	test_mounts(s);
}
