// SPDX-License-Identifier: GPL-2.0
/*
 * libgpt: kernel threads that take references on user pages behind a
 * request's back.  A page's refcount is the kernel's, not the request's:
 * DAMON's kdamond takes a reference on every folio it samples
 * (damon_get_folio()) and marks it idle (damon_folio_mkold()).  Debian's
 * 7.x kernels start one at boot for the whole of physical memory
 * (DAMON_STAT, mm/damon/stat.c, 6.17; CONFIG_DAMON_STAT_ENABLED_DEFAULT).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "gpt.h"

#define DAMON_STAT	"/sys/module/damon_stat/parameters/enabled"

int gpt_damon_stat(int enable)
{
	char v[4] = "";
	int fd = open(DAMON_STAT, (enable < 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (enable < 0)
		n = read(fd, v, sizeof(v) - 1);
	else
		n = write(fd, enable ? "Y" : "N", 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	return enable < 0 ? v[0] == 'Y' : 0;
}

int gpt_kdamonds(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int nr = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char path[sizeof("/proc//comm") + sizeof(e->d_name)], comm[32] = "";
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;	/* gone meanwhile */
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "kdamond", 7))
			nr++;
		fclose(f);
	}
	closedir(d);
	return nr;
}

/*
 * kcompactd's proactive compaction (5.9+, every 500 ms while the
 * fragmentation score is high) migrates pages and takes a reference on
 * every LRU page it scans; khugepaged's scan (every 10 s while THP is on)
 * starts with lru_add_drain_all(), which takes a fresh page's LRU-batch
 * reference away between two samples of one request.  Both are knobs.
 */
static const struct {
	const char *path;
	long quiet;
} knobs[GPT_QUIET_KNOBS] = {
	{ "/proc/sys/vm/compaction_proactiveness", 0 },
	/* a day: it sleeps until the knob is put back */
	{ "/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", 86400000 },
};

static long knob(const char *path, long set)
{
	char buf[32];
	long old;
	ssize_t n;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0) {
		close(fd);
		return n < 0 ? -errno : -EIO;
	}
	buf[n] = 0;
	old = strtol(buf, NULL, 10);
	n = snprintf(buf, sizeof(buf), "%ld\n", set);
	if (pwrite(fd, buf, (size_t)n, 0) != n)
		old = -errno;
	close(fd);
	return old;
}

int gpt_quiet(struct gpt_quiet *q)
{
	int err = 0;

	for (int i = 0; i < GPT_QUIET_KNOBS; i++) {
		q->saved[i] = knob(knobs[i].path, knobs[i].quiet);
		/* absent: the kernel has no such thread (5.8-, no THP) */
		if (q->saved[i] < 0 && q->saved[i] != -ENOENT && !err)
			err = (int)q->saved[i];
	}
	return err;
}

void gpt_quiet_end(const struct gpt_quiet *q)
{
	for (int i = 0; i < GPT_QUIET_KNOBS; i++)
		if (q->saved[i] >= 0)
			knob(knobs[i].path, q->saved[i]);
}
