// SPDX-License-Identifier: GPL-2.0
/*
 * libgpt: running ksmd on demand.  It scans at its own pace (by default
 * 100 pages every 20 ms, or not at all): an experiment sets it to scan
 * flat out, waits for whole passes over every MADV_MERGEABLE range and
 * then until the merged total settles, and puts its settings back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gpt.h"

#define KSM "/sys/kernel/mm/ksm/"
#define SETTLE_SCANS	16
#define SETTLE_MS	200

static int ksm_write(const char *name, long v)
{
	char path[64], num[32];
	int fd, err = 0;

	snprintf(path, sizeof(path), KSM "%s", name);
	snprintf(num, sizeof(num), "%ld", v);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, num, strlen(num)) < 0)
		err = -errno;
	close(fd);
	return err;
}

long gpt_ksm_read(const char *name)
{
	char path[64], buf[32] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), KSM "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int gpt_ksm_scan(struct gpt_ksm *saved, unsigned int passes, double *ms)
{
	long scans, last_merged = -1, settled_at = 0;
	double t0, settled_ms = 0;
	int err;

	saved->run = gpt_ksm_read("run");
	saved->sleep_ms = gpt_ksm_read("sleep_millisecs");
	saved->pages_to_scan = gpt_ksm_read("pages_to_scan");
	if (saved->run < 0)
		return -ENOENT;
	/* run=2 is "unmerge everything": putting it back would do it again. */
	if (saved->run == 2 || saved->sleep_ms < 0 || saved->pages_to_scan < 0)
		return -EBUSY;
	scans = gpt_ksm_read("full_scans");
	err = ksm_write("sleep_millisecs", 0);
	if (!err)
		err = ksm_write("pages_to_scan", 1000);
	if (!err)
		err = ksm_write("run", 1);
	if (err)
		return err;
	t0 = ms_now();
	for (;;) {
		long now = gpt_ksm_read("full_scans");
		long merged = gpt_ksm_read("pages_shared") + gpt_ksm_read("pages_sharing");

		/*
		 * @passes whole scans, then on until the merged total has not
		 * moved for SETTLE_SCANS scans and SETTLE_MS: a page with a
		 * passing extra reference is merged a scan later, and 6.7's
		 * smart scan skips a page that failed for up to 8 scans.
		 */
		if (merged != last_merged) {
			last_merged = merged;
			settled_at = now;
			settled_ms = ms_now();
		}
		if (now >= scans + passes + 1 && now - settled_at >= SETTLE_SCANS &&
		    ms_now() - settled_ms >= SETTLE_MS)
			break;
		if (ms_now() - t0 > 30000)
			return -ETIMEDOUT;
		usleep(5000);
	}
	*ms = ms_now() - t0;
	return (int)(gpt_ksm_read("full_scans") - scans);
}

void gpt_ksm_restore(const struct gpt_ksm *saved, bool unmerge)
{
	if (saved->run < 0 || saved->run == 2 || saved->sleep_ms < 0 ||
	    saved->pages_to_scan < 0)
		return;
	if (unmerge)
		ksm_write("run", 2);
	ksm_write("pages_to_scan", saved->pages_to_scan);
	ksm_write("sleep_millisecs", saved->sleep_ms);
	ksm_write("run", saved->run);
}
