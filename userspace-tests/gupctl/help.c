// SPDX-License-Identifier: GPL-2.0
/*
 * Every command and option of gupctl, once.  The commands take their
 * getopt tables from here, so an option cannot exist without its text;
 * --help, help COMMAND and --man (gupctl(1)) print the same words.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "help.h"

static const struct help_opt no_opts[] = { { NULL, 0, NULL, 0, NULL } };

static const struct help_opt pin_opts[] = {
	{ "path", 'p', "NAME", 0,
	  "the GUP path: a short name or the kernel function, as gupctl info lists them "
	  "(gup-fast, pin-fast, gup-fast-only, pin-fast-only, gup, pin, gup-unlocked, "
	  "pin-unlocked, gup-remote, pin-remote); --path or --as is needed" },
	{ "as", 'S', "PROFILE", 0,
	  "pin as that driver does on this kernel (its path, flags, batch and RLIMIT_MEMLOCK "
	  "accounting, gupctl profiles lists them: rdma, vfio, io_uring, odirect, v4l2, xdp, "
	  "vdpa, nvidia, kvm, process_vm) and say what the driver would answer, and why" },
	{ "read-only", 'R', NULL, 0,
	  "with --as: the device only reads the memory (a read-only MR, an output queue, "
	  "write() from it)" },
	{ "account", 'K', "MODE", 0,
	  "charge RLIMIT_MEMLOCK as a driver does: none, pinned-vm (RDMA), pinned-vm-nocap "
	  "(vhost-vdpa), locked-vm (VFIO), user-locked-vm (AF_XDP), user-locked-vm-pinned "
	  "(io_uring); default: pinned-vm for --hold, else none" },
	{ "write", 'w', NULL, 0, "FOLL_WRITE" },
	{ "longterm", 'l', NULL, 0, "FOLL_LONGTERM" },
	{ "force", 'F', NULL, 0, "FOLL_FORCE" },
	{ "nofault", 'N', NULL, 0, "FOLL_NOFAULT" },
	{ "nowait", 'W', NULL, 0, "FOLL_NOWAIT" },
	{ "anon", 'A', NULL, 0, "FOLL_ANON" },
	{ "mem", 'm', "MEM", 0,
	  "the memory to pin: anon (the default), file:PATH (an existing regular file of at "
	  "least --pages pages, mapped shared and only read, never created, truncated or "
	  "grown; or a device-DAX device /dev/daxN.M), or kind:KIND, any memory kind of "
	  "the matrix (kind:anon-thp, kind:memfd-hugetlb, kind:zero-page...)" },
	{ "pages", 'n', "N", 0, "pages to pin, 1 to the module's max_pages (1)" },
	{ "per-call", 'c', "N", 0, "pages per GUP call; 0: all in one (0)" },
	{ "private", 'P', NULL, 0, "map anon: or file: memory MAP_PRIVATE" },
	{ "create", 'C', NULL, 0,
	  "with file:PATH: create a new file of the size asked (never an existing one)" },
	{ "prefault", 'f', "HOW", 0,
	  "write, read or none: how the memory is faulted in first (write for anon, whose "
	  "read maps the zero page; read for files; only write writes into a file)" },
	{ "pid", 'i', "PID", 0,
	  "pin another process's memory, at --addr, through a *-remote path (ptrace "
	  "access to it needed, as for process_vm_readv())" },
	{ "addr", 'a', "ADDR", 0, "the address to pin at in the process of --pid" },
	{ "hold", 'h', NULL, 0,
	  "keep the pages pinned, print every held page (QUERY), then release them" },
	{ "dirty", 'd', NULL, 0, "with --hold: release the pages dirty" },
	{ "wait", 'x', NULL, 0, "with --hold: release only after Enter" },
	{ NULL, 0, NULL, 0, NULL },
};

static const struct help_opt profiles_opts[] = {
	{ "matrix", 'M', NULL, 0,
	  "run every profile, as it is on this kernel, over every memory kind (16 pages "
	  "each), device writing and, where it differs, only reading; print what each "
	  "driver would answer" },
	{ "kernel", 'k', "X.Y", 0, "the table: mark the rows of kernel X.Y, not this one" },
	{ "fsdax", 'd', "DIR", 0, "an ext4 mounted -o dax, for the fsdax kinds (/mnt/dax)" },
	{ "ext4", 'e', "DIR", 0, "an ext4 without DAX, for the page-cache kinds (/mnt/ext4)" },
	{ "tmpfs", 't', "DIR", 0, "a tmpfs, for the shmem kinds (/tmp)" },
	{ NULL, 0, NULL, 0, NULL },
};

static const struct help_opt unpin_opts[] = {
	{ "dirty", 'd', NULL, 0, "release the pages dirty (a write pin only)" },
	{ NULL, 0, NULL, 0, NULL },
};

static const struct help_opt matrix_opts[] = {
	{ "fsdax", 'd', "DIR", 0, "an ext4 mounted -o dax, for the fsdax kinds (/mnt/dax)" },
	{ "ext4", 'e', "DIR", 0, "an ext4 without DAX, for the page-cache kinds (/mnt/ext4)" },
	{ "tmpfs", 't', "DIR", 0, "a tmpfs, for the shmem kinds (/tmp)" },
	{ "pages", 'n', "N", 0, "pages a cell pins (16)" },
	{ "kind", 'k', "KIND", 0, "only this memory kind" },
	{ "path", 'p', "NAME", 0, "only this path" },
	{ "read", 'r', NULL, 0, "only read pins" },
	{ "write", 'w', NULL, 0, "only write pins" },
	{ "short-term", 's', NULL, 0, "only short-term pins" },
	{ "longterm", 'l', NULL, 0, "only long-term pins" },
	{ NULL, 0, NULL, 0, NULL },
};

static const struct help_opt watch_opts[] = {
	{ "older-than", 'o', "MS", 0, "only pages pinned at least MS milliseconds (0)" },
	{ "every", 'e', "MS", 0, "list again every MS milliseconds" },
	{ "count", 'c', "N", 0, "with --every: N listings; 0: until killed (1)" },
	{ NULL, 0, NULL, 0, NULL },
};

static const struct help_opt experiment_opts[] = {
	{ "fsdax", 'd', "DIR", 0, "an ext4 mounted -o dax, for the fsdax experiments (/mnt/dax)" },
	{ "event", 'e', "E", HELP_REPEAT,
	  "experiment coherence: only this event (fork-child-writes, fork-child-exits, "
	  "mprotect, pageout, ksm, thp-split, collapse, mremap, dontneed)" },
	{ "mem", 'm', "M", HELP_REPEAT, "experiment coherence: only this memory" },
	{ "pin", 'p', "P", HELP_REPEAT,
	  "experiment coherence: only this way of pinning (pin-rw, get-ro-lt...)" },
	{ NULL, 0, NULL, 0, NULL },
};

static const struct help_opt bench_opts[] = {
	{ "path", 'p', "P", HELP_REPEAT,
	  "gup-fast, pin-fast, pin-longterm (the default three, as gup_test -u, -a, -L), "
	  "gup, pin, pin-fast-longterm" },
	{ "mem", 'm', "M", HELP_REPEAT,
	  "anon (4 KiB pages), thp, hugetlb, fsdax (with --fsdax); default anon, thp, hugetlb" },
	{ "per-call", 'n', "N", HELP_REPEAT, "pages per GUP call; default 1, 8, 64, 512, all" },
	{ "size", 's', "MIB", HELP_REPEAT, "the range, written first (128)" },
	{ "threads", 'T', "N", 0,
	  "N threads pin at once, each its own range, released together" },
	{ "apart", 'A', NULL, 0,
	  "with --threads: each range starts a GiB boundary of its own, so that no two "
	  "share a PMD table, nor its lock" },
	{ "read", 'r', NULL, 0, "pin without FOLL_WRITE" },
	{ "spread", 't', "PCT", 0,
	  "double a sample's window of repeats until the 5 samples agree within PCT (3)" },
	{ "budget", 'b', "S", 0, "seconds a figure may take; past it, starred (2)" },
	{ "repeats", 'R', "R", 0, "gup_test's way instead: R repeats, each a sample" },
	{ "offset", 'O', "PAGES", 0, "start the range PAGES past a 2 MiB boundary, as gup_test's does" },
	{ "profile", 'P', "[=DEPTH]", 0,
	  "after each figure, one more repeat under the function_graph tracer, printed as "
	  "a call tree DEPTH levels deep (6); the tracer must be idle, and is put back" },
	{ "fsdax", 'd', "DIR", 0, "an ext4 mounted -o dax, for --mem fsdax" },
	{ "csv", 'c', "FILE", 0, "write every figure to a new CSV file" },
	{ "out", 'o', "DIR", 0, "write the table, CSV and JSON to DIR/bench.txt, .csv, .json" },
	{ NULL, 0, NULL, 0, NULL },
};

static const char *const info_ex[] = { "gupctl info", "gupctl --json info", NULL };
static const char *const pin_ex[] = {
	"gupctl pin --path pin-fast --write --pages 16",
	"gupctl pin --path pin --longterm --mem kind:fsdax-shared",
	"gupctl pin --path pin_user_pages --write --mem kind:anon-thp --pages 512 --hold",
	"gupctl pin --path pin-remote --pid 1234 --addr 0x7f0000000000",
	"gupctl pin --as rdma --mem file:/mnt/dax/f --pages 16",
	"gupctl pin --as io_uring --mem kind:ext4-shared --pages 16",
	NULL,
};
static const char *const profiles_ex[] = {
	"gupctl profiles",
	"gupctl profiles --kernel 6.1",
	"gupctl --json profiles --matrix",
	NULL,
};
static const char *const session_ex[] = {
	"printf 'pin --path pin --write --hold\\nquery 1\\nunpin 1 --dirty\\n' | gupctl session",
	NULL,
};
static const char *const matrix_ex[] = {
	"gupctl matrix --kind anon-thp --write",
	"gupctl --json matrix --path pin --longterm",
	NULL,
};
static const char *const watch_ex[] = { "gupctl watch --older-than 1000 --every 500 --count 0", NULL };
static const char *const experiment_ex[] = {
	"gupctl experiment list",
	"gupctl experiment all",
	"gupctl experiment coherence --event fork-child-writes --pin pin-rw",
	NULL,
};
static const char *const bench_ex[] = {
	"gupctl bench --mem anon --per-call 1 --per-call 512",
	"gupctl bench --path pin-longterm --mem thp --per-call 512 --profile",
	"gupctl bench --out /tmp/bench",
	NULL,
};
static const char *const no_ex[] = { NULL };

static const struct help_cmd cmds[] = {
	{ "info", NULL, "the paths and flags this module supports here",
	  "Lists every GUP path with its kernel function and the FOLL_* flags it takes on "
	  "the running kernel, each refusal with its reason, and the module's version, uapi "
	  "and limits.", no_opts, info_ex },
	{ "pin", NULL, "pin, report, release",
	  "Pins the memory through one path and prints, page by page, the refcount, pin "
	  "count, pfn, zone and kind before, while pinned and after the release, the "
	  "system's FOLL_PIN counters, the GUP calls made and, if GUP refused, its errno "
	  "and the reason. --mem file:PATH never writes into the file unless --prefault "
	  "write asks.", pin_opts, pin_ex },
	{ "profiles", NULL, "how drivers pin: the table, or every driver over every memory",
	  "Each driver profile: the kernel function it mirrors, the kernels it holds for, "
	  "the GUP path, flags and batch, the RLIMIT_MEMLOCK accounting and the errnos the "
	  "driver returns; * marks the rows in force on this kernel. With --matrix, what "
	  "each driver would answer for each kind of memory.", profiles_opts, profiles_ex },
	{ "query", "HANDLE", "the per-page records of a held pin (in a session)",
	  "HANDLE is the number pin --hold printed.", no_opts, no_ex },
	{ "unpin", "HANDLE", "release a held pin (in a session)",
	  "HANDLE is the number pin --hold printed.", unpin_opts, no_ex },
	{ "session", NULL, "read commands from standard input, one a line",
	  "Holds live until unpin or the end of the input; the exit status is the highest "
	  "of the commands'.", no_opts, session_ex },
	{ "matrix", NULL, "every kind of memory x every path, or those asked",
	  "Pins every memory kind (anonymous, THP, zero page, page cache, shmem, hugetlb, "
	  "fsdax, device-DAX...) through every path, read and write, short- and long-term, "
	  "and prints four tables of what happened; with --json each cell's per-page "
	  "refcount and pincount deltas.", matrix_opts, matrix_ex },
	{ "watch", NULL, "every page of every hold of every open file",
	  "The pin watch: owner pid, handle, path, flags, page, address, pfn, zone, kind "
	  "and age of each held page the caller may see.", watch_opts, watch_ex },
	{ "experiment", "list|all|NAME...|coherence",
	  "what the kernel does to pinned pages, short-term against long-term",
	  "Each experiment (migration, compaction, memory offlining, NUMA moves, "
	  "fsdax truncation...) with a short-term pin released at once, one held, and a "
	  "long-term pin, and its evidence. experiment coherence asks, after fork, "
	  "mprotect, swap, KSM, THP split and collapse, mremap and MADV_DONTNEED, whether "
	  "the device (through the pin) and the process still see each other's writes.",
	  experiment_opts, experiment_ex },
	{ "bench", NULL, "mm/gup_test.c's benchmarks: ns per page to pin and release",
	  "For each memory x range x path x pages per call: ns per page to pin (get) and "
	  "release (put) the range, median and spread over 5 samples. Progress goes to a "
	  "terminal's stderr; figures never pass or fail.", bench_opts, bench_ex },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

static const char usage_head[] =
	"usage: gupctl [--json] COMMAND [OPTION]...\n"
	"       gupctl help [COMMAND] | --help | --version | --man\n";
static const char exit_text[] =
	"exit status: 0 every page pinned as asked (or the command done), 1 GUP refused "
	"or pinned short, 2 usage error, 3 the module refused the request, 4 setup failed "
	"(no device, no such file)";

const struct help_cmd *help_find(const char *name)
{
	for (const struct help_cmd *c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

void help_getopt(const char *name, struct option *out, size_t size)
{
	const struct help_cmd *c = help_find(name);
	size_t n = 0;

	if (!c)		/* a command without its text: gupctl's own bug */
		abort();
	for (const struct help_opt *o = c->opts; o->name && n + 1 < size; o++)
		out[n++] = (struct option){ o->name,
			!o->arg ? no_argument : o->arg[0] == '[' ? optional_argument :
			required_argument, NULL, o->val };
	out[n] = (struct option){ NULL, 0, NULL, 0 };
}

