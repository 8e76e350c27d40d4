// SPDX-License-Identifier: GPL-2.0
/* libgpt: ioctl wrappers and the names of the uapi's numbers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "gpt.h"

int gpt_open(void)
{
	int fd = open(GPT_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int gpt_get_info(int fd, struct gpt_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, GPT_IOC_INFO, info) ? -errno : 0;
}

int gpt_pin(int fd, struct gpt_pin *req)
{
	return ioctl(fd, GPT_IOC_PIN, req) ? -errno : 0;
}

int gpt_unpin(int fd, struct gpt_unpin *req)
{
	return ioctl(fd, GPT_IOC_UNPIN, req) ? -errno : 0;
}

int gpt_query(int fd, struct gpt_query *req)
{
	return ioctl(fd, GPT_IOC_QUERY, req) ? -errno : 0;
}

int gpt_rw(int fd, struct gpt_rw *req, bool write)
{
	return ioctl(fd, write ? GPT_IOC_WRITE : GPT_IOC_READ, req) ? -errno : 0;
}

const struct gpt_path_info *gpt_path_by_name(const struct gpt_info *info,
					     const char *name)
{
	for (uint32_t i = 0; i < info->nr_paths && i < GPT_MAX_PATHS; i++) {
		const struct gpt_path_info *p = &info->paths[i];

		if (!strcmp(p->name, name) || !strcmp(p->function, name))
			return p;
	}
	return NULL;
}

const struct gpt_path_info *gpt_path_by_id(const struct gpt_info *info,
					   uint32_t id)
{
	for (uint32_t i = 0; i < info->nr_paths && i < GPT_MAX_PATHS; i++)
		if (info->paths[i].path == id)
			return &info->paths[i];
	return NULL;
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
		"FOLL_LONGTERM needs FOLL_PIN; get_user_pages*() would WARN (is_valid_gup_flags)" },
	[GPT_REASON_FSDAX_LONGTERM] = { "fsdax-longterm",
		"long-term pin of a filesystem-DAX mapping (check_vma_flags)" },
	[GPT_REASON_NO_VMA] = { "no-vma", "no mapping at that address" },
	[GPT_REASON_VM_IO_PFNMAP] = { "vm-io-pfnmap",
		"VM_IO or VM_PFNMAP mapping (check_vma_flags)" },
	[GPT_REASON_NOT_WRITABLE] = { "not-writable",
		"write pin of a mapping without VM_WRITE (check_vma_flags)" },
	[GPT_REASON_NOT_READABLE] = { "not-readable",
		"pin of a mapping without VM_READ (check_vma_flags)" },
	[GPT_REASON_SHORT] = { "short",
		"the path returned fewer pages than asked, without an errno" },
	[GPT_REASON_UNLOCKED_LONGTERM] = { "unlocked-longterm",
		"FOLL_LONGTERM on *_unlocked() would WARN (get_user_pages_unlocked, 6.1)" },
	[GPT_REASON_FAST_FLAG] = { "fast-flag",
		"GUP-fast would WARN on this flag (internal_get_user_pages_fast)" },
	[GPT_REASON_NOT_IN_KERNEL] = { "not-in-kernel",
		"the running kernel does not have this path" },
	[GPT_REASON_SECRETMEM] = { "secretmem",
		"memfd_secret() memory (check_vma_flags)" },
	[GPT_REASON_NOFAULT] = { "nofault",
		"no page there, and FOLL_NOFAULT forbids faulting one in" },
	[GPT_REASON_ANON_ONLY] = { "anon-only",
		"FOLL_ANON on a mapping that is not anonymous (check_vma_flags)" },
	[GPT_REASON_NO_PROCESS] = { "no-process",
		"the pid names no process with an mm" },
	[GPT_REASON_HOLD_LIMIT] = { "hold-limit",
		"this file would hold more than max_held_pages pages" },
	[GPT_REASON_NO_HANDLE] = { "no-handle", "no held pin with that handle" },
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
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EHWPOISON, "EHWPOISON" },
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
		[7] = "referenced", [16] = "longterm-pinnable",
		[17] = "zone-movable", [18] = "dirty",
	};

	buf[0] = '\0';
	for (unsigned int bit = 0; bit < ARRAY_LEN(names); bit++)
		if ((flags & (1U << bit)) && names[bit])
			list_add(buf, len, names[bit]);
	if (!buf[0])
		snprintf(buf, len, "not-present");
}

const char *gpt_page_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[GPT_KIND_UNKNOWN] = "unknown", [GPT_KIND_ANON] = "anon",
		[GPT_KIND_THP] = "thp", [GPT_KIND_KSM] = "ksm",
		[GPT_KIND_FILE] = "file", [GPT_KIND_SHMEM] = "shmem",
		[GPT_KIND_HUGETLB] = "hugetlb", [GPT_KIND_ZERO] = "zero-page",
		[GPT_KIND_FSDAX] = "fsdax", [GPT_KIND_DEVMAP] = "devmap",
	};

	return kind < ARRAY_LEN(names) ? names[kind] : "?";
}
