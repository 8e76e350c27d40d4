// SPDX-License-Identifier: GPL-2.0
/* libgpt: ioctl wrappers and the names of the uapi's numbers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "gpt.h"

int gpt_open(void)
{
	int fd = open(GPT_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int gpt_get_info(int fd, struct gpt_modinfo *mi)
{
	struct gpt_info_req req = { 0 };
	uint32_t np = 0, nr = 0;

	memset(mi, 0, sizeof(*mi));
	/* Ask for the header, then for arrays of the size it gives. */
	for (int round = 0; round < 2; round++) {
		free(mi->paths);
		free(mi->refusals);
		mi->paths = calloc(np ? np : 1, sizeof(*mi->paths));
		mi->refusals = calloc(nr ? nr : 1, sizeof(*mi->refusals));
		if (!mi->paths || !mi->refusals)
			return -ENOMEM;
		memset(&req, 0, sizeof(req));
		req.head = (struct gpt_head){ sizeof(req), sizeof(mi->h),
					      (uintptr_t)&mi->h };
		req.paths = (struct gpt_array){ (uintptr_t)mi->paths, np,
						sizeof(*mi->paths) };
		req.refusals = (struct gpt_array){ (uintptr_t)mi->refusals, nr,
						   sizeof(*mi->refusals) };
		if (!np) {
			req.paths = (struct gpt_array){ 0 };
			req.refusals = (struct gpt_array){ 0 };
		}
		if (ioctl(fd, GPT_IOC_INFO, &req))
			return -errno;
		np = mi->h.nr_paths;
		nr = mi->h.nr_refusals;
		if (!np)
			break;
	}
	return 0;
}

void gpt_modinfo_free(struct gpt_modinfo *mi)
{
	free(mi->paths);
	free(mi->refusals);
	memset(mi, 0, sizeof(*mi));
}

int gpt_pin(int fd, struct gpt_pin *req, struct gpt_pin_result *res,
	    struct gpt_page_record *rec, uint32_t nrec)
{
	memset(res, 0, sizeof(*res));
	req->head = (struct gpt_head){ sizeof(*req), sizeof(*res), (uintptr_t)res };
	req->records = rec ? (struct gpt_array){ (uintptr_t)rec, nrec,
						 sizeof(*rec) } :
			     (struct gpt_array){ 0 };
	req->sample_size = rec ? sizeof(rec->before) : 0;
	return ioctl(fd, GPT_IOC_PIN, req) ? -errno : 0;
}

int gpt_bench(int fd, struct gpt_bench *req, struct gpt_bench_result *res,
	      struct gpt_bench_repeat *rep)
{
	memset(res, 0, sizeof(*res));
	req->head = (struct gpt_head){ sizeof(*req), sizeof(*res), (uintptr_t)res };
	req->records = (struct gpt_array){ (uintptr_t)rep, req->repeats, sizeof(*rep) };
	return ioctl(fd, GPT_IOC_BENCH, req) ? -errno : 0;
}

int gpt_unpin(int fd, uint64_t handle, uint64_t flags,
	      struct gpt_unpin_result *res)
{
	struct gpt_unpin req = { .head = { sizeof(req), sizeof(*res), (uintptr_t)res },
				 .handle = handle, .flags = flags };

	memset(res, 0, sizeof(*res));
	return ioctl(fd, GPT_IOC_UNPIN, &req) ? -errno : 0;
}

int gpt_query(int fd, uint64_t handle, uint64_t first,
	      struct gpt_page_sample *s, uint32_t n, struct gpt_query_result *res)
{
	struct gpt_query req = { .head = { sizeof(req), sizeof(*res), (uintptr_t)res },
				 .handle = handle, .first = first };

	if (s)
		req.records = (struct gpt_array){ (uintptr_t)s, n, sizeof(*s) };
	memset(res, 0, sizeof(*res));
	return ioctl(fd, GPT_IOC_QUERY, &req) ? -errno : 0;
}

int gpt_holds(int fd, uint64_t older_than_ns, uint64_t id, uint64_t index,
	      struct gpt_held_page *rec, uint32_t n, struct gpt_holds_result *res)
{
	struct gpt_holds req = { .head = { sizeof(req), sizeof(*res), (uintptr_t)res },
				 .older_than_ns = older_than_ns, .id = id,
				 .index = index };

