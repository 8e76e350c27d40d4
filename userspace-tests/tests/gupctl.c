// SPDX-License-Identifier: GPL-2.0
/*
 * gupctl's contract with people and scripts, run as they run it: the exit
 * status of each case (0 every page pinned, 1 GUP refused or pinned short,
 * 2 usage error, 3 the module refused, 4 setup failed), what it says, and
 * that a file it names is never changed, grown or created unless asked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite.h"

#define FILE_BYTES	8192	/* the precious file: two pages */

struct gupctl_case {
	const char *args;	/* @: the precious file, %: a path that is not there */
	int status;
	const char *out;	/* in its stdout, or NULL */
	const char *err;	/* in its stderr, or NULL */
	bool file_changes;	/* only --prefault write may write it */
	const char *why;
	const char *not_out;	/* not in its stdout, or NULL */
};

static const struct gupctl_case cases[] = {
	{ "--help", 0, "exit status: 0", NULL, false, "--help on stdout", NULL },
	{ "", 2, NULL, "usage: gupctl", false, "no command", NULL },
	{ "bogus", 2, NULL, "no command \"bogus\"", false, "no such command", NULL },
	/* the help, the manual page: one text (help.c), every option in it */
	{ "help bench", 0, "[--profile[=DEPTH]]", NULL, false, "a command's options", NULL },
	{ "help nosuch", 2, NULL, "no command \"nosuch\" to help with", false,
	  "help with no such command", NULL },
	{ "--man", 0, ".TH GUPCTL 1", NULL, false, "gupctl(1) in roff", NULL },
	/* 0, 1, 3: what the kernel and the module answered */
	{ "pin --path pin --mem anon --pages 4", 0, "pinned 4 of 4", NULL, false,
	  "every page pinned", NULL },
	{ "pin --path pin --write --mem kind:prot-none --pages 4", 1, "EFAULT", NULL, false,
	  "GUP refused: check_vma_flags()", NULL },
	{ "pin --path pin --mem kind:partial --pages 16", 1, "pinned 8 of 16", NULL, false,
	  "pinned short: the second half is not mapped", NULL },
	{ "pin --path gup --longterm --pages 4", 3, "request refused by the module", NULL,
	  false, "the module refuses FOLL_LONGTERM without FOLL_PIN", NULL },
	{ "pin --path gup-remote --pid 2147483647 --addr 4096", 3, "ESRCH", NULL, false,
	  "no such process", NULL },
	{ "query 99999", 3, "query 99999", NULL, false, "no such hold", NULL },
	{ "matrix --kind anon --path pin --write --longterm --pages 2", 0,
	  "write, long-term", NULL, false, "one cell: only what was asked", "read," },
	{ "--json matrix --kind anon --path pin-fast --read --short-term --pages 2", 0,
	  "\"fresh\": false, \"refcount_delta\": [ 1024, 1024 ], \"pincount_delta\": [ 0, 0 ]",
	  NULL, false, "a cell's per-page deltas: +1024 a small folio", "\"write\": true" },
	/* driver profiles: the answer, and its exit status */
	{ "pin --as rdma --mem kind:fsdax-shared --pages 4", 1, "rdma would fail: EOPNOTSUPP",
	  NULL, false, "rdma: FOLL_LONGTERM of fsdax", NULL },
	{ "pin --as vfio --mem kind:pfnmap --pages 4", 0, "would succeed without pinning", NULL,
	  false, "vfio maps VM_PFNMAP unpinned", NULL },
	{ "pin --as odirect --mem kind:fsdax-shared --pages 4", 0, "odirect would succeed",
	  NULL, false, "O_DIRECT pins short-term: fsdax is fine", NULL },
	{ "--json pin --as xdp --mem kind:partial --pages 16", 1,
	  "\"errno\": 12, \"name\": \"ENOMEM\"", NULL, false,
	  "xdp: a short pin is ENOMEM, in JSON", NULL },
	{ "pin --as vdpa --hold --mem kind:anon --pages 4", 0, "held as handle", NULL, false,
	  "--as keeps --hold", NULL },
	{ "profiles", 0, "vaddr_get_pfns()", NULL, false, "the table", NULL },
	{ "profiles --kernel 6.1", 0, "* v4l2       6.1 ", NULL, false,
	  "the rows of another kernel", NULL },
	{ "pin --as nosuch", 2, NULL, "no such profile", false, "no such profile", NULL },
	{ "pin --as rdma --path pin", 2, NULL, "no --path with it", false,
	  "--as with --path", NULL },
	{ "pin --as rdma --write", 2, NULL, "no flag options", false, "--as with a flag", NULL },
	{ "pin --path pin --read-only", 2, NULL, "add --as", false, "--read-only alone", NULL },
	{ "pin --path pin --hold --account none", 2, NULL, "always charged", false,
	  "a hold charged to nothing", NULL },
	{ "pin --path pin --account bogus", 2, NULL, "--account bogus", false,
	  "no such account", NULL },
	{ "profiles --kernel 6", 2, NULL, "want MAJOR.MINOR", false, "a kernel without minor",
	  NULL },
	{ "profiles --matrix --kernel 5.4", 2, NULL, "no --kernel with it", false,
	  "--matrix of another kernel", NULL },
	/* 2: the command line, and which argument is wrong */
	{ "pin --path pin --pages -1", 2, NULL, "--pages \"-1\": want a number from 1", false,
	  "negative", NULL },
	{ "pin --path pin --pages 0", 2, NULL, "--pages \"0\"", false, "zero pages", NULL },
	{ "pin --path pin --pages 99999999", 2, NULL, "max_pages", false,
	  "over the module's limit", NULL },
	{ "pin --path pin --per-call 4294967297", 2, NULL, "--per-call", false,
	  "would be cut to 32 bits", NULL },
	{ "pin --path pin --prefault maybe", 2, NULL, "want write, read or none", false,
	  "no such prefault", NULL },
	{ "pin --path nosuch", 2, NULL, "no such path", false, "no such path", NULL },
	{ "pin --path pin --dirty", 2, NULL, "add --hold", false, "--dirty without --hold", NULL },
	{ "pin --path pin --wait", 2, NULL, "add --hold", false, "--wait without --hold", NULL },
	{ "pin --path pin --mem kind:anon --private", 2, NULL, "--private", false,
	  "--private with kind:", NULL },
	{ "pin --path pin --mem kind:anon --prefault none", 2, NULL, "--prefault", false,
	  "--prefault with kind:", NULL },
	{ "pin --path pin --pid 1 --addr 4096", 2, NULL, "remote path", false,
	  "--pid with a local path", NULL },
	{ "matrix --pages 0", 2, NULL, "--pages \"0\"", false, "an empty matrix", NULL },
	{ "watch --count 2", 2, NULL, "--every", false, "--count without --every", NULL },
	{ "experiment nosuch", 2, NULL, "no experiment", false, "no such experiment", NULL },
	{ "experiment coherence --event nosuch", 2, NULL, "no event \"nosuch\"", false,
	  "no such event", NULL },
	{ "experiment coherence --pin pin-rx", 2, NULL, "no pin \"pin-rx\"", false,
	  "no such pin", NULL },
	{ "experiment fork --mem anon", 2, NULL, "for experiment coherence", false,
	  "coherence options for another experiment", NULL },
	{ "experiment coherence fork", 2, NULL, "a table of its own", false,
	  "coherence beside another experiment", NULL },
	{ "bench --path nosuch", 2, NULL, "no path \"nosuch\"", false, "no such bench path",
	  NULL },
	{ "bench --mem fsdax", 2, NULL, "needs --fsdax DIR", false, "fsdax without a directory",
	  NULL },
	{ "bench --size 0", 2, NULL, "--size \"0\"", false, "an empty range", NULL },
	{ "bench --spread 0", 2, NULL, "--spread \"0\"", false, "no spread at all", NULL },
	/* the smoke run: two figures of 1 MiB, timed, with no verdict on time */
	{ "bench --size 1 --mem anon --path pin-fast --per-call 1 --per-call 0 --budget 1", 0,
	  "pin-fast", NULL, false, "a tiny sweep measures and prints", "EFAULT" },
	{ "bench --size 1 --mem anon --path pin --per-call 512 --threads 2 --apart --budget 1", 0,
	  "2 threads at once, a range each (no two in one PMD table)", NULL,
	  false, "two threads, each range a GiB apart", "EFAULT" },
	/* a row, only the columns asked for: move_page_tables() keeps the pages */
	{ "experiment coherence --event mremap --mem anon --pin pin-rw --pin get-ro", 0,
	  "mremap            anon    done   ok         ok", NULL, false,
	  "mremap of anonymous memory stays coherent", "pin-ro " },
	/* 4, and the file the user named */
	{ "pin --path pin --mem file:@ --pages 2", 0, "pinned 2 of 2", NULL, false,
	  "read to fault in, not written", NULL },
	{ "pin --path pin --write --mem file:@ --pages 2", 0, "pinned 2 of 2", NULL, false,
	  "a write pin writes nothing", NULL },
	{ "pin --path pin --write --hold --dirty --mem file:@ --pages 2", 0, "pinned 2 of 2",
	  NULL, false, "UNPIN DIRTY marks, writes nothing", NULL },
	{ "pin --path pin --private --prefault write --mem file:@ --pages 2", 0,
	  "pinned 2 of 2", NULL, false, "private: the writes go to COW copies", NULL },
	{ "pin --path pin --mem file:@ --pages 3", 4, NULL, "never grows a file", false,
	  "bigger than the file", NULL },
	{ "pin --path pin --mem file:@ --create --pages 2", 4, NULL, "only new ones", false,
	  "--create of an existing file", NULL },
	{ "pin --path pin --mem file:% --pages 1", 4, NULL, "no such file", false,
	  "not there, and not created", NULL },
	{ "pin --path pin --mem file:/dev/null --pages 1", 4, NULL, "neither a regular file",
	  false, "a character device, not device-DAX", NULL },
	{ "pin --path pin --prefault write --mem file:@ --pages 2", 0, "pinned 2 of 2", NULL,
	  true, "asked to write: the control", NULL },
};

