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
 * Other kernels: the changes below.
 */
struct path_expect {
	uint32_t path;
	const char *name;
	const char *function;
	uint64_t flags;
	uint32_t longterm_reason;
	bool fast;		/* NOWAIT and ANON refused: fast-flag */
	uint32_t class;
	uint32_t reason;	/* the path's own: not-in-kernel */
};

static const struct path_expect paths_6_1[] = {
	{ GPT_PATH_GUP_FAST, "gup-fast", "get_user_pages_fast",
	  W | F | NF, GPT_REASON_GET_LONGTERM, true,
	  GPT_CLASS_GET | GPT_CLASS_FAST, 0 },
	{ GPT_PATH_PIN_FAST, "pin-fast", "pin_user_pages_fast",
	  W | L | F | NF, 0, true,
	  GPT_CLASS_PIN | GPT_CLASS_FAST, 0 },
	{ GPT_PATH_PIN, "pin", "pin_user_pages",
	  W | L | F | NF | NW | A, 0, false,
	  GPT_CLASS_PIN | GPT_CLASS_LOCKED, 0 },
	{ GPT_PATH_GUP, "gup", "get_user_pages",
	  W | F | NF | NW | A, GPT_REASON_GET_LONGTERM, false,
	  GPT_CLASS_GET | GPT_CLASS_LOCKED, 0 },
	/* 6.1's get_user_pages_fast_only() checks no flags: LONGTERM passes. */
	{ GPT_PATH_GUP_FAST_ONLY, "gup-fast-only", "get_user_pages_fast_only",
	  W | L | F | NF, 0, true,
	  GPT_CLASS_GET | GPT_CLASS_FAST | GPT_CLASS_FAST_ONLY, 0 },
	{ GPT_PATH_GUP_UNLOCKED, "gup-unlocked", "get_user_pages_unlocked",
	  W | F | NF | NW | A, GPT_REASON_UNLOCKED_LONGTERM, false,
	  GPT_CLASS_GET | GPT_CLASS_UNLOCKED, 0 },
	{ GPT_PATH_GUP_REMOTE, "gup-remote", "get_user_pages_remote",
	  W | F | NF | NW | A, GPT_REASON_GET_LONGTERM, false,
	  GPT_CLASS_GET | GPT_CLASS_LOCKED | GPT_CLASS_REMOTE, 0 },
	{ GPT_PATH_PIN_FAST_ONLY, "pin-fast-only", "pin_user_pages_fast_only",
	  W | L | F | NF, 0, true,
	  GPT_CLASS_PIN | GPT_CLASS_FAST | GPT_CLASS_FAST_ONLY, 0 },
	{ GPT_PATH_PIN_UNLOCKED, "pin-unlocked", "pin_user_pages_unlocked",
	  W | F | NF | NW | A, GPT_REASON_UNLOCKED_LONGTERM, false,
	  GPT_CLASS_PIN | GPT_CLASS_UNLOCKED, 0 },
	{ GPT_PATH_PIN_REMOTE, "pin-remote", "pin_user_pages_remote",
	  W | L | F | NF | NW | A, 0, false,
	  GPT_CLASS_PIN | GPT_CLASS_LOCKED | GPT_CLASS_REMOTE, 0 },
};

#define NR_PATHS	(sizeof(paths_6_1) / sizeof(paths_6_1[0]))
#define P(x)		(1U << GPT_PATH_##x)
#define EVERY_PATH	(~0U)

/* How other kernels differ from 6.1, by the commit that made them differ. */
static const struct info_change {
	struct krange k;
	uint32_t paths;			/* P() mask */
	uint64_t add, drop;		/* accepted flags */
	int longterm_reason;		/* -1: unchanged */
	uint32_t path_reason;
	const char *commit;
} changes[] = {
	{ BEFORE(5, 16), EVERY_PATH, 0, NF, -1, 0,
	  "FOLL_NOFAULT: 55b8fe703bc5, 5.16" },
	{ SINCE(6, 3), P(GUP_FAST_ONLY) | P(GUP_UNLOCKED), 0, L,
	  GPT_REASON_GET_LONGTERM, 0,
	  "is_valid_gup_args(): LONGTERM needs PIN everywhere, d64e2dbc33a1, 6.3" },
	{ SINCE(6, 3), P(PIN_UNLOCKED), L, 0, 0, 0,
	  "is_valid_gup_args() lets pin_user_pages_unlocked() pin long-term, 6.3" },
	{ SINCE(6, 3), P(PIN_FAST_ONLY), 0, 0, -1, GPT_REASON_NOT_IN_KERNEL,
	  "pin_user_pages_fast_only() removed: edad1bb1fbf7, 6.3" },
};

static struct path_expect paths[NR_PATHS];
/* Flags the kernel lacks: every path refuses them, not-in-kernel. */
static uint64_t absent_flags;

static void paths_for_this_kernel(void)
{
	for (size_t c = 0; c < sizeof(changes) / sizeof(changes[0]); c++)
		if (kernel_in(changes[c].k))
			tap_diag("INFO on %s differs from 6.1's: %s", kernel.name,
				 changes[c].commit);
	for (size_t i = 0; i < NR_PATHS; i++) {
		struct path_expect *p = &paths[i];

		*p = paths_6_1[i];
		for (size_t c = 0; c < sizeof(changes) / sizeof(changes[0]); c++) {
			const struct info_change *ch = &changes[c];

			if (!kernel_in(ch->k) || !(ch->paths & (1U << p->path)))
				continue;
			p->flags = (p->flags | ch->add) & ~ch->drop;
			if (ch->longterm_reason >= 0)
				p->longterm_reason = ch->longterm_reason;
			if (ch->path_reason)
				p->reason = ch->path_reason;
			if (ch->paths == EVERY_PATH)
				absent_flags |= ch->drop;
		}
	}
}

/* The refusals INFO must list: every path's refused flags above. */
static uint32_t nr_refusals(void)
{
	uint32_t n = 0;

	for (size_t i = 0; i < NR_PATHS; i++)
		n += !!paths[i].longterm_reason + 2 * paths[i].fast +
		     __builtin_popcountll(absent_flags);
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
	tap_check_eq(&t, "nr_paths", NR_PATHS, s->info.h.nr_paths);
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
	for (size_t i = 0; i < NR_PATHS; i++) {
		const struct gpt_path_info *p =
			gpt_path_by_id(&s->info, paths[i].path);
		struct tap_point t;

		tap_begin(&t);
		if (tap_check(&t, p != NULL, "path %u missing", paths[i].path)) {
			tap_check(&t, !strcmp(p->name, paths[i].name),
				  "name \"%s\"", p->name);
			tap_check(&t, !strcmp(p->function, paths[i].function),
				  "function \"%s\"", p->function);
			tap_check_eq(&t, "reason", paths[i].reason, p->reason);
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
			tap_check_eq(&t, "nofault refusal reason",
				     (absent_flags & NF) ? GPT_REASON_NOT_IN_KERNEL : 0,
				     gpt_path_refuses(&s->info, p->path, NF));
		}
		tap_end(&t, "INFO lists %s (%s)%s, longterm %s%s%s", paths[i].name,
			paths[i].function, paths[i].reason ? ": not in this kernel" : "",
			paths[i].longterm_reason ?
			gpt_reason_name(paths[i].longterm_reason) : "accepted",
			paths[i].fast ? ", nowait and anon fast-flag" : "",
			(absent_flags & NF) ? ", no nofault" : "");
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
	paths_for_this_kernel();
	test_info_header(s);
	test_info_paths(s);
	test_mounts(s);
}
