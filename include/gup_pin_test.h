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

#define GPT_UAPI_VERSION	1
#define GPT_DEVICE		"/dev/gup_test"

/* GUP entry points the module calls.  Numbers are never reused. */
enum gpt_path {
	GPT_PATH_GUP_FAST = 1,	/* get_user_pages_fast() */
	GPT_PATH_PIN_FAST = 2,	/* pin_user_pages_fast() */
	GPT_PATH_PIN = 3,	/* pin_user_pages() under mmap_read_lock() */
	GPT_PATH_END		/* one past the last path this header knows */
};

/* Request flags, translated to FOLL_* by the module. */
#define GPT_FLAG_WRITE		_BITULL(0)	/* FOLL_WRITE */
#define GPT_FLAG_LONGTERM	_BITULL(1)	/* FOLL_LONGTERM */
#define GPT_FLAG_ALL		(GPT_FLAG_WRITE | GPT_FLAG_LONGTERM)
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

/* /proc/vmstat nr_foll_pin_acquired and nr_foll_pin_released, exact. */
struct gpt_vmstat_delta {
	__s64 acquired;
	__s64 released;
};

/*
 * GPT_IOC_PIN: pin [addr, addr + nr_pages pages) through @path, then
 * release every page it pinned (without dirtying: nothing was written).
 */
struct gpt_pin {
	/* in */
	__u64 addr;		/* page aligned */
	__u64 nr_pages;		/* > 0 */
	__u64 flags;		/* GPT_FLAG_* */
	__u32 path;		/* enum gpt_path */
	__u32 pages_per_call;	/* pages per GUP call; 0: all in one call */
	__u64 reserved_in[4];
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
	__u64 reserved_out[8];
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

#endif /* _UAPI_GUP_PIN_TEST_H */
