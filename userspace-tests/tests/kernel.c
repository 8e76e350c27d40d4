// SPDX-License-Identifier: GPL-2.0
/*
 * Which kernel this is.  Debian's release string names its ABI
 * ("6.1.0-56-amd64"), not the upstream sublevel, which its version string
 * carries ("#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-1 (...)"); a kernel
 * built from a tree says it in the release ("6.1.0", "7.2.0-rc3+").
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

int kernel_detect(void)
{
	struct utsname u;
	const char *debian;

	if (uname(&u))
		return -1;
	kernel.rt = strstr(u.version, "PREEMPT_RT") != NULL;
	kernel.lru_gen = lru_gen_on();
	kernel.thp = !access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK);
	debian = strstr(u.version, "Debian ");
	if (debian && !parse(debian + strlen("Debian ")))
		return 0;
	return parse(u.release);
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
	char a[16], b[16];
	uint32_t last = r.before;

	/* "before 6.3" reads better as "up to 6.2" */
	if (last && !(last & 0xff) && ((last >> 8) & 0xff))
		last -= 1 << 8;
	else if (last)
		last -= 1;
	vname(a, sizeof(a), r.since);
	vname(b, sizeof(b), last);
	if (!r.since && !r.before)
		snprintf(buf, len, "all");
	else if (!r.before)
		snprintf(buf, len, "%s+", a);
	else if (!r.since)
		snprintf(buf, len, "up to %s", b);
	else
		snprintf(buf, len, "%s to %s", a, b);
	return buf;
}