/* Runs gupctl with @args split at spaces; its stdout and stderr, status. */
static int run_gupctl(const char *args, char *out, size_t olen, char *err, size_t elen)
{
	char buf[512], *argv[32], *save = NULL;
	int fo = memfd_create("out", 0), fe = memfd_create("err", 0), n = 0, status;
	pid_t pid;
	ssize_t got;

	snprintf(buf, sizeof(buf), "%s", args);
	argv[n++] = "gupctl";
	for (char *w = strtok_r(buf, " ", &save); w && n < 31; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		execvp("gupctl", argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = -1;
	got = pread(fo, out, olen - 1, 0);
	out[got > 0 ? got : 0] = '\0';
	got = pread(fe, err, elen - 1, 0);
	err[got > 0 ? got : 0] = '\0';
	close(fo);
	close(fe);
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* @s with @ and % replaced by @file and @absent. */
static void expand(const char *s, const char *file, const char *absent, char *buf, size_t len)
{
	size_t used = 0;

	for (; *s && used + 1 < len; s++) {
		const char *put = *s == '@' ? file : *s == '%' ? absent : NULL;

		if (put)
			used += (size_t)snprintf(buf + used, len - used, "%s", put);
		else
			buf[used++] = *s;
		used = used < len ? used : len - 1;
	}
	buf[used] = '\0';
}

static int file_write(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

/* The file's bytes are @want's, and it has exactly as many. */
static bool file_same(const char *path, const char *want, size_t len, long long *size)
{
	static char now[FILE_BYTES + 1];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : pread(fd, now, sizeof(now), 0);

	if (fd >= 0)
		close(fd);
	*size = fd >= 0 && !stat(path, &st) ? (long long)st.st_size : -1;
	return n == (ssize_t)len && *size == (long long)len && !memcmp(now, want, len);
}

void test_gupctl(struct suite *s)
{
	static char want[FILE_BYTES], out[16384], err[4096];
	char file[256], absent[256], created[256], args[600];
	struct tap_point t;
	long long size;

	snprintf(file, sizeof(file), "%s/gupctl-precious", s->dirs.ext4);
	snprintf(absent, sizeof(absent), "%s/gupctl-absent", s->dirs.ext4);
	snprintf(created, sizeof(created), "%s/gupctl-created", s->dirs.ext4);
	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = "precious data\n"[i % 14];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gupctl_case *c = &cases[i];
		bool named = strchr(c->args, '@');
		int status;

		tap_begin(&t);
		expand(c->args, file, absent, args, sizeof(args));
		if (named)
			tap_check(&t, !file_write(file, want, sizeof(want)), "writing %s", file);
		status = run_gupctl(args, out, sizeof(out), err, sizeof(err));
		tap_check_eq(&t, "exit status", c->status, status);
		if (c->out)
			tap_check(&t, strstr(out, c->out), "stdout lacks \"%s\": %.300s", c->out, out);
		if (c->not_out)
			tap_check(&t, !strstr(out, c->not_out), "stdout has \"%s\": %.300s",
				  c->not_out, out);
		if (c->err)
			tap_check(&t, strstr(err, c->err), "stderr lacks \"%s\": %.300s", c->err, err);
		/* Only usage errors are said on stderr, and they always are. */
		tap_check(&t, (c->status == 2 || c->status == 4) == !!err[0],
			  "stderr: \"%.300s\"", err);
		if (named) {
			bool same = file_same(file, want, sizeof(want), &size);

			tap_check(&t, same != c->file_changes, "the file %s: %lld bytes",
				  c->file_changes ? "was not written" : "changed", size);
		}
		if (strchr(c->args, '%'))
			tap_check(&t, access(absent, F_OK) && errno == ENOENT,
				  "%s was created", absent);
		tap_end(&t, "gupctl %s: exit %d (%s)%s", c->args[0] ? c->args : "(no arguments)",
			c->status, c->why,
			named ? c->file_changes ? "; the file written" :
			"; the file's bytes and size unchanged" : "");
	}
	unlink(file);

	/* --create: a new file of the size asked, and nothing else. */
	tap_begin(&t);
	unlink(created);
	snprintf(args, sizeof(args), "pin --path pin --create --mem file:%s --pages 2", created);
	tap_check_eq(&t, "exit status", 0, run_gupctl(args, out, sizeof(out), err, sizeof(err)));
	{
		struct stat st;

		tap_check(&t, !stat(created, &st) && st.st_size == FILE_BYTES,
			  "%s: not made, or not %d bytes", created, FILE_BYTES);
	}
	unlink(created);
	tap_end(&t, "gupctl pin --create --mem file:NEW --pages 2: exit 0, a new file of 8192 bytes");

	/* A session's status is the highest of its commands'. */
	tap_begin(&t);
	{
		int in[2], status = -1;
		pid_t pid;

		if (tap_check(&t, !pipe(in), "pipe")) {
			pid = fork();
			if (pid == 0) {
				int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

				dup2(in[0], 0);
				dup2(null, 1);
				dup2(null, 2);
				close(in[1]);
				execlp("gupctl", "gupctl", "session", (char *)NULL);
				_exit(127);
			}
			close(in[0]);
			dprintf(in[1], "pin --path pin --pages 2\npin --path gup --longterm\n"
				"pin --path pin --write --mem kind:prot-none\n");
			close(in[1]);
			if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
				status = WEXITSTATUS(status);
			tap_check_eq(&t, "exit status", 3, status);
		}
	}
	tap_end(&t, "gupctl session of statuses 0, 3, 1: exit 3, the highest");

	/* --version: this build's, and the loaded module's, the same */
	tap_begin(&t);
	snprintf(want, sizeof(want), "gupctl %s, uapi %d\nmodule   gup_pin_test %s, uapi %u, on ",
		 s->info.h.module_version, GPT_UAPI_VERSION, s->info.h.module_version,
		 s->info.h.uapi_version);
	tap_check_eq(&t, "exit status", 0, run_gupctl("--version", out, sizeof(out), err, sizeof(err)));
	tap_check(&t, strstr(out, want) != NULL, "stdout \"%s\", expected \"%s...\"", out, want);
	tap_check(&t, !err[0], "a warning: %s", err);
	tap_end(&t, "gupctl --version: its version and uapi are the loaded module's (%s, %u), no warning",
		s->info.h.module_version, s->info.h.uapi_version);
}

/* --mem file:/dev/daxN.M is device-DAX memory (the experiments VM has one). */
void test_gupctl_devdax(struct suite *s)
{
	static char out[16384], err[4096];
	char path[300] = "", args[400];
	struct tap_point t;
	struct dirent *de;
	DIR *d;

	(void)s;
	if (!kernel.dev_dax_pmem) {
		tap_skip("gupctl --mem file:/dev/daxN.M: this kernel has no dax_pmem driver "
			 "(CONFIG_DEV_DAX_PMEM)");
		return;
	}
	d = opendir("/dev");
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "dax", 3) && strchr(de->d_name, '.'))
			snprintf(path, sizeof(path), "/dev/%s", de->d_name);
	if (d)
		closedir(d);
	tap_begin(&t);
	if (tap_check(&t, path[0], "no /dev/daxN.M")) {
		snprintf(args, sizeof(args), "pin --path pin --longterm --mem file:%s --pages 4", path);
		tap_check_eq(&t, "long-term pin: exit status", 0,
			     run_gupctl(args, out, sizeof(out), err, sizeof(err)));
		tap_check(&t, strstr(out, "pinned 4 of 4") && strstr(out, " devdax "),
			  "stdout: %.400s", out);
		snprintf(args, sizeof(args), "pin --path pin --private --mem file:%s --pages 4", path);
		tap_check_eq(&t, "--private: exit status", 4,
			     run_gupctl(args, out, sizeof(out), err, sizeof(err)));
		tap_check(&t, strstr(err, "device-DAX maps only shared"), "stderr: %.300s", err);
	}
	tap_end(&t, "gupctl --mem file:%s: a long-term pin of 4 devdax pages, exit 0; "
		"--private, exit 4 (device-DAX maps only shared)", path[0] ? path : "/dev/daxN.M");
}
