// SPDX-License-Identifier: GPL-2.0
/*
 * libgpt: the kinds of memory the matrix pins.  Each is mapped fresh, in
 * a new file where it is file-backed, and touched as its comment says.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "gpt.h"

#define HUGE_SIZE	(2UL << 20)	/* x86-64 PMD size: THP and hugetlb */

#ifndef SYS_memfd_secret
#define SYS_memfd_secret 447
#endif

static const char *const kind_names[GPT_MEM_END] = {
	[GPT_MEM_ANON] = "anon",
	[GPT_MEM_ANON_THP] = "anon-thp",
	[GPT_MEM_SHARED_ANON] = "shared-anon",
	[GPT_MEM_MEMFD] = "memfd",
	[GPT_MEM_MEMFD_HUGETLB] = "memfd-hugetlb",
	[GPT_MEM_TMPFS] = "tmpfs",
	[GPT_MEM_EXT4_PRIVATE] = "ext4-private",
	[GPT_MEM_EXT4_SHARED] = "ext4-shared",
	[GPT_MEM_FSDAX_PRIVATE] = "fsdax-private",
	[GPT_MEM_FSDAX_COW] = "fsdax-cow",
	[GPT_MEM_FSDAX_SHARED] = "fsdax-shared",
	[GPT_MEM_READ_ONLY] = "read-only",
	[GPT_MEM_PROT_NONE] = "prot-none",
	[GPT_MEM_DEV_ZERO] = "dev-zero",
	[GPT_MEM_SECRET] = "memfd-secret",
	[GPT_MEM_ZERO_PAGE] = "zero-page",
	[GPT_MEM_UNFAULTED] = "unfaulted",
	[GPT_MEM_UNMAPPED] = "unmapped",
	[GPT_MEM_PARTIAL] = "partial",
	[GPT_MEM_PFNMAP] = "pfnmap",
};

const char *gpt_kind_name(enum gpt_mem_kind kind)
{
	return kind < GPT_MEM_END ? kind_names[kind] : "?";
}

int gpt_kind_by_name(const char *name)
{
	for (int k = 0; k < GPT_MEM_END; k++)
		if (!strcmp(kind_names[k], name))
			return k;
	return -1;
}

/* @fd, fresh from a create call, sized to @len; -errno, closed, if not. */
static int sized(int fd, size_t len)
{
	int err;

	if (fd < 0)
		return -errno;
	if (!ftruncate(fd, (off_t)len))
		return fd;
	err = -errno;
	close(fd);
	return err;
}

/*
 * A new file of @len bytes in DIR that no one else can see: O_TMPFILE
 * (ext4 and tmpfs), else a name no file has (O_EXCL), unlinked at once.
 * Nothing already in DIR is touched.
 */
