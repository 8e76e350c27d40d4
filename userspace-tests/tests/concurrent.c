// SPDX-License-Identifier: GPL-2.0
/*
 * Counts that belong to the request.  A second process pins its own pages
 * in a loop on the other CPU while this one sends PIN requests: each
 * result's own counts (pinned, released, every page's refcount delta)
 * must stay exact, while the system-wide vmstat deltas pick up the other
 * process's pins.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "suite.h"

#define NPAGES		16
#define MIN_ROUNDS	200	/* requests at least */
#define MAX_SECONDS	30	/* and until 10 overlapped, or this long */

/* The other pinner: its own fd, its own pages, CPU 1, until killed. */
static pid_t start_pinner(int ready)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct gpt_pin req = { .nr_pages = NPAGES, .path = GPT_PATH_PIN_FAST };
		struct gpt_pin_result res;
		struct gpt_mem mem;
		cpu_set_t cpus;
		int fd = gpt_open();

		CPU_ZERO(&cpus);
		CPU_SET(1, &cpus);
		sched_setaffinity(0, sizeof(cpus), &cpus);
		if (fd < 0 || gpt_mem_map("anon", NPAGES, 0, GPT_PREFAULT_WRITE, &mem))
			_exit(1);
		req.addr = (uintptr_t)mem.addr;
		if (write(ready, "r", 1) != 1)
			_exit(1);
		for (;;)
			gpt_pin(fd, &req, &res, NULL, 0);
	}
	return pid;
}

void test_concurrent(struct suite *s)
{
	struct gpt_page_record rec[NPAGES];
	struct gpt_pin_result res;
	struct gpt_mem mem;
	struct tap_point t;
	int pipefd[2], inexact = 0, busy = 0, errs = 0, round;
	time_t t0;
	int64_t most = 0;
	char byte;
	pid_t pid;

	tap_begin(&t);
	if (!tap_check(&t, !pipe(pipefd), "pipe: %s", strerror(errno)))
		goto out;
	pid = start_pinner(pipefd[1]);
	tap_check(&t, pid > 0 && read(pipefd[0], &byte, 1) == 1,
		  "the other pinner did not start");
	gpt_mem_map("anon", NPAGES, 0, GPT_PREFAULT_WRITE, &mem);
	t0 = time(NULL);
	for (round = 0; round < MIN_ROUNDS ||
	     (busy < 10 && time(NULL) - t0 < MAX_SECONDS); round++) {
		struct gpt_pin req = { .addr = (uintptr_t)mem.addr,
				       .nr_pages = NPAGES, .path = GPT_PATH_PIN_FAST };

		if (gpt_pin(s->fd, &req, &res, rec, NPAGES)) {
			errs++;
			continue;
		}
		if (res.pinned != NPAGES || res.released != NPAGES ||
		    res.unchanged != NPAGES)
			inexact++;
		for (int i = 0; i < NPAGES; i++)
			if (rec[i].pinned.refcount - rec[i].before.refcount != 1024)
				inexact++;
		if (res.sys_vmstat_pinned.acquired > NPAGES)
			busy++;
		if (res.sys_vmstat_pinned.acquired > most)
			most = res.sys_vmstat_pinned.acquired;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	gpt_mem_unmap(&mem);
	tap_check_eq(&t, "PIN errors", 0, errs);
	tap_check_eq(&t, "results or pages off the exact counts", 0, inexact);
	/* Without this the test would prove nothing. */
	tap_check(&t, busy > 0, "the other pinner never overlapped a request");
	tap_diag("  %d of %d requests saw other pins system-wide (largest sys_vmstat_pinned.acquired %lld for a 16-page request)",
		 busy, round, (long long)most);
out:
	tap_end(&t, "concurrent: with another process pinning on CPU 1, every 16-page PIN request reports exactly 16 pins, +1024 per page; the system-wide vmstat does not");
}