/* Where a line may not break: inside one option of a synopsis. */
#define NBSP	'\x01'

/* "--name ARG", "[--name[=X]]"... as a synopsis shows an option. */
static void opt_synopsis(char *buf, size_t len, const struct help_opt *o)
{
	bool req = o->flags & HELP_REQUIRED;

	snprintf(buf, len, "%s--%s%s%s%s%s", req ? "" : "[", o->name,
		 o->arg && o->arg[0] != '[' ? "\x01" : "", o->arg ? o->arg : "",
		 req ? "" : "]", o->flags & HELP_REPEAT ? "..." : "");
}

/*
 * @text wrapped to @width columns, the first line after @indent spaces,
 * the others after @hang.
 */
static void wrap(FILE *to, const char *text, int indent, int hang, int width)
{
	const char *p = text;

	while (*p) {
		int room = width - indent > 20 ? width - indent : 20;
		int len = (int)strlen(p), cut = len;

		if (len > room) {
			cut = room;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (!cut)	/* a word longer than the line */
				cut = room;
		}
		fprintf(to, "%*s", indent, "");
		for (int i = 0; i < cut; i++)
			fputc(p[i] == NBSP ? ' ' : p[i], to);
		fputc('\n', to);
		p += cut;
		while (*p == ' ')
			p++;
		indent = hang;
	}
}

