// SPDX-License-Identifier: GPL-2.0
/* libgpt: memory to pin, and the folded pin counters of /proc/vmstat. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "gpt.h"

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* The alignment of device-DAX character device @st, or 0 if it is not one. */
static size_t devdax_align(const struct stat *st)
{
	char link[PATH_MAX], path[96];
	unsigned long align = page_size();
	ssize_t n;
	FILE *f;

	if (!S_ISCHR(st->st_mode))
		return 0;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/subsystem",
		 major(st->st_rdev), minor(st->st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	if (!strstr(link, "/dax") || strcmp(strrchr(link, '/'), "/dax"))
		return 0;
	/* "align": 5.10+; before, device-DAX mapped in pages or its region's. */
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/align",
		 major(st->st_rdev), minor(st->st_rdev));
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%lu", &align) != 1 || !align)
			align = page_size();
		fclose(f);
	}
	return align;
}

/*
 * A file the user named.  Never created unless asked (@create: a new one,
 * of @len bytes), never truncated or grown: it must be a regular file of
 * at least @len bytes, or a device-DAX character device, mapped in units
 * of its alignment (@shared only).  -ENOENT, -EEXIST, -EISDIR (neither a
 * regular file nor device-DAX), -EFBIG (too small), -EINVAL (device-DAX
 * private or off its alignment) explain a refusal.
 */
static int open_user_file(const char *path, size_t len, unsigned int flags)
{
	bool create = flags & GPT_MEM_CREATE;
	int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0600);
	struct stat st;
	size_t align;
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (create && ftruncate(fd, (off_t)len))
		err = -errno;
	else if (create)
		return fd;
	else if ((align = devdax_align(&st)))
		err = !(flags & GPT_MEM_SHARED) || len % align ? -EINVAL : 0;
	else if (!S_ISREG(st.st_mode))
		err = -EISDIR;
	else if ((uint64_t)st.st_size < len)
		err = -EFBIG;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

void gpt_prefault(void *addr, size_t len, enum gpt_prefault how)
{
	size_t ps = page_size();

	for (size_t off = 0; how != GPT_PREFAULT_NONE && off < len; off += ps) {
		volatile char *p = (volatile char *)addr + off;

		if (how == GPT_PREFAULT_WRITE)
			*p = (char)(off / ps + 1);
		else
			(void)*p;
	}
	/* The new pages leave the LRU batches for the LRU. */
	if (how != GPT_PREFAULT_NONE)
		gpt_lru_drain();
}

int gpt_mem_mmap(struct gpt_mem *mem, int fd, size_t len, int prot,
		 int flags, enum gpt_prefault how)
{
	void *addr = mmap(NULL, len, prot, flags | (fd < 0 ? MAP_ANONYMOUS : 0),
			  fd, 0);

	if (addr == MAP_FAILED) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		return err;
	}
	mem->addr = mem->base = addr;
	mem->len = mem->base_len = len;
	mem->fd = fd;
	gpt_prefault(addr, len, how);
	return 0;
}

int gpt_mem_map(const char *spec, size_t pages, unsigned int flags,
		enum gpt_prefault prefault, struct gpt_mem *mem)
{
	const int rw = PROT_READ | PROT_WRITE;
	size_t len = pages * page_size();
	int fd;

	memset(mem, 0, sizeof(*mem));
	mem->fd = -1;
	if (!strcmp(spec, "anon"))
		return gpt_mem_mmap(mem, -1, len, rw, MAP_PRIVATE, prefault);
	if (strncmp(spec, "file:", 5))
		return -EINVAL;
	fd = open_user_file(spec + 5, len, flags);
	if (fd < 0)
		return fd;
	return gpt_mem_mmap(mem, fd, len, rw,
			    (flags & GPT_MEM_SHARED) ? MAP_SHARED : MAP_PRIVATE, prefault);
}

void gpt_mem_unmap(struct gpt_mem *mem)
{
	if (mem->base)
		munmap(mem->base, mem->base_len);
	if (mem->fd >= 0)
		close(mem->fd);
	memset(mem, 0, sizeof(*mem));
	mem->fd = -1;
}

long long gpt_vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "re");
	char key[64];
	long long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

int gpt_pin_counters_read(struct gpt_pin_counters *c)
{
	char line[128];
	int found = 0, fd;
	ssize_t n;
	FILE *f;

	/*
	 * Folds every CPU's batched diffs into the totals (root only).  Before
	 * 5.13 vmstat_refresh() fails the write with EINVAL, after the fold,
	 * when a zone counter is briefly negative (nr_zone_write_pending of a
	 * page dirtied on one CPU and cleaned on the other; 6.1 skips it and
	 * only warns): the fold happened, the totals stand.
	 */
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, "1\n", 2);
	if (n != 2 && !(n < 0 && errno == EINVAL)) {
		int err = n < 0 ? errno : EIO;

		close(fd);
		return -err;
	}
	close(fd);

	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "nr_foll_pin_acquired %" SCNd64, &c->acquired) == 1)
			found |= 1;
		else if (sscanf(line, "nr_foll_pin_released %" SCNd64, &c->released) == 1)
			found |= 2;
	}
	fclose(f);
	return found == 3 ? 0 : -ENOENT;
}

int gpt_hugepages_reserve(unsigned int n)
{
	const char *path = "/proc/sys/vm/nr_hugepages";
	unsigned int have = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (fscanf(f, "%u", &have) != 1)
		have = 0;
	fclose(f);
	if (have >= n)
		return 0;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%u\n", n);
	if (fclose(f))
		return -errno;
	return 0;
}

#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"

bool gpt_thp_allow(void)
{
	char buf[64] = "";
	int fd = open(THP_ENABLED, O_RDWR | O_CLOEXEC);
	bool changed = false;

	if (fd < 0)
		return false;
	if (read(fd, buf, sizeof(buf) - 1) > 0 && strstr(buf, "[never]"))
		changed = pwrite(fd, "madvise", 7, 0) == 7;
	close(fd);
	/* khugepaged starts with a pass of its own: over before we go on */
	if (changed)
		gpt_khugepaged_settle();
	return changed;
}

void gpt_thp_never(void)
{
	int fd = open(THP_ENABLED, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	n = write(fd, "never", 5);
	(void)n;	/* nothing more to be done if it fails */
	close(fd);
}
