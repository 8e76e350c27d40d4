/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * gup_pin_test: the userspace API of /dev/gup_test (module gup_pin_test.ko).
 *
 * The API is ours and stable: path numbers, flag bits and reason codes never
 * change meaning and are never kernel FOLL_* values; the module translates
 * them for the kernel it runs on.
 *
 * Rules for every struct:
 *  - fixed-width fields, explicit padding, 8-byte aligned sizes;
 *  - reserved input fields must be zero (EINVAL otherwise), reserved output
 *    fields come back zero;
 *  - a new field takes reserved space and raises GPT_UAPI_VERSION, so a zero
 *    there always means "as in version 1"; a struct that has to grow gets a
 *    new ioctl number (the size is part of it) and the old number stays.
 *
 * Errors: the ioctl's own errno says whether the request was valid (EINVAL,
 * ENOTTY, EFAULT, ENOMEM); what GUP did with a valid request is in the
 * result (pinned, error, reason), with the ioctl returning 0.
 */
#ifndef _UAPI_GUP_PIN_TEST_H
#define _UAPI_GUP_PIN_TEST_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define GPT_UAPI_VERSION	2
#define GPT_DEVICE		"/dev/gup_test"

/*
 * GUP entry points the module calls.  Numbers are never reused.  "Locked"
 * paths are called under mmap_read_lock(); "remote" ones on the mm of
 * gpt_pin.pid.
 */
enum gpt_path {
	GPT_PATH_GUP_FAST = 1,		/* get_user_pages_fast() */
	GPT_PATH_PIN_FAST = 2,		/* pin_user_pages_fast() */
	GPT_PATH_PIN = 3,		/* pin_user_pages(), locked */
	GPT_PATH_GUP = 4,		/* get_user_pages(), locked */
	GPT_PATH_GUP_FAST_ONLY = 5,	/* get_user_pages_fast_only() */
	GPT_PATH_GUP_UNLOCKED = 6,	/* get_user_pages_unlocked() */
	GPT_PATH_GUP_REMOTE = 7,	/* get_user_pages_remote(), locked */
	GPT_PATH_PIN_FAST_ONLY = 8,	/* pin_user_pages_fast_only() (<6.3) */
	GPT_PATH_PIN_UNLOCKED = 9,	/* pin_user_pages_unlocked() */
	GPT_PATH_PIN_REMOTE = 10,	/* pin_user_pages_remote(), locked */
	GPT_PATH_END		/* one past the last path this header knows */
};

/* Request flags: bits 0-15 become FOLL_* bits, the rest are ours. */
#define GPT_FLAG_WRITE		_BITULL(0)	/* FOLL_WRITE */
#define GPT_FLAG_LONGTERM	_BITULL(1)	/* FOLL_LONGTERM */
#define GPT_FLAG_FORCE		_BITULL(2)	/* FOLL_FORCE */
#define GPT_FLAG_NOFAULT	_BITULL(3)	/* FOLL_NOFAULT */
#define GPT_FLAG_NOWAIT		_BITULL(4)	/* FOLL_NOWAIT */
#define GPT_FLAG_ANON		_BITULL(5)	/* FOLL_ANON */
#define GPT_FLAG_HOLD		_BITULL(16)	/* keep the pages: see handle */
#define GPT_FLAG_GUP_ALL	(GPT_FLAG_WRITE | GPT_FLAG_LONGTERM | \
				 GPT_FLAG_FORCE | GPT_FLAG_NOFAULT | \
				 GPT_FLAG_NOWAIT | GPT_FLAG_ANON)
#define GPT_FLAG_ALL		(GPT_FLAG_GUP_ALL | GPT_FLAG_HOLD)
#define GPT_FLAG_BITS		32	/* bits gpt_path_info.flag_reason covers */

/*
 * Why something was refused, left out or came back short.  Every result
 * carries one; the numbers are stable, new ones are appended.
 */
enum gpt_reason {
	GPT_REASON_NONE = 0,
	GPT_REASON_UNATTRIBUTED = 1,	/* an errno the module cannot explain */
	GPT_REASON_BAD_ARGUMENT = 2,	/* the request itself is invalid */
	GPT_REASON_GET_LONGTERM = 3,	/* get_* with FOLL_LONGTERM WARNs */
	GPT_REASON_FSDAX_LONGTERM = 4,	/* long-term pin of an fsdax VMA */
	GPT_REASON_NO_VMA = 5,		/* address not mapped */
	GPT_REASON_VM_IO_PFNMAP = 6,	/* VM_IO or VM_PFNMAP mapping */
	GPT_REASON_NOT_WRITABLE = 7,	/* write pin of a VMA without VM_WRITE */
	GPT_REASON_NOT_READABLE = 8,	/* read pin of a VMA without VM_READ */
	GPT_REASON_SHORT = 9,		/* fewer pages than asked, no errno */
	GPT_REASON_UNLOCKED_LONGTERM = 10, /* *_unlocked() + LONGTERM WARNs */
	GPT_REASON_FAST_FLAG = 11,	/* GUP-fast WARNs on this FOLL_* flag */
	GPT_REASON_NOT_IN_KERNEL = 12,	/* the running kernel lacks the path */
	GPT_REASON_SECRETMEM = 13,	/* memfd_secret() mapping */
	GPT_REASON_NOFAULT = 14,	/* not present, and FOLL_NOFAULT */
	GPT_REASON_ANON_ONLY = 15,	/* FOLL_ANON on a non-anonymous VMA */
	GPT_REASON_NO_PROCESS = 16,	/* pid names no process with an mm */
	GPT_REASON_HOLD_LIMIT = 17,	/* the file's max_held_pages is reached */
	GPT_REASON_NO_HANDLE = 18,	/* no held pin with that handle */
	GPT_REASON_END
};