static void synopsis(FILE *to, const char *before, const struct help_cmd *c,
		     int indent)
{
	char line[2048], opt[128];

	snprintf(line, sizeof(line), "%s%s", before, c->name);
	if (c->args)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s", c->args);
	for (const struct help_opt *o = c->opts; o->name; o++) {
		opt_synopsis(opt, sizeof(opt), o);
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s", opt);
	}
	wrap(to, line, indent, indent + 4, 79);
}

void help_names(FILE *to, const char *cmd)
{
	const struct help_cmd *c = cmd ? help_find(cmd) : NULL;

	if (!cmd) {
		for (c = cmds; c->name; c++)
			fprintf(to, "%s\n", c->name);
		return;
	}
	for (const struct help_opt *o = c ? c->opts : no_opts; o->name; o++)
		fprintf(to, "--%s\n", o->name);
}

void help_usage(FILE *to)
{
	fputs(usage_head, to);
	for (const struct help_cmd *c = cmds; c->name; c++) {
		synopsis(to, "", c, 2);
		wrap(to, c->summary, 8, 8, 79);
	}
	fputs("--json: one JSON document per command instead of tables\n", to);
	wrap(to, exit_text, 0, 2, 79);
	fputs("gupctl help COMMAND: its options; man gupctl: everything\n", to);
}