static int new_file(const char *dir, enum gpt_mem_kind kind, size_t len)
{
	char path[512];
	int fd;

	if (!dir)
		return -EINVAL;
	fd = open(dir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	for (unsigned int i = 0; fd < 0 && i < 100; i++) {
		snprintf(path, sizeof(path), "%s/.gpt-%s-%d-%u", dir, kind_names[kind],
			 (int)getpid(), i);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			unlink(path);
		else if (errno != EEXIST)
			break;
	}
	return sized(fd, len);
}

/* Map @fd, or pass on the -errno that getting it gave. */
static int map_fd(struct gpt_mem *mem, int fd, size_t len, int prot,
		  int flags, enum gpt_prefault how)
{
	return fd < 0 ? fd : gpt_mem_mmap(mem, fd, len, prot, flags, how);
}


/* A PMD-aligned anonymous THP, all written; @len bytes of it to pin. */
static int map_thp(struct gpt_mem *mem, size_t len)
{
	size_t span = 2 * HUGE_SIZE;
	char *base = mmap(NULL, span, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *addr;

	if (base == MAP_FAILED)
		return -errno;
	addr = (char *)(((uintptr_t)base + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1));
	mem->base = base;
	mem->base_len = span;
	mem->addr = addr;
	mem->len = len;
	if (madvise(addr, HUGE_SIZE, MADV_HUGEPAGE))
		return -errno;
	/*
	 * Every page written: a THP mostly of zero pages is "underused", and
	 * 6.12+ splits those behind our back (deferred split shrinker).
	 */
	gpt_prefault(addr, HUGE_SIZE, GPT_PREFAULT_WRITE);
	return 0;
}

/*
 * A file written through write() and synced, for mappings that cannot
 * write it: clean page cache, which writeback leaves alone meanwhile.
 */
static int written_file(const char *dir, enum gpt_mem_kind kind, size_t len)
{
	int fd = new_file(dir, kind, len);
	char buf[64];

	if (fd < 0)
		return fd;
	memset(buf, 0x5a, sizeof(buf));
	for (size_t off = 0; off < len; off += (size_t)sysconf(_SC_PAGESIZE)) {
		ssize_t n = pwrite(fd, buf, sizeof(buf), (off_t)off);

		if (n != (ssize_t)sizeof(buf)) {
			int err = n < 0 ? -errno : -EIO;

			close(fd);
			return err;
		}
	}
	if (fsync(fd)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int gpt_kind_map(enum gpt_mem_kind kind, const struct gpt_dirs *dirs,
		 size_t pages, struct gpt_mem *mem)
{
	size_t len = pages * (size_t)sysconf(_SC_PAGESIZE);
	const int rw = PROT_READ | PROT_WRITE;
	int ret;

	memset(mem, 0, sizeof(*mem));
	mem->fd = -1;
	switch (kind) {
	case GPT_MEM_ANON:
		return gpt_mem_mmap(mem, -1, len, rw, MAP_PRIVATE, GPT_PREFAULT_WRITE);
	case GPT_MEM_ANON_THP:
		return len > HUGE_SIZE ? -EINVAL : map_thp(mem, len);
	case GPT_MEM_SHARED_ANON:
		return gpt_mem_mmap(mem, -1, len, rw, MAP_SHARED, GPT_PREFAULT_WRITE);
	case GPT_MEM_MEMFD:
		return map_fd(mem, sized(memfd_create("gpt-memfd", MFD_CLOEXEC), len),
			      len, rw, MAP_SHARED, GPT_PREFAULT_WRITE);
	case GPT_MEM_MEMFD_HUGETLB:
		if (len > HUGE_SIZE)
			return -EINVAL;
		ret = map_fd(mem, sized(memfd_create("gpt-hugetlb", MFD_CLOEXEC |
						     MFD_HUGETLB), HUGE_SIZE),
			     HUGE_SIZE, rw, MAP_SHARED, GPT_PREFAULT_NONE);
		if (!ret) {
			mem->len = len;
			gpt_prefault(mem->addr, len, GPT_PREFAULT_WRITE);
		}
		return ret;
	case GPT_MEM_TMPFS:
		return map_fd(mem, new_file(dirs->tmpfs, kind, len), len, rw,
			      MAP_SHARED, GPT_PREFAULT_WRITE);
	case GPT_MEM_EXT4_PRIVATE:
		return map_fd(mem, written_file(dirs->ext4, kind, len), len, rw,
			      MAP_PRIVATE, GPT_PREFAULT_READ);
	case GPT_MEM_EXT4_SHARED:
		return map_fd(mem, new_file(dirs->ext4, kind, len), len, rw,
			      MAP_SHARED, GPT_PREFAULT_WRITE);
	case GPT_MEM_FSDAX_PRIVATE:
		return map_fd(mem, written_file(dirs->fsdax, kind, len), len, rw,
			      MAP_PRIVATE, GPT_PREFAULT_READ);
	case GPT_MEM_FSDAX_COW:
		return map_fd(mem, written_file(dirs->fsdax, kind, len), len, rw,
			      MAP_PRIVATE, GPT_PREFAULT_WRITE);
	case GPT_MEM_FSDAX_SHARED:
		return map_fd(mem, new_file(dirs->fsdax, kind, len), len, rw,
			      MAP_SHARED, GPT_PREFAULT_WRITE);
	case GPT_MEM_READ_ONLY:
		return map_fd(mem, written_file(dirs->ext4, kind, len), len,
			      PROT_READ, MAP_PRIVATE, GPT_PREFAULT_READ);
	case GPT_MEM_PROT_NONE:
		return gpt_mem_mmap(mem, -1, len, PROT_NONE, MAP_PRIVATE,
				GPT_PREFAULT_NONE);
	case GPT_MEM_DEV_ZERO:
		ret = open("/dev/zero", O_RDWR | O_CLOEXEC);
		return map_fd(mem, ret < 0 ? -errno : ret, len, rw, MAP_PRIVATE,
			      GPT_PREFAULT_WRITE);
	case GPT_MEM_SECRET:
		return map_fd(mem, sized((int)syscall(SYS_memfd_secret, 0), len),
			      len, rw, MAP_SHARED, GPT_PREFAULT_WRITE);
	case GPT_MEM_ZERO_PAGE:
		return gpt_mem_mmap(mem, -1, len, rw, MAP_PRIVATE, GPT_PREFAULT_READ);
	case GPT_MEM_UNFAULTED:
		return gpt_mem_mmap(mem, -1, len, rw, MAP_PRIVATE, GPT_PREFAULT_NONE);
	case GPT_MEM_UNMAPPED:
		ret = gpt_mem_mmap(mem, -1, len, rw, MAP_PRIVATE, GPT_PREFAULT_NONE);
		if (!ret)
			munmap(mem->base, mem->base_len);
		mem->base = NULL;	/* keep the address, own nothing */
		return ret;
	case GPT_MEM_PARTIAL:
		ret = gpt_mem_mmap(mem, -1, len, rw, MAP_PRIVATE, GPT_PREFAULT_WRITE);
		if (!ret) {
			/* keep the whole range as the address, own half of it */
			munmap((char *)mem->base + len / 2, len - len / 2);
			mem->base_len = len / 2;
		}
		return ret;
	case GPT_MEM_PFNMAP:
		if (len > 16 * 4096)
			return -EINVAL;
		ret = open("/dev/mem", O_RDWR | O_CLOEXEC);
		if (ret < 0)
			return -errno;
		mem->addr = mem->base = mmap(NULL, len, rw, MAP_SHARED, ret, 0xa0000);
		close(ret);
		if (mem->addr == MAP_FAILED) {
			mem->addr = mem->base = NULL;
			return -errno;
		}
		mem->len = mem->base_len = len;
		return 0;
	case GPT_MEM_END:
		break;
	}
	return -EINVAL;
}