/* One page as the module saw it: see GPT_SAMPLE_*. */
struct gpt_page_sample {
	__u64 pfn;
	__s64 refcount;		/* folio_ref_count(), the module's own lookup
				 * reference excluded
				 */
	__s64 pincount;		/* folio's _pincount; large folios only */
	__u32 flags;		/* GPT_SAMPLE_* */
	__u32 order;		/* folio order */
	__u64 reserved[2];
};

#define GPT_SAMPLE_PRESENT	_BITUL(0) /* a page is mapped there */
#define GPT_SAMPLE_DMA_PINNED	_BITUL(1) /* folio_maybe_dma_pinned() */
#define GPT_SAMPLE_ZERO_PAGE	_BITUL(2) /* the shared zero page */
#define GPT_SAMPLE_LARGE	_BITUL(3) /* large folio: pincount is valid */
#define GPT_SAMPLE_DEVMAP	_BITUL(4) /* ZONE_DEVICE page (fsdax, devdax) */
/*
 * LRU state: explains references that are not pins.  A folio waiting in a
 * per-CPU LRU batch holds one reference (not yet LRU); FOLL_TOUCH on a
 * referenced, inactive LRU folio activates it through another batch,
 * which takes one more (folio_mark_accessed()).
 */
#define GPT_SAMPLE_LRU		_BITUL(5) /* folio_test_lru() */
#define GPT_SAMPLE_ACTIVE	_BITUL(6) /* folio_test_active() */
#define GPT_SAMPLE_REFERENCED	_BITUL(7) /* folio_test_referenced() */

/* /proc/vmstat nr_foll_pin_acquired and nr_foll_pin_released, exact. */
struct gpt_vmstat_delta {
	__s64 acquired;
	__s64 released;
};

/*
 * GPT_IOC_PIN: pin [addr, addr + nr_pages pages) through @path, then
 * release every page it pinned (without dirtying: nothing was written).
 * With GPT_FLAG_HOLD the pages stay pinned under @handle, owned by the
 * open file, until GPT_IOC_UNPIN or close(); @after is then not sampled
 * and @vmstat_after equals @vmstat_pinned.  Holding past the module's
 * max_held_pages per file fails with ENOSPC.
 */
struct gpt_pin {
	/* in */
	__u64 addr;		/* page aligned */
	__u64 nr_pages;		/* > 0 */
	__u64 flags;		/* GPT_FLAG_* */
	__u32 path;		/* enum gpt_path */
	__u32 pages_per_call;	/* pages per GUP call; 0: all in one call */
	__s32 pid;		/* remote paths: target process; 0: caller */
	__u32 reserved_in0;
	__u64 reserved_in[3];
	/* out */
	__u64 pinned;		/* pages the GUP calls returned, summed */
	__u64 calls;		/* GUP calls made */
	__s32 error;		/* first errno GUP returned (positive), or 0 */
	__u32 reason;		/* enum gpt_reason for error or short count;
				 * also written when the ioctl fails EINVAL
				 */
	struct gpt_vmstat_delta vmstat_pinned;	/* before -> all pinned */
	struct gpt_vmstat_delta vmstat_after;	/* before -> all released */
	struct gpt_page_sample before;	/* first page before the call */
	struct gpt_page_sample pinned_page; /* first page while pinned */
	struct gpt_page_sample after;	/* first page after the release */
	__u64 handle;		/* GPT_FLAG_HOLD and pinned > 0: its handle */
	__u64 reserved_out[7];
};

/* GPT_IOC_UNPIN: release a held pin. */
struct gpt_unpin {
	/* in */
	__u64 handle;
	__u64 flags;		/* GPT_UNPIN_* */
	__u64 reserved_in[2];
	/* out */
	__u64 released;		/* pages released */
	struct gpt_vmstat_delta vmstat;	/* across the release */
	__u32 reason;		/* enum gpt_reason, also on failure */
	__u32 reserved_out0;
	__u64 reserved_out[4];
};

#define GPT_UNPIN_DIRTY		_BITULL(0) /* mark the pages dirty first */
#define GPT_UNPIN_ALL		GPT_UNPIN_DIRTY