void help_command(FILE *to, const struct help_cmd *c)
{
	char opt[128];

	synopsis(to, "usage: gupctl [--json] ", c, 0);
	wrap(to, c->summary, 2, 2, 79);
	wrap(to, c->text, 2, 2, 79);
	for (const struct help_opt *o = c->opts; o->name; o++) {
		opt_synopsis(opt, sizeof(opt), o);
		wrap(to, opt, 2, 2, 79);
		wrap(to, o->text, 6, 6, 79);
	}
	for (const char *const *e = c->examples; *e; e++)
		fprintf(to, "%s  %s\n", e == c->examples ? "examples:\n" : "", *e);
}

/* Text for roff: backslashes and minus signs escaped, no line starts a request. */
static void roff(FILE *to, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", to);
	for (; *s; s++) {
		if (*s == NBSP)
			fputs("\\ ", to);	/* an unbreakable space */
		else if (*s == '\\')
			fputs("\\e", to);
		else if (*s == '-')
			fputs("\\-", to);
		else
			fputc(*s, to);
	}
}

static void man_opt(FILE *to, const struct help_opt *o)
{
	fputs(".TP\n\\fB", to);
	roff(to, "--");
	roff(to, o->name);
	fputs("\\fR", to);
	if (o->arg && o->arg[0] == '[') {	/* "[=X]" */
		char name[32];

		snprintf(name, sizeof(name), "%.*s", (int)strlen(o->arg) - 3, o->arg + 2);
		fputs("[=\\fI", to);
		roff(to, name);
		fputs("\\fR]", to);
	} else if (o->arg) {
		fputs(" \\fI", to);
		roff(to, o->arg);
		fputs("\\fR", to);
	}
	if (o->flags & HELP_REPEAT)
		fputs(" ...", to);
	fputs("\n", to);
	roff(to, o->text);
	fputs(o->flags & HELP_REQUIRED ? " (required)\n" : "\n", to);
}

