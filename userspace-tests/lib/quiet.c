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