	if (rec)
		req.records = (struct gpt_array){ (uintptr_t)rec, n, sizeof(*rec) };
	memset(res, 0, sizeof(*res));
	return ioctl(fd, GPT_IOC_HOLDS, &req) ? -errno : 0;
}

int gpt_rw(int fd, uint64_t handle, uint64_t index, uint32_t offset,
	   void *buf, uint32_t len, bool write, struct gpt_rw_result *res)
{
	struct gpt_rw_result own;
	struct gpt_rw req = { .handle = handle, .index = index, .offset = offset,
			      .buf = (uintptr_t)buf, .len = len };

	if (!res)
		res = &own;
	memset(res, 0, sizeof(*res));
	req.head = (struct gpt_head){ sizeof(req), sizeof(*res), (uintptr_t)res };
	return ioctl(fd, write ? GPT_IOC_WRITE : GPT_IOC_READ, &req) ? -errno : 0;
}

const struct gpt_path_info *gpt_path_by_name(const struct gpt_modinfo *mi,
					     const char *name)
{
	for (uint32_t i = 0; mi->paths && i < mi->h.nr_paths; i++) {
		const struct gpt_path_info *p = &mi->paths[i];

		if (!strcmp(p->name, name) || !strcmp(p->function, name))
			return p;
	}
	return NULL;
}

const struct gpt_path_info *gpt_path_by_id(const struct gpt_modinfo *mi,
					   uint32_t id)
{
	for (uint32_t i = 0; mi->paths && i < mi->h.nr_paths; i++)
		if (mi->paths[i].path == id)
			return &mi->paths[i];
	return NULL;
}

uint32_t gpt_path_refuses(const struct gpt_modinfo *mi, uint32_t path,
			  uint64_t flag)
{
	for (uint32_t i = 0; mi->refusals && i < mi->h.nr_refusals; i++)
		if (mi->refusals[i].path == path && mi->refusals[i].flag == flag)
			return mi->refusals[i].reason;
	return 0;
}

/* Indexed by flag bit. */
static const char *const flag_names[] = {
	[0] = "write",
	[1] = "longterm",
	[2] = "force",
	[3] = "nofault",
	[4] = "nowait",
	[5] = "anon",
	[16] = "hold",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *gpt_flag_name(unsigned int bit)
{
	return bit < ARRAY_LEN(flag_names) ? flag_names[bit] : NULL;
}

int gpt_flags_parse(const char *s, uint64_t *flags)
{
	char buf[256], *save = NULL;

	*flags = 0;
	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -1;
	for (char *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned int bit;

		for (bit = 0; bit < ARRAY_LEN(flag_names); bit++)
			if (flag_names[bit] && !strcmp(tok, flag_names[bit]))
				break;
		if (bit == ARRAY_LEN(flag_names))
			return -1;
		*flags |= 1ULL << bit;
	}
	return 0;
}

/* Append @word to the comma list in @buf. */
static void list_add(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? "," : "", word);
}

