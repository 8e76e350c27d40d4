/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel the suite runs on, and version ranges for expectations that
 * changed upstream.  A range names the release a commit first appeared in;
 * a stable backport is a range of its own (6.1.y from the 6.1.N that took
 * it).  Read from uname(), which the kernel sets, never from the module.
 */
#ifndef GPT_KERNEL_H
#define GPT_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#define KV(a, b, c)	((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

/* [since, before); 0 leaves that end open */
struct krange {
	uint32_t since;
	uint32_t before;
};

#define ALL_KERNELS	{ 0, 0 }
#define SINCE(a, b)	{ KV(a, b, 0), 0 }
#define BEFORE(a, b)	{ 0, KV(a, b, 0) }
#define FROM_TO(a, b, c, d)	{ KV(a, b, 0), KV(c, d, 0) }

struct kernel {
	uint32_t version;	/* KV() of the upstream release */
	bool rt;		/* PREEMPT_RT */
	bool thp;		/* CONFIG_TRANSPARENT_HUGEPAGE */
	bool lru_gen;		/* multi-gen LRU on: no activation batch */
	bool secretmem;		/* secretmem.enable (off by default until 6.5) */
	bool ksm;		/* CONFIG_KSM: /sys/kernel/mm/ksm */
	bool uffd;		/* CONFIG_USERFAULTFD: userfaultfd(2) */
	bool cma;		/* a CMA area: CmaTotal in /proc/meminfo > 0 */
	bool dev_dax_pmem;	/* the dax_pmem driver: device-DAX on pmem */
	bool movable_node;	/* node 1 has ZONE_MOVABLE memory: the
				 * experiments VM's DIMM was onlined */
	char name[64];		/* "6.1.192", as parsed */
};

extern struct kernel kernel;

/* Fills @kernel; -1 when no version can be read from uname(). */
int kernel_detect(void);
bool kernel_in(struct krange r);
static inline bool kernel_since(unsigned int a, unsigned int b)
{
	return kernel.version >= KV(a, b, 0);
}
/* "6.3+", "up to 6.2", "6.3 to 6.4", "all": for diagnostics */
const char *krange_name(struct krange r, char *buf, unsigned int len);

/* A number in a sysfs or procfs file: 0 or -errno; read gives -1 on error. */
int knob_write(const char *path, unsigned long long v);
long long knob_read(const char *path);
#define MAX_PAGES_PARAM	"/sys/module/gup_pin_test/parameters/max_pages"
#define MAX_HELD_PARAM	"/sys/module/gup_pin_test/parameters/max_held_pages"

#endif /* GPT_KERNEL_H */