void help_man(FILE *to, const char *version)
{
	fprintf(to, ".TH GUPCTL 1 \"\" \"gup-pin-test %s\" \"User Commands\"\n", version);
	/* options, paths and function names are never hyphenated */
	fputs(".nh\n", to);
	fputs(".SH NAME\ngupctl \\- experiments with pinned user pages through /dev/gup_test\n"
	      ".SH SYNOPSIS\n", to);
	for (const struct help_cmd *c = cmds; c->name; c++) {
		fputs(".B gupctl\n[\\fB\\-\\-json\\fR]\n.B ", to);
		roff(to, c->name);
		fputs("\n", to);
		if (c->args) {
			roff(to, c->args);
			fputs("\n", to);
		}
		for (const struct help_opt *o = c->opts; o->name; o++) {
			char opt[128];

			opt_synopsis(opt, sizeof(opt), o);
			roff(to, opt);
			fputs("\n", to);
		}
		fputs(".br\n", to);
	}
	fputs(".B gupctl\nhelp [\\fICOMMAND\\fR] | \\-\\-help | \\-\\-version | \\-\\-man\n"
	      ".SH DESCRIPTION\n"
	      "gupctl pins user pages through every GUP path of the running kernel "
	      "(get_user_pages*() and pin_user_pages*(), fast and slow, short- and "
	      "long-term) with the gup_pin_test module, and reports exactly what the kernel "
	      "did to each page and why.\n"
	      ".TP\n\\fB\\-\\-json\\fR\n"
	      "Before the command: one JSON document per command run, on one line, "
	      "instead of tables (the schema is in gupctl.schema.json).\n"
	      ".TP\n\\fB\\-\\-version\\fR\n"
	      "gupctl's version and uapi, and the loaded module's; a warning when they "
	      "differ.\n"
	      ".SH COMMANDS\n", to);
	for (const struct help_cmd *c = cmds; c->name; c++) {
		fputs(".SS ", to);
		roff(to, c->name);
		if (c->args) {
			fputs(" ", to);
			roff(to, c->args);
		}
		fputs("\n", to);
		roff(to, c->summary);
		fputs(".\n", to);
		roff(to, c->text);
		fputs("\n", to);
		for (const struct help_opt *o = c->opts; o->name; o++)
			man_opt(to, o);
	}
	fputs(".SH EXIT STATUS\n", to);
	roff(to, exit_text + strlen("exit status: "));
	fputs(".\n.SH EXAMPLES\n", to);
	for (const struct help_cmd *c = cmds; c->name; c++)
		for (const char *const *e = c->examples; *e; e++) {
			fputs(".nf\n", to);
			roff(to, *e);
			fputs("\n.fi\n", to);
		}
	fputs(".SH FILES\n.TP\n.I /dev/gup_test\n"
	      "the module's device: root's by default (mode 0600)\n"
	      ".SH SEE ALSO\n"
	      "/usr/share/doc/gup-pin-test-tools/, the kernel's mm/gup.c and "
	      "Documentation/core-api/pin_user_pages.rst\n", to);
}