void gpt_flags_format(uint64_t flags, char *buf, size_t len)
{
	buf[0] = '\0';
	for (unsigned int bit = 0; bit < 64; bit++) {
		char unknown[16];
		const char *name = gpt_flag_name(bit);

		if (!(flags & (1ULL << bit)))
			continue;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			name = unknown;
		}
		list_add(buf, len, name);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

static const struct {
	const char *name;
	const char *text;
} reasons[] = {
	[GPT_REASON_NONE] = { "none", "no refusal" },
	[GPT_REASON_UNATTRIBUTED] = { "unattributed",
		"the kernel's errno; the module did not find why" },
	[GPT_REASON_BAD_ARGUMENT] = { "bad-argument",
		"the request is invalid (reserved field, path, flag, range)" },
	[GPT_REASON_GET_LONGTERM] = { "get-longterm",
		"FOLL_LONGTERM needs FOLL_PIN: get_user_pages*() would WARN, is_valid_gup_flags()" },
	[GPT_REASON_FSDAX_LONGTERM] = { "fsdax-longterm",
		"a long-term pin of a filesystem-DAX mapping, which check_vma_flags() refuses" },
	[GPT_REASON_NO_VMA] = { "no-vma", "no mapping at that address" },
	[GPT_REASON_VM_IO_PFNMAP] = { "vm-io-pfnmap",
		"a VM_IO or VM_PFNMAP mapping, which check_vma_flags() refuses" },
	[GPT_REASON_NOT_WRITABLE] = { "not-writable",
		"a write pin of a mapping without VM_WRITE, which check_vma_flags() refuses" },
	[GPT_REASON_NOT_READABLE] = { "not-readable",
		"a pin of a mapping without VM_READ, which check_vma_flags() refuses" },
	[GPT_REASON_SHORT] = { "short",
		"the path returned fewer pages than asked, without an errno" },
	[GPT_REASON_UNLOCKED_LONGTERM] = { "unlocked-longterm",
		"FOLL_LONGTERM on *_unlocked() would WARN, get_user_pages_unlocked() up to 6.2" },
	[GPT_REASON_FAST_FLAG] = { "fast-flag",
		"GUP-fast would WARN on this flag, internal_get_user_pages_fast()" },
	[GPT_REASON_NOT_IN_KERNEL] = { "not-in-kernel",
		"the running kernel does not have this path" },
	[GPT_REASON_SECRETMEM] = { "secretmem",
		"memfd_secret() memory, which check_vma_flags() refuses" },
	[GPT_REASON_NOFAULT] = { "nofault",
		"no page there, and FOLL_NOFAULT forbids faulting one in" },
	[GPT_REASON_ANON_ONLY] = { "anon-only",
		"FOLL_ANON on a mapping that is not anonymous, which check_vma_flags() refuses" },
	[GPT_REASON_NO_PROCESS] = { "no-process",
		"the pid names no process with an mm" },
	[GPT_REASON_HOLD_LIMIT] = { "hold-limit",
		"this file would hold more than max_held_pages pages" },
	[GPT_REASON_NO_HANDLE] = { "no-handle", "no held pin with that handle" },
	[GPT_REASON_PTRACE] = { "ptrace",
		"not allowed to ptrace the target process (needs CAP_SYS_PTRACE)" },
	[GPT_REASON_MEMLOCK] = { "memlock",
		"holding these pages would pass RLIMIT_MEMLOCK (pinned_vm)" },
	[GPT_REASON_READ_ONLY_PIN] = { "read-only-pin",
		"dirtying or writing through a pin taken without write" },
	[GPT_REASON_FILE_LONGTERM] = { "file-longterm",
		"a long-term write pin of a file mapping that needs dirty tracking, which writable_file_mapping_allowed() refuses (6.5+)" },
	[GPT_REASON_BAD_SIZE] = { "bad-size",
		"a size field is too small, or unknown trailing bytes are not zero" },
	[GPT_REASON_RECORDS_OVERLAP] = { "records-overlap",
		"the records buffer lies inside the range to pin" },
	[GPT_REASON_TOO_BIG] = { "too-big",
		"more pages than max_pages (or the module's hard limit)" },
	[GPT_REASON_GET_FILE_DIRTY] = { "get-file-dirty",
		"dirtying page cache held by FOLL_GET: reclaim may have stripped its buffers (use a pin_* path)" },
	[GPT_REASON_HUGETLB_LONGTERM] = { "hugetlb-longterm",
		"a long-term pin of a hugetlb page in ZONE_MOVABLE or CMA: this kernel's follow_hugetlb_page() WARNs on it" },
};

const char *gpt_reason_name(uint32_t reason)
{
	return reason < ARRAY_LEN(reasons) ? reasons[reason].name : "unknown";
}

const char *gpt_reason_text(uint32_t reason)
{
	return reason < ARRAY_LEN(reasons) ? reasons[reason].text :
					     "a reason this tool does not know";
}

const char *gpt_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ 0, "0" },		{ EPERM, "EPERM" },
		{ ENOENT, "ENOENT" },	{ EINTR, "EINTR" },
		{ EFAULT, "EFAULT" },	{ EBUSY, "EBUSY" },
		{ EINVAL, "EINVAL" },	{ ENOMEM, "ENOMEM" },
		{ ENOTTY, "ENOTTY" },	{ E2BIG, "E2BIG" },
		{ EAGAIN, "EAGAIN" },	{ EACCES, "EACCES" },
		{ ENODEV, "ENODEV" },	{ ENOSPC, "ENOSPC" },
		{ ESRCH, "ESRCH" },	{ EIO, "EIO" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EHWPOISON, "EHWPOISON" },
		/* what setting up memory and the tools' own checks meet */
		{ ENOSYS, "ENOSYS" },	{ ENXIO, "ENXIO" },
		{ EEXIST, "EEXIST" },	{ EISDIR, "EISDIR" },
		{ ENOTDIR, "ENOTDIR" },	{ EFBIG, "EFBIG" },
		{ ERANGE, "ERANGE" },	{ EOVERFLOW, "EOVERFLOW" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { EBADF, "EBADF" },
		{ EMFILE, "EMFILE" },	{ ENFILE, "ENFILE" },
		{ EROFS, "EROFS" },	{ ETXTBSY, "ETXTBSY" },
		{ EDEADLK, "EDEADLK" },	{ EMLINK, "EMLINK" },
	};
	static char other[16];

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(other, sizeof(other), "E%d", err);
	return other;
}

