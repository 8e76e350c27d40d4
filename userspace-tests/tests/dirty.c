// SPDX-License-Identifier: GPL-2.0
/*
 * Dirtying follows the pin.  A device that wrote a page through a pin
 * must have it dirtied at release, or writeback never sees the data: the
 * page was cleaned (fsync()) while pinned, the write went through the
 * kernel's mapping, no PTE knows.  And a pin taken without FOLL_WRITE may
 * not dirty anything: set_page_dirty() on such a page WARNs in
 * ext4_dirty_folio() and would dirty the shared zero page.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kernel-page-flags.h>
#include "suite.h"

#define NPAGES	4

static int write_sysctl(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, v, strlen(v));
	close(fd);
	return n == (ssize_t)strlen(v) ? 0 : -EIO;
}

/* An ext4 file of NPAGES pages of 'a', clean on disk, mapped shared. */
static int clean_ext4(const struct suite *s, const char *name, int *fdp,
		      char **mapp)
{
	char path[512], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", s->dirs.ext4, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	memset(buf, 'a', sizeof(buf));
	for (int i = 0; i < NPAGES; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return -EIO;
	if (fsync(fd))
		return -errno;
	*mapp = mmap(NULL, NPAGES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*mapp == MAP_FAILED)
		return -errno;
	*fdp = fd;
	return 0;
}

static bool page_dirty(const char *addr, int *err)
{
	struct gpt_kpage k;

	*err = gpt_kpages_read(0, (uintptr_t)addr, 1, &k);
	return !*err && (k.kflags & (1ULL << KPF_DIRTY));
}

/*
 * Written through a pin after fsync() cleaned the page: the data must
 * reach the disk.  sync, drop the page cache, read it back.
 */
static void test_written_survives(struct suite *s)
{
	struct gpt_pin req = { .nr_pages = NPAGES, .path = GPT_PATH_PIN,
			       .flags = GPT_FLAG_WRITE | GPT_FLAG_HOLD };
	char path[512], got[32] = "";
	struct gpt_unpin_result u;
	struct gpt_pin_result res;
	struct tap_point t;
	char *map = NULL;
	int fd = -1, err;

	tap_begin(&t);
	err = clean_ext4(s, "gpt-dirty", &fd, &map);
	if (!tap_check(&t, !err, "ext4 file: %s", gpt_errno_name(-err)))
		goto out;
	req.addr = (uintptr_t)map;
	tap_check_eq(&t, "PIN W+HOLD", 0, gpt_pin(s->fd, &req, &res, NULL, 0));
	tap_check_eq(&t, "pinned", NPAGES, (int64_t)res.pinned);
	/* Writeback cleans the pages and write-protects their PTEs. */
	tap_check_eq(&t, "fsync", 0, fsync(fd) ? -errno : 0);
	tap_check(&t, !page_dirty(map + 4096, &err) && !err,
		  "page 1 still dirty after fsync (%s)", gpt_errno_name(-err));
	tap_check_eq(&t, "WRITE through the pin", 0,
		     gpt_rw(s->fd, res.handle, 1, 8, "from the device", 16, true, NULL));
	tap_check(&t, !page_dirty(map + 4096, &err) && !err,
		  "the device's write dirtied the page by itself");
	tap_check_eq(&t, "UNPIN (no DIRTY flag)", 0, gpt_unpin(s->fd, res.handle, 0, &u));
	tap_check_eq(&t, "dirtied: the written hold", NPAGES, (int64_t)u.dirtied);
	tap_check(&t, page_dirty(map + 4096, &err), "page 1 clean after UNPIN");
	munmap(map, NPAGES * 4096);
	close(fd);
	sync();
	tap_check_eq(&t, "drop_caches", 0, write_sysctl("/proc/sys/vm/drop_caches", "3"));
	snprintf(path, sizeof(path), "%s/gpt-dirty", s->dirs.ext4);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	tap_check(&t, fd >= 0 && pread(fd, got, 16, 4096 + 8) == 16,
		  "reading the file back: %s", strerror(errno));
	tap_check(&t, !strcmp(got, "from the device"), "the file says \"%s\"", got);
	close(fd);
	unlink(path);
out:
	tap_end(&t, "dirty: ext4 shared file, fsync() while pinned, WRITE through the pin: UNPIN dirties it, the data survives sync and drop_caches");
}

/* A read-only pin may not be dirtied: refused, and nothing is dirty. */
static void test_read_only_refused(struct suite *s)
{
	struct gpt_pin req = { .nr_pages = NPAGES, .path = GPT_PATH_PIN,
			       .flags = GPT_FLAG_HOLD };
	struct gpt_unpin_result u;
	struct gpt_rw_result rw;
	struct gpt_pin_result res;
	struct gpt_query_result q;
	struct gpt_mem zero;
	struct tap_point t;
	char *map = NULL, path[512];
	int fd = -1, err;

	tap_begin(&t);
	err = clean_ext4(s, "gpt-ro", &fd, &map);
	if (!tap_check(&t, !err, "ext4 file: %s", gpt_errno_name(-err)))
		goto out;
	gpt_prefault(map, NPAGES * 4096, GPT_PREFAULT_READ);
	req.addr = (uintptr_t)map;
	tap_check_eq(&t, "read-only PIN+HOLD", 0, gpt_pin(s->fd, &req, &res, NULL, 0));
	tap_check_eq(&t, "UNPIN DIRTY of a read-only hold", -EINVAL,
		     gpt_unpin(s->fd, res.handle, GPT_UNPIN_DIRTY, &u));
	tap_check_eq(&t, "its reason", GPT_REASON_READ_ONLY_PIN, u.reason);
	tap_check_eq(&t, "WRITE through it", -EINVAL,
		     gpt_rw(s->fd, res.handle, 0, 0, "x", 1, true, &rw));
	tap_check_eq(&t, "its reason", GPT_REASON_READ_ONLY_PIN, rw.reason);
	tap_check_eq(&t, "the hold is still there", 0,
		     gpt_query(s->fd, res.handle, 0, NULL, 0, &q));
	tap_check_eq(&t, "its pages", NPAGES, (int64_t)q.nr_pages);
	for (int i = 0; i < NPAGES; i++)
		tap_check(&t, !page_dirty(map + i * 4096, &err) && !err,
			  "page %d dirty after the refusals", i);
	tap_check_eq(&t, "UNPIN", 0, gpt_unpin(s->fd, res.handle, 0, &u));
	tap_check_eq(&t, "released clean", 0, (int64_t)u.dirtied);
	for (int i = 0; i < NPAGES; i++)
		tap_check(&t, !page_dirty(map + i * 4096, &err) && !err,
			  "page %d dirty after UNPIN", i);
	munmap(map, NPAGES * 4096);
	close(fd);
	snprintf(path, sizeof(path), "%s/gpt-ro", s->dirs.ext4);
	unlink(path);

	/* The shared zero page: never dirtied by a read-only FOLL_GET hold. */
	gpt_mem_map("anon", 1, 0, GPT_PREFAULT_READ, &zero);
	req = (struct gpt_pin){ .addr = (uintptr_t)zero.addr, .nr_pages = 1,
				.path = GPT_PATH_GUP, .flags = GPT_FLAG_HOLD };
	tap_check_eq(&t, "zero page: read-only gup HOLD", 0,
		     gpt_pin(s->fd, &req, &res, NULL, 0));
	tap_check_eq(&t, "zero page: UNPIN DIRTY", -EINVAL,
		     gpt_unpin(s->fd, res.handle, GPT_UNPIN_DIRTY, &u));
	tap_check(&t, !page_dirty(zero.addr, &err) && !err, "the zero page is dirty");
	tap_check_eq(&t, "zero page: UNPIN", 0, gpt_unpin(s->fd, res.handle, 0, &u));
	gpt_mem_unmap(&zero);
out:
	tap_end(&t, "dirty: UNPIN DIRTY and WRITE of a read-only hold -> EINVAL (read-only-pin), the hold stays, no page (ext4, zero page) dirtied");
}

/*
 * Page cache held by FOLL_GET may not be dirtied: reclaim strips a clean
 * folio's buffers despite the reference (only folio_maybe_dma_pinned()
 * stops it, shrink_folio_list()), and dirtying it then WARNs in
 * ext4_dirty_folio().  Anonymous memory held the same way may.
 */
static void test_get_file_refused(struct suite *s)
{
	struct gpt_pin req = { .nr_pages = NPAGES, .path = GPT_PATH_GUP,
			       .flags = GPT_FLAG_WRITE | GPT_FLAG_HOLD };
	struct gpt_unpin_result u;
	struct gpt_rw_result rw;
	struct gpt_pin_result res;
	struct gpt_mem anon;
	struct tap_point t;
	char *map = NULL, path[512];
	int fd = -1, err;

	tap_begin(&t);
	err = clean_ext4(s, "gpt-get", &fd, &map);
	if (!tap_check(&t, !err, "ext4 file: %s", gpt_errno_name(-err)))
		goto out;
	req.addr = (uintptr_t)map;
	tap_check_eq(&t, "get_user_pages W+HOLD of ext4 page cache", 0,
		     gpt_pin(s->fd, &req, &res, NULL, 0));
	tap_check_eq(&t, "WRITE through it", -EINVAL,
		     gpt_rw(s->fd, res.handle, 0, 0, "x", 1, true, &rw));
	tap_check_eq(&t, "its reason", GPT_REASON_GET_FILE_DIRTY, rw.reason);
	tap_check_eq(&t, "UNPIN DIRTY", -EINVAL,
		     gpt_unpin(s->fd, res.handle, GPT_UNPIN_DIRTY, &u));
	tap_check_eq(&t, "its reason", GPT_REASON_GET_FILE_DIRTY, u.reason);
	tap_check_eq(&t, "UNPIN", 0, gpt_unpin(s->fd, res.handle, 0, &u));
	munmap(map, NPAGES * 4096);
	close(fd);
	snprintf(path, sizeof(path), "%s/gpt-get", s->dirs.ext4);
	unlink(path);

	gpt_mem_map("anon", 1, 0, GPT_PREFAULT_WRITE, &anon);
	req = (struct gpt_pin){ .addr = (uintptr_t)anon.addr, .nr_pages = 1,
				.path = GPT_PATH_GUP,
				.flags = GPT_FLAG_WRITE | GPT_FLAG_HOLD };
	tap_check_eq(&t, "get_user_pages W+HOLD of anonymous memory", 0,
		     gpt_pin(s->fd, &req, &res, NULL, 0));
	tap_check_eq(&t, "WRITE through it", 0,
		     gpt_rw(s->fd, res.handle, 0, 0, "gup", 4, true, &rw));
	tap_check(&t, !strcmp(anon.addr, "gup"), "the process sees \"%s\"",
		  (char *)anon.addr);
	tap_check_eq(&t, "UNPIN DIRTY", 0,
		     gpt_unpin(s->fd, res.handle, GPT_UNPIN_DIRTY, &u));
	tap_check_eq(&t, "dirtied", 1, (int64_t)u.dirtied);
	gpt_mem_unmap(&anon);
out:
	tap_end(&t, "dirty: WRITE and UNPIN DIRTY of ext4 page cache held by get_user_pages -> EINVAL (get-file-dirty); of anonymous memory they work");
}

void test_dirty(struct suite *s)
{
	test_written_survives(s);
	test_read_only_refused(s);
	test_get_file_refused(s);
}
