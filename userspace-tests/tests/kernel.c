// SPDX-License-Identifier: GPL-2.0
/*
 * Which kernel this is.  Debian's release string names its ABI
 * ("6.1.0-56-amd64"), not the upstream sublevel, which its version string
 * carries ("#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-1 (...)"); a kernel
 * built from a tree says it in the release ("6.1.0", "7.2.0-rc3+").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include "kernel.h"

struct kernel kernel;

static int parse(const char *s)
{
	unsigned int a = 0, b = 0, c = 0;

	if (sscanf(s, "%u.%u.%u", &a, &b, &c) < 2 || !a)
		return -1;
	kernel.version = KV(a, b, c > 255 ? 255 : c);
	snprintf(kernel.name, sizeof(kernel.name), "%u.%u.%u", a, b, c);
	return 0;
}

/*
 * With the multi-gen LRU on, folio_mark_accessed() counts the access in the
 * folio's flags (lru_gen_inc_refs()) and never queues it for activation.
 */
static bool lru_gen_on(void)
{
	unsigned int caps = 0;
	FILE *f = fopen("/sys/kernel/mm/lru_gen/enabled", "r");

	if (!f)
		return false;
	if (fscanf(f, "%x", &caps) != 1)
		caps = 0;
	fclose(f);
	return caps & 1;
}

/* memfd_secret(2) answers ENOSYS unless secretmem.enable is set. */
static bool secretmem_on(void)
{
	char c = 0;
	FILE *f = fopen("/sys/module/secretmem/parameters/enable", "r");

	if (!f)
		return false;
	if (fread(&c, 1, 1, f) != 1)
		c = 0;
	fclose(f);
	return c == 'Y' || c == '1';
}

/* Whether /proc/meminfo has a line starting with @key, not 0 kB. */
static bool meminfo_has(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = !strncmp(line, key, strlen(key)) &&
			strtoul(line + strlen(key), NULL, 10) > 0;
	if (f)
		fclose(f);
	return found;
}

/* /proc/zoneinfo: "Node 1, zone Movable" with pages present. */
static bool movable_node1(void)
{
	FILE *f = fopen("/proc/zoneinfo", "re");
	char line[128];
	bool in = false, found = false;
	unsigned long present;

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5))
			in = strstr(line, "Node 1, zone") && strstr(line, "Movable");
		else if (in && sscanf(line, " present %lu", &present) == 1)
			found = present > 0;
	}
	if (f)
		fclose(f);
	return found;
}

int kernel_detect(void)
{
	struct utsname u;
	const char *debian;
	int fd;

	if (uname(&u))
		return -1;
	kernel.rt = strstr(u.version, "PREEMPT_RT") != NULL;
	kernel.lru_gen = lru_gen_on();
	kernel.secretmem = secretmem_on();
	kernel.ksm = !access("/sys/kernel/mm/ksm", F_OK);
	kernel.dev_dax_pmem = !access("/sys/bus/nd/drivers/dax_pmem", F_OK);
	kernel.cma = meminfo_has("CmaTotal:");
	kernel.movable_node = movable_node1();
	fd = (int)syscall(SYS_userfaultfd, 0);
	kernel.uffd = fd >= 0 || errno != ENOSYS;
	if (fd >= 0)
		close(fd);
	kernel.thp = !access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK);
	debian = strstr(u.version, "Debian ");
	if (debian && !parse(debian + strlen("Debian ")))
		return 0;
	return parse(u.release);
}

int knob_write(const char *path, unsigned long long v)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "%llu\n", v);
	return fclose(f) ? -errno : 0;
}

long long knob_read(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

bool kernel_in(struct krange r)
{
	return (!r.since || kernel.version >= r.since) &&
	       (!r.before || kernel.version < r.before);
}

static int vname(char *buf, unsigned int len, uint32_t v)
{
	if (v & 0xff)
		return snprintf(buf, len, "%u.%u.%u", v >> 16, (v >> 8) & 0xff,
				v & 0xff);
	return snprintf(buf, len, "%u.%u", v >> 16, (v >> 8) & 0xff);
}

const char *krange_name(struct krange r, char *buf, unsigned int len)
{
	char a[16], b[24];

	vname(a, sizeof(a), r.since);
	/* the last release before @before: "up to 6.2", "6.1.y before 6.1.130" */
	if (r.before & 0xff)
		snprintf(b, sizeof(b), "before %u.%u.%u", r.before >> 16,
			 (r.before >> 8) & 0xff, r.before & 0xff);
	else if ((r.before >> 8) & 0xff)
		snprintf(b, sizeof(b), "up to %u.%u", r.before >> 16,
			 ((r.before >> 8) & 0xff) - 1);
	else
		snprintf(b, sizeof(b), "before %u.0", r.before >> 16);
	if (!r.since && !r.before)
		snprintf(buf, len, "all");
	else if (!r.before)
		snprintf(buf, len, "%s+", a);
	else if (!r.since)
		snprintf(buf, len, "%s", b);
	else
		snprintf(buf, len, "%s, %s", a, b);
	return buf;
}