/* What a page is, as QUERY reports it. */
enum gpt_page_kind {
	GPT_KIND_UNKNOWN = 0,
	GPT_KIND_ANON = 1,	/* anonymous, small folio */
	GPT_KIND_THP = 2,	/* anonymous, large folio */
	GPT_KIND_KSM = 3,
	GPT_KIND_FILE = 4,	/* page cache of a regular filesystem */
	GPT_KIND_SHMEM = 5,	/* shmem/tmpfs/memfd page cache */
	GPT_KIND_HUGETLB = 6,
	GPT_KIND_ZERO = 7,	/* the shared zero page */
	GPT_KIND_FSDAX = 8,	/* ZONE_DEVICE page of a DAX file */
	GPT_KIND_DEVMAP = 9,	/* other ZONE_DEVICE page */
	GPT_KIND_END
};

/* One held page. */
struct gpt_page_record {
	__u64 pfn;
	__s64 refcount;		/* folio_ref_count() */
	__s64 pincount;		/* large folios: _pincount; small: 0 */
	__s32 mapcount;		/* page_mapcount() */
	__u32 order;		/* folio order */
	__u32 flags;		/* GPT_SAMPLE_* and GPT_PAGE_* */
	__u32 kind;		/* enum gpt_page_kind */
	__u64 fs_magic;		/* file-backed: the filesystem's s_magic */
	__u64 reserved[2];
};

#define GPT_PAGE_LONGTERM_PINNABLE	_BITUL(16) /* folio_is_longterm_pinnable() */
#define GPT_PAGE_ZONE_MOVABLE		_BITUL(17) /* in ZONE_MOVABLE */
#define GPT_PAGE_DIRTY			_BITUL(18) /* folio_test_dirty() */

/* GPT_IOC_QUERY: records of pages [first, first + max_records) of a hold. */
struct gpt_query {
	/* in */
	__u64 handle;
	__u64 records;		/* user pointer to struct gpt_page_record[] */
	__u64 first;		/* page index in the hold */
	__u32 max_records;	/* room at @records */
	__u32 reserved_in0;
	__u64 reserved_in[2];
	/* out */
	__u64 nr_pages;		/* pages the hold has */
	__u64 nr_records;	/* records written */
	__u64 addr;		/* the hold's user address */
	__u64 flags;		/* the hold's GPT_FLAG_* */
	__u32 path;		/* the hold's path */
	__u32 reason;		/* enum gpt_reason, also on failure */
	__u64 reserved_out[3];
};

/*
 * GPT_IOC_READ / GPT_IOC_WRITE: copy between @buf and a held page, through
 * the kernel's mapping of the page, as a device doing DMA would see it.
 * WRITE needs a hold taken with GPT_FLAG_WRITE.
 */
struct gpt_rw {
	__u64 handle;
	__u64 index;		/* page index in the hold */
	__u64 buf;		/* user pointer */
	__u32 offset;		/* in the page */
	__u32 len;		/* offset + len <= page size */
	__u64 reserved_in[2];
	/* out */
	__u32 reason;		/* enum gpt_reason, also on failure */
	__u32 reserved_out0;
	__u64 reserved_out;
};

#define GPT_MAX_PATHS		16
#define GPT_NAME_LEN		32

struct gpt_path_info {
	char name[GPT_NAME_LEN];	/* short name: "pin-fast" */
	char function[GPT_NAME_LEN];	/* kernel function it calls */
	__u32 path;			/* enum gpt_path */
	__u32 reason;			/* 0: usable here, else why not */
	__u64 flags;			/* GPT_FLAG_* accepted with it here */
	/* flag_reason[b]: why flag bit b is refused with this path, or 0 */
	__u16 flag_reason[GPT_FLAG_BITS];
	__u64 reserved[2];
};

/* GPT_IOC_INFO: what this module build supports on this kernel. */
struct gpt_info {
	__u32 uapi_version;		/* GPT_UAPI_VERSION of the module */
	__u32 nr_paths;			/* valid entries in paths[] */
	__u64 flags;			/* every GPT_FLAG_* the module knows */
	char release[72];		/* utsname()->release */
	char module_version[32];
	__u64 reserved[8];
	struct gpt_path_info paths[GPT_MAX_PATHS];
};

#define GPT_IOC_MAGIC	'g'	/* numbers from 0x40: clear of mm/gup_test.c */
#define GPT_IOC_INFO	_IOR(GPT_IOC_MAGIC, 0x40, struct gpt_info)
#define GPT_IOC_PIN	_IOWR(GPT_IOC_MAGIC, 0x41, struct gpt_pin)
#define GPT_IOC_UNPIN	_IOWR(GPT_IOC_MAGIC, 0x42, struct gpt_unpin)
#define GPT_IOC_QUERY	_IOWR(GPT_IOC_MAGIC, 0x43, struct gpt_query)
#define GPT_IOC_READ	_IOWR(GPT_IOC_MAGIC, 0x44, struct gpt_rw)
#define GPT_IOC_WRITE	_IOWR(GPT_IOC_MAGIC, 0x45, struct gpt_rw)

#endif /* _UAPI_GUP_PIN_TEST_H */