void gpt_sample_flags_format(uint32_t flags, char *buf, size_t len)
{
	static const char *const names[] = {
		[0] = "present", [1] = "dma-pinned", [2] = "zero-page",
		[3] = "large", [4] = "devmap", [5] = "lru", [6] = "active",
		[7] = "referenced", [8] = "dirty", [9] = "longterm-pinnable",
		[10] = "anon-exclusive", [11] = "huge-mapped",
		[12] = "pinnable-by-zone", [13] = "folio-mapcount",
	};

	buf[0] = '\0';
	for (unsigned int bit = 0; bit < ARRAY_LEN(names); bit++)
		if ((flags & (1U << bit)) && names[bit])
			list_add(buf, len, names[bit]);
	if (!buf[0])
		snprintf(buf, len, "not-present");
}

void gpt_vma_format(uint32_t vma, char *buf, size_t len)
{
	static const char *const names[] = {
		[1] = "anon", [2] = "file", [3] = "shmem", [4] = "hugetlb",
		[5] = "shared", [6] = "write", [7] = "io", [8] = "pfnmap", [9] = "fsdax",
	};

	buf[0] = '\0';
	for (unsigned int bit = 1; bit < ARRAY_LEN(names); bit++)
		if ((vma & (1U << bit)) && names[bit])
			list_add(buf, len, names[bit]);
	if (!buf[0])
		snprintf(buf, len, (vma & GPT_VMA_KNOWN) ? "private" : "unknown");
}

const char *gpt_page_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[GPT_KIND_UNKNOWN] = "unknown", [GPT_KIND_ANON] = "anon",
		[GPT_KIND_THP] = "thp", [GPT_KIND_KSM] = "ksm",
		[GPT_KIND_FILE] = "file", [GPT_KIND_SHMEM] = "shmem",
		[GPT_KIND_HUGETLB] = "hugetlb", [GPT_KIND_ZERO] = "zero-page",
		[GPT_KIND_FSDAX] = "fsdax", [GPT_KIND_DEVMAP] = "devmap",
		[GPT_KIND_DEVDAX] = "devdax",
	};

	return kind < ARRAY_LEN(names) ? names[kind] : "?";
}

const char *gpt_zone_name(uint32_t zone)
{
	static const char *const names[] = {
		[GPT_ZONE_UNKNOWN] = "?", [GPT_ZONE_DMA] = "dma",
		[GPT_ZONE_DMA32] = "dma32", [GPT_ZONE_NORMAL] = "normal",
		[GPT_ZONE_HIGHMEM] = "highmem", [GPT_ZONE_MOVABLE] = "movable",
		[GPT_ZONE_DEVICE] = "device",
	};

	return zone < ARRAY_LEN(names) ? names[zone] : "?";
}

const char *gpt_reason_how_name(uint32_t how)
{
	switch (how) {
	case GPT_HOW_NONE: return "none";
	case GPT_HOW_MODULE: return "module";
	case GPT_HOW_INFERRED: return "inferred";
	}
	return "?";
}

const char *gpt_reason_how_text(uint32_t how)
{
	switch (how) {
	case GPT_HOW_MODULE:
		return "found by the module: certain";
	case GPT_HOW_INFERRED:
		return "inferred afterwards from the VMA by this kernel's rule: a best guess";
	}
	return "not found";
}
