// SPDX-License-Identifier: GPL-2.0
/*
 * libgpt: what the kernel's own files say about a page, independent of the
 * module: /proc/PID/pagemap gives the pfn (to root), /proc/kpagecount the
 * map count and /proc/kpageflags the flags.  Reading them changes nothing
 * about the page.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "gpt.h"

#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_PFN_MASK	((1ULL << 55) - 1)

/* The u64 at index @i of a /proc file; 0 or -errno. */
static int read_u64(int fd, uint64_t i, uint64_t *v)
{
	ssize_t n = pread(fd, v, sizeof(*v), (off_t)(i * sizeof(*v)));

	if (n == (ssize_t)sizeof(*v))
		return 0;
	return n < 0 ? -errno : -EIO;
}

int gpt_kpages_read(int pid, uint64_t addr, size_t n, struct gpt_kpage *out)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	int pm, kc = -1, kf = -1, err = 0;
	char path[64];

	memset(out, 0, n * sizeof(*out));
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	pm = open(path, O_RDONLY | O_CLOEXEC);
	if (pm < 0)
		return -errno;
	kc = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	kf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (kc < 0 || kf < 0)
		err = -errno;
	for (size_t i = 0; !err && i < n; i++) {
		uint64_t e;

		err = read_u64(pm, addr / ps + i, &e);
		out[i].swapped = !err && (e & PM_SWAP);
		if (err || !(e & PM_PRESENT))
			continue;
		out[i].present = true;
		out[i].pfn = e & PM_PFN_MASK;
		/* A pfn of 0 from a present entry: not allowed to see pfns. */
		if (!out[i].pfn) {
			err = -EPERM;
			break;
		}
		err = read_u64(kc, out[i].pfn, &out[i].mapcount);
		if (!err)
			err = read_u64(kf, out[i].pfn, &out[i].kflags);
	}
	close(pm);
	if (kc >= 0)
		close(kc);
	if (kf >= 0)
		close(kf);
	return err;
}

static void lru_drain_this_cpu(size_t ps, void *p)
{
	/*
	 * madvise_cold() starts with lru_add_drain() on 5.4 to 7.2; munmap()
	 * did too until 7.x dropped it from unmap_region().
	 */
	if (madvise(p, ps, MADV_COLD))
		fprintf(stderr, "gpt_lru_drain: MADV_COLD: %s\n", strerror(errno));
}

void gpt_lru_drain(void)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cpu_set_t allowed, one;

	if (p == MAP_FAILED)
		return;
	/*
	 * lru_add_drain() empties only the batches of the CPU it runs on, and
	 * the scheduler may have moved us while we faulted pages in: run it
	 * on each CPU we may use, then give the mask back.
	 */
	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		lru_drain_this_cpu(ps, p);
	} else {
		for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
			if (!CPU_ISSET(cpu, &allowed))
				continue;
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			if (!sched_setaffinity(0, sizeof(one), &one))
				lru_drain_this_cpu(ps, p);
		}
		sched_setaffinity(0, sizeof(allowed), &allowed);
	}
	munmap(p, ps);
}
