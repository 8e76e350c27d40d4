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
#include <sys/mman.h>
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

/* Kernel threads whose name starts with @prefix; *@pid the last one seen. */
static int kthreads(const char *prefix, pid_t *pid)
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
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, prefix, strlen(prefix))) {
			nr++;
			if (pid)
				*pid = (pid_t)atoi(e->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return nr;
}

int gpt_kdamonds(void)
{
	return kthreads("kdamond", NULL);
}

/*
 * Proactive compaction (5.9+, kcompactd every 500 ms while the
 * fragmentation score is high) migrates pages and takes a reference on
 * every LRU page it scans; khugepaged's scan (every 10 s while THP is on)
 * starts with lru_add_drain_all(), which takes a fresh page's LRU-batch
 * reference away between two samples of one request; NUMA balancing
 * (with two nodes) unmaps PTEs for hinting faults and migrates the pages
 * it finds misplaced.  All three are knobs.
 */
static const struct {
	const char *path;
	long quiet;
} knobs[GPT_QUIET_KNOBS] = {
	{ "/proc/sys/vm/compaction_proactiveness", 0 },
	/* a day between two scans */
	{ "/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", 86400000 },
	{ "/proc/sys/kernel/numa_balancing", 0 },
};

/* Writes @set to @path at offset 0 (procfs ignores a write past it); the old value, or -errno. */
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
	errno = 0;
	if (pwrite(fd, buf, (size_t)n, 0) != n)
		old = errno ? -errno : -EIO;
	close(fd);
	return old;
}

/* @pid's state letter in *@state and its context switches; -1 if gone. */
static long thread_switches(pid_t pid, char *state)
{
	char path[64], line[256];
	long sw = 0, v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (state && sscanf(line, "State: %c", state) == 1)
			continue;
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
			sw += v;
	}
	fclose(f);
	return sw;
}

/* Asleep (S) and no context switch for 100 ms: between two passes. */
static bool thread_idle(pid_t pid)
{
	char s0 = 0, s1 = 0;
	long before = thread_switches(pid, &s0), after;

	if (before < 0)
		return true;	/* gone: idle enough */
	usleep(100000);
	after = thread_switches(pid, &s1);
	return after < 0 || (s0 == 'S' && s1 == 'S' && after == before);
}

long gpt_khugepaged_switches(void)
{
	pid_t pid = 0;

	if (kthreads("khugepaged", &pid) <= 0)
		return -1;
	return thread_switches(pid, NULL);
}

int gpt_khugepaged_settle(void)
{
	size_t huge = 2 << 20;
	pid_t pid = 0;
	char *m;

	/*
	 * With no mm registered khugepaged waits without a timeout and the
	 * first to register wakes it for a pass: register this one now (a
	 * VMA that can hold a THP, MADV_HUGEPAGE once it has an anon_vma,
	 * which 6.1's hugepage_vma_check() wants; an mm stays registered
	 * until it exits).
	 */
	m = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED) {
		m[huge] = 1;
		madvise(m, 2 * huge, MADV_HUGEPAGE);
		munmap(m, 2 * huge);
	}
	if (kthreads("khugepaged", &pid) <= 0)
		return 0;
	for (int i = 0; i < 100; i++)
		if (thread_idle(pid))
			return 0;
	return -EBUSY;
}

int gpt_quiet(struct gpt_quiet *q)
{
	int err = 0;

	for (int i = 0; i < GPT_QUIET_KNOBS; i++) {
		q->saved[i] = knob(knobs[i].path, knobs[i].quiet);
		/* absent: the kernel has no such thing (5.8-, no THP, one node) */
		if (q->saved[i] < 0 && q->saved[i] != -ENOENT && !err)
			err = (int)q->saved[i];
	}
	/* the write woke khugepaged for one pass before its long sleep */
	if (!err)
		err = gpt_khugepaged_settle();
	return err;
}

void gpt_quiet_end(const struct gpt_quiet *q)
{
	for (int i = 0; i < GPT_QUIET_KNOBS; i++)
		if (q->saved[i] >= 0)
			knob(knobs[i].path, q->saved[i]);
}
