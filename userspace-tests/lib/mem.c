// SPDX-License-Identifier: GPL-2.0
/* libgpt: memory to pin, and the folded pin counters of /proc/vmstat. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gpt.h"

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static int open_sized(const char *path, size_t len)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	/* A device (/dev/daxN.M) has the size it has. */
	if (fstat(fd, &st) || (!S_ISCHR(st.st_mode) && (size_t)st.st_size < len &&
			       ftruncate(fd, (off_t)len))) {
		int err = -errno;

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
	/* The new pages leave this CPU's LRU batch for the LRU. */
	if (how != GPT_PREFAULT_NONE)
		gpt_lru_drain_local();
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

int gpt_mem_map(const char *spec, size_t pages, bool shared,
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
	fd = open_sized(spec + 5, len);
	if (fd < 0)
		return fd;
	return gpt_mem_mmap(mem, fd, len, rw, shared ? MAP_SHARED : MAP_PRIVATE,
			    prefault);
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

int gpt_pin_counters_read(struct gpt_pin_counters *c)
{
	char line[128];
	int found = 0;
	FILE *f;

	/* Folds every CPU's batched diffs into the totals (root only). */
	f = fopen("/proc/sys/vm/stat_refresh", "w");
	if (!f)
		return -errno;
	if (fputs("1\n", f) < 0) {
		fclose(f);
		return -EIO;
	}
	if (fclose(f))
		return -EIO;

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
