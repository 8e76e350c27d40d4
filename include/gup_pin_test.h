/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * gup_pin_test: the userspace API of /dev/gup_test (module gup_pin_test.ko).
 *
 * The API is ours and stable: path numbers, flag bits, reason codes and
 * kinds never change meaning and are never kernel FOLL_* values; the module
 * translates them for the kernel it runs on.  docs/uapi.md tells the story.
 *
 * Extensible structs (version 3), as openat2() and clone3() do it:
 *  - every request starts with struct gpt_head, whose size is the bytes of
 *    the struct the caller knows (sizeof at its build).  Smaller than the first version's
 *    size: EINVAL.  Larger than the module's: the bytes it does not know
 *    must be zero (E2BIG otherwise), so a new field means "as before" when
 *    zero.  The ioctl numbers carry no size (VFIO's argsz convention).
 *  - the head names where the result goes: result (a user pointer) and
 *    result_size.  The module writes min(result_size, its own size) bytes,
 *    zeroes the rest up to result_size, and puts the bytes it wrote in the
 *    result's size field.  Every result starts with size and reason.
 *  - arrays (per-page records, paths, refusals) go through struct
 *    gpt_array: a pointer, room for count elements of elem_size bytes
 *    each; elements grow the same way as results.
 *  - fixed-width fields, no padding, 8-byte aligned sizes; unknown flags
 *    must be zero (EINVAL).
 *
 * Errors: the ioctl's errno says whether the module accepted the request
 * (EINVAL, E2BIG, EPERM, ENOMEM, ENOSPC, ENOENT, ESRCH, EFAULT, ENOTTY);
 * the result's reason says why, whenever the result could be written.
 * What GUP did with an accepted request is in the result (pinned, error,
 * reason), with the ioctl returning 0.
 */
#ifndef _UAPI_GUP_PIN_TEST_H
#define _UAPI_GUP_PIN_TEST_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define GPT_UAPI_VERSION	3
#define GPT_DEVICE		"/dev/gup_test"

/*
 * GUP entry points the module calls.  Numbers are never reused.  "Locked"
 * paths are called under mmap_read_lock(); "remote" ones on the mm of
 * gpt_pin.pid (0: the caller).
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

/* What a path is (gpt_path_info.path_class). */
#define GPT_CLASS_GET		_BITUL(0)	/* FOLL_GET: get_user_pages*() */
#define GPT_CLASS_PIN		_BITUL(1)	/* FOLL_PIN: pin_user_pages*() */
#define GPT_CLASS_FAST		_BITUL(2)	/* GUP-fast first */
#define GPT_CLASS_FAST_ONLY	_BITUL(3)	/* GUP-fast and nothing else */
#define GPT_CLASS_LOCKED	_BITUL(4)	/* under mmap_read_lock() */
#define GPT_CLASS_UNLOCKED	_BITUL(5)	/* takes mmap_lock itself */
#define GPT_CLASS_REMOTE	_BITUL(6)	/* on another process's mm */

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
	GPT_REASON_NOT_IN_KERNEL = 12,	/* the running kernel lacks it */
	GPT_REASON_SECRETMEM = 13,	/* memfd_secret() mapping */
	GPT_REASON_NOFAULT = 14,	/* not present, and FOLL_NOFAULT */
	GPT_REASON_ANON_ONLY = 15,	/* FOLL_ANON on a non-anonymous VMA */
	GPT_REASON_NO_PROCESS = 16,	/* pid names no process with an mm */
	GPT_REASON_HOLD_LIMIT = 17,	/* the file's max_held_pages is reached */
	GPT_REASON_NO_HANDLE = 18,	/* no held pin with that handle */
	GPT_REASON_PTRACE = 19,		/* not allowed to ptrace the target */
	GPT_REASON_MEMLOCK = 20,	/* RLIMIT_MEMLOCK exceeded (gpt_pin.account) */
	GPT_REASON_READ_ONLY_PIN = 21,	/* dirtying or writing a read-only pin */
	GPT_REASON_FILE_LONGTERM = 22,	/* long-term write pin of a file that
					 * needs dirty tracking (6.5)
					 */
	GPT_REASON_BAD_SIZE = 23,	/* a size field too small, or unknown
					 * trailing bytes not zero (E2BIG)
					 */
	GPT_REASON_RECORDS_OVERLAP = 24, /* records buffer inside the range */
	GPT_REASON_TOO_BIG = 25,	/* past max_pages or the hard limit */
	GPT_REASON_GET_FILE_DIRTY = 26,	/* dirtying page cache held by FOLL_GET:
					 * reclaim may have stripped its buffers
					 */
	GPT_REASON_HUGETLB_LONGTERM = 27, /* long-term pin of a hugetlb page
					   * in ZONE_MOVABLE or CMA, which
					   * this kernel WARNs on
					   */
	GPT_REASON_END
};

/* How a reason was found (reason_how in the results). */
enum gpt_reason_how {
	GPT_HOW_NONE = 0,
	GPT_HOW_MODULE = 1,	/* the module refused or stopped: certain */
	GPT_HOW_INFERRED = 2,	/* GUP's errno, explained by looking at the
				 * VMA afterwards with the running kernel's
				 * rules: a best guess
				 */
};

/*
 * How every request begins: its own size, and where its result goes.
 * Every result begins with __u32 size and __u32 reason.
 */
struct gpt_head {
	__u32 size;		/* sizeof the request, as the caller knows it */
	__u32 result_size;	/* room at result */
	__aligned_u64 result;	/* user pointer to the command's result */
};

/* A window of user memory for an array of elements. */
struct gpt_array {
	__aligned_u64 ptr;		/* user pointer; 0: not wanted */
	__u32 count;		/* elements there is room for */
	__u32 elem_size;	/* sizeof(element) as the caller knows it */
};

/* What a page is. */
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
	GPT_KIND_DEVDAX = 10,	/* ZONE_DEVICE page of /dev/daxN.M */
	GPT_KIND_END
};

/* The zone of a page, in our numbers (the kernel's depend on its config). */
enum gpt_zone {
	GPT_ZONE_UNKNOWN = 0,
	GPT_ZONE_DMA = 1,
	GPT_ZONE_DMA32 = 2,
	GPT_ZONE_NORMAL = 3,
	GPT_ZONE_HIGHMEM = 4,
	GPT_ZONE_MOVABLE = 5,
	GPT_ZONE_DEVICE = 6,
};

/*
 * One page as the module saw it at one moment.  refcount is the folio's
 * (tail pages hold none of their own), without any reference the module
 * took to look.  Not present: everything but flags is zero.
 */
struct gpt_page_sample {
	__aligned_u64 pfn;
	__s64 refcount;		/* folio_ref_count() */
	__aligned_u64 fs_magic;		/* file-backed: the filesystem's s_magic */
	__s32 pincount;		/* large folios: _pincount; small: 0 */
	__s32 mapcount;		/* page_mapcount(); see GPT_PAGE_FOLIO_MAPCOUNT */
	__u32 flags;		/* GPT_PAGE_* */
	__u8 order;		/* folio order */
	__u8 zone;		/* enum gpt_zone */
	__u8 kind;		/* enum gpt_page_kind */
	__u8 reserved0;
	__u32 nid;		/* NUMA node */
	/*
	 * GPT_VMA_* of the VMA that maps the address: page-table samples
	 * (before, after) only; 0 from a module older than the field
	 */
	__u32 vma;
};

#define GPT_PAGE_PRESENT	_BITUL(0)  /* a page is mapped / was sampled */
#define GPT_PAGE_DMA_PINNED	_BITUL(1)  /* folio_maybe_dma_pinned() */
#define GPT_PAGE_ZERO		_BITUL(2)  /* the shared zero page */
#define GPT_PAGE_LARGE		_BITUL(3)  /* large folio: pincount valid */
#define GPT_PAGE_DEVMAP		_BITUL(4)  /* ZONE_DEVICE page */
/*
 * LRU state: explains references that are not pins.  A folio waiting in a
 * per-CPU LRU batch holds one reference (not yet LRU); FOLL_TOUCH on a
 * referenced, inactive LRU folio activates it through another batch,
 * which takes one more (folio_mark_accessed()).
 */
#define GPT_PAGE_LRU		_BITUL(5)
#define GPT_PAGE_ACTIVE		_BITUL(6)
#define GPT_PAGE_REFERENCED	_BITUL(7)
#define GPT_PAGE_DIRTY		_BITUL(8)  /* folio_test_dirty() */
#define GPT_PAGE_LONGTERM_PINNABLE _BITUL(9) /* folio_is_longterm_pinnable() */
#define GPT_PAGE_ANON_EXCLUSIVE	_BITUL(10) /* reserved: PageAnonExclusive() */
#define GPT_PAGE_HUGE_MAPPED	_BITUL(11) /* mapped by a PMD or PUD leaf */
/*
 * longterm-pinnable is the module's own reading, by zone alone: the
 * kernel's folio_is_longterm_pinnable() cannot be called here (before 6.0,
 * or CONFIG_CMA), so CMA pageblocks are not told apart
 */
#define GPT_PAGE_PINNABLE_BY_ZONE	_BITUL(12)
/* mapcount is the folio's (folio_mapcount(), 6.12+), not the page's */
#define GPT_PAGE_FOLIO_MAPCOUNT	_BITUL(13)

/* The VMA of a sampled address (gpt_page_sample.vma). */
#define GPT_VMA_KNOWN	_BITUL(0)	/* a VMA maps it: the bits below say what */
#define GPT_VMA_ANON	_BITUL(1)	/* vma_is_anonymous() */
#define GPT_VMA_FILE	_BITUL(2)	/* vm_file set (a private /dev/zero too) */
#define GPT_VMA_SHMEM	_BITUL(3)	/* a regular tmpfs file: tmpfs, memfd,
					 * shared anonymous memory
					 */
#define GPT_VMA_HUGETLB	_BITUL(4)	/* is_vm_hugetlb_page() */
#define GPT_VMA_SHARED	_BITUL(5)	/* VM_SHARED */
#define GPT_VMA_WRITE	_BITUL(6)	/* VM_WRITE */
#define GPT_VMA_IO	_BITUL(7)	/* VM_IO */
#define GPT_VMA_PFNMAP	_BITUL(8)	/* VM_PFNMAP */
#define GPT_VMA_FSDAX	_BITUL(9)	/* vma_is_fsdax() */

/*
 * Every page of a PIN request: the page mapped before GUP, the page GUP
 * returned (while pinned), the page mapped after the release.  Samples can
 * grow: gpt_pin.sample_size says how big they are in the caller's records
 * (records.elem_size at least three of them).
 */
struct gpt_page_record {
	struct gpt_page_sample before;
	struct gpt_page_sample pinned;
	struct gpt_page_sample after;
};

/* /proc/vmstat nr_foll_pin_acquired and _released: system-wide, exact. */
struct gpt_vmstat_delta {
	__s64 acquired;
	__s64 released;
};

/*
 * How a PIN is charged against the caller's RLIMIT_MEMLOCK, as drivers
 * charge what they pin (gpt_pin.account).  Charged for nr_pages before
 * GUP (ENOMEM, reason memlock, if over the limit), kept for the pages a
 * hold keeps, given back for the rest when the request ends.
 */
enum gpt_account {
	GPT_ACCOUNT_DEFAULT = 0,	/* a hold: PINNED_VM; otherwise NONE */
	GPT_ACCOUNT_NONE = 1,		/* nothing (not with GPT_FLAG_HOLD) */
	/* mm->pinned_vm, CAP_IPC_LOCK lifts the limit: ib_umem_get() */
	GPT_ACCOUNT_PINNED_VM = 2,
	/* mm->pinned_vm, no capability lifts it: vhost_vdpa_pa_map() */
	GPT_ACCOUNT_PINNED_VM_NOCAP = 3,
	/*
	 * mm->locked_vm, shared with mlock(), CAP_IPC_LOCK lifts the limit:
	 * __account_locked_vm(), as VFIO type1's vfio_lock_acct()
	 */
	GPT_ACCOUNT_LOCKED_VM = 4,
	/*
	 * the user's locked_vm (every process of the uid), CAP_IPC_LOCK
	 * charges nothing: AF_XDP's xdp_umem_account_pages()
	 */
	GPT_ACCOUNT_USER_LOCKED_VM = 5,
	/*
	 * as USER_LOCKED_VM, and mm->pinned_vm too, never checked (and even
	 * with CAP_IPC_LOCK): io_uring's io_account_mem() to 6.x
	 */
	GPT_ACCOUNT_USER_LOCKED_VM_PINNED = 6,
	GPT_ACCOUNT_END
};

/*
 * GPT_IOC_PIN: pin [addr, addr + nr_pages pages) through @path, sample
 * every page, then release what was pinned (without dirtying: nothing was
 * written).  With GPT_FLAG_HOLD the pages stay pinned under a handle,
 * owned by the open file, until GPT_IOC_UNPIN or close(), charged against
 * the caller's RLIMIT_MEMLOCK as @account says (by default as RDMA's
 * ib_umem_get(): pinned_vm, CAP_IPC_LOCK lifts the limit).  Remote paths
 * on another process need the right to ptrace it (see docs/uapi.md).
 */
struct gpt_pin {
	struct gpt_head head;	/* result: struct gpt_pin_result */
	__u32 path;		/* enum gpt_path */
	/* sizeof(struct gpt_page_sample): the stride of a record's samples */
	__u32 sample_size;
	__aligned_u64 flags;	/* GPT_FLAG_* */
	__aligned_u64 addr;	/* page aligned */
	__aligned_u64 nr_pages;	/* > 0, <= gpt_info.max_pages */
	__u32 pages_per_call;	/* pages per GUP call; 0: all in one */
	__s32 pid;		/* remote paths: target process; 0: caller */
	struct gpt_array records; /* struct gpt_page_record per page, or 0 */
	__u32 account;		/* enum gpt_account (came after version 3) */
	__u32 reserved0;	/* 0 */
};

struct gpt_pin_result {
	__u32 size;		/* bytes the module wrote */
	__u32 reason;		/* enum gpt_reason */
	__u32 reason_how;	/* enum gpt_reason_how */
	__s32 error;		/* errno GUP returned (positive), or 0 */
	__aligned_u64 error_index;	/* page where GUP stopped; nr_pages if it did not */
	__aligned_u64 calls;		/* GUP calls made (retries included) */
	/* This request's own counts, from the module's bookkeeping: exact. */
	__aligned_u64 pinned;		/* pages GUP returned: pins (or references) taken */
	__aligned_u64 released;		/* of those, released before returning */
	/* pages whose after sample equals before (pfn, refcount, pincount) */
	__aligned_u64 unchanged;
	__aligned_u64 first_changed;	/* first page that is not; nr_pages if none */
	__aligned_u64 nr_records;	/* records written */
	__aligned_u64 handle;		/* GPT_FLAG_HOLD and pinned > 0 */
	__aligned_u64 memlock_charged;	/* pages the hold keeps charged (account) */
	__aligned_u64 pin_ns;		/* time in the GUP calls */
	__aligned_u64 release_ns;	/* time in the release */
	/* System-wide: every process's pins count here. */
	struct gpt_vmstat_delta sys_vmstat_pinned;	/* before -> pinned */
	struct gpt_vmstat_delta sys_vmstat_after;	/* before -> released */
};

/* GPT_IOC_UNPIN: release a held pin. */
struct gpt_unpin {
	struct gpt_head head;	/* result: struct gpt_unpin_result */
	__aligned_u64 handle;
	__aligned_u64 flags;	/* GPT_UNPIN_* */
};

/*
 * Mark the pages dirty as they are released.  Only for holds pinned with
 * GPT_FLAG_WRITE (EINVAL, read-only-pin, otherwise), and not for page
 * cache held by a FOLL_GET path (EINVAL, get-file-dirty).  A hold written
 * through GPT_IOC_WRITE is released dirty whether asked or not.
 */
#define GPT_UNPIN_DIRTY		_BITULL(0)
#define GPT_UNPIN_FLAGS_ALL	GPT_UNPIN_DIRTY

struct gpt_unpin_result {
	__u32 size;
	__u32 reason;
	__aligned_u64 released;		/* pages released */
	__aligned_u64 dirtied;		/* of those, released dirty */
	__aligned_u64 memlock_uncharged;
	__aligned_u64 release_ns;
	struct gpt_vmstat_delta sys_vmstat;	/* across the release */
};

/*
 * GPT_IOC_QUERY: the hold @handle, and samples of its pages [first,
 * first + records.count) as they are now (at most gpt_info.query_max a
 * call: ask again from where it stopped).
 */
struct gpt_query {
	struct gpt_head head;	/* result: struct gpt_query_result */
	__aligned_u64 handle;
	__aligned_u64 first;	/* page index in the hold */
	struct gpt_array records;	/* struct gpt_page_sample */
};

struct gpt_query_result {
	__u32 size;
	__u32 reason;
	__aligned_u64 nr_pages;		/* pages the hold has */
	__aligned_u64 nr_records;	/* samples written */
	__aligned_u64 addr;		/* the hold's user address */
	__aligned_u64 flags;		/* the PIN's GPT_FLAG_* */
	__u32 path;		/* the PIN's path */
	__s32 pid;		/* the PIN's pid (0: the pinning process) */
	__aligned_u64 age_ns;		/* since the pages were pinned */
	__aligned_u64 memlock_charged;
	__aligned_u64 written;		/* GPT_IOC_WRITE calls on this hold */
};

/*
 * GPT_IOC_READ / GPT_IOC_WRITE: copy between @buf and a held page, through
 * the kernel's mapping of the page, as a device doing DMA would see it.
 * WRITE needs a hold taken with GPT_FLAG_WRITE (and, for page cache, a
 * FOLL_PIN path), and marks the hold dirty.
 * A hold of another process's memory needs the right to ptrace it, now.
 */
struct gpt_rw {
	struct gpt_head head;	/* result: struct gpt_rw_result */
	__aligned_u64 handle;
	__aligned_u64 index;	/* page index in the hold */
	__aligned_u64 buf;	/* user pointer */
	__u32 offset;		/* in the page */
	__u32 len;		/* offset + len <= page size */
};

struct gpt_rw_result {
	__u32 size;
	__u32 reason;
};

/*
 * GPT_IOC_HOLDS: the pin watch.  Every held pin of every open file of
 * /dev/gup_test that is at least older_than_ns old, a record per page, in
 * the order the holds were taken (what Android's page_pinner reports as
 * "pinned for at least N us").  Holds of memory the caller may not look
 * into (another process's, without CAP_SYS_PTRACE: as QUERY) are counted
 * in hidden and not listed; pfns need CAP_SYS_ADMIN, as in pagemap.
 * At most gpt_info.query_max records a call: ask again from next_id and
 * next_index.
 */
struct gpt_holds {
	struct gpt_head head;	/* result: struct gpt_holds_result */
	__aligned_u64 older_than_ns;	/* only holds at least this old */
	__aligned_u64 id;	/* start at this hold (0: the first) ... */
	__aligned_u64 index;	/* ... and this page of it */
	struct gpt_array records;	/* struct gpt_held_page, or 0: count only */
};

/* One page of a hold, as GPT_IOC_HOLDS lists it. */
struct gpt_held_page {
	__aligned_u64 id;	/* the hold's id, module-wide and never reused */
	__aligned_u64 handle;	/* its handle in the file that holds it */
	__aligned_u64 index;	/* the page's index in the hold */
	__aligned_u64 addr;	/* the page's user address */
	__aligned_u64 age_ns;	/* since the hold was pinned */
	__aligned_u64 flags;	/* the PIN's GPT_FLAG_* */
	__u32 path;		/* the PIN's path */
	__s32 owner;		/* the process that pinned, in the caller's pid
				 * namespace (0: not in it)
				 */
	__s32 pid;		/* the PIN's pid: the pinned memory's process,
				 * 0 for the owner's own
				 */
	__u32 reserved0;
	struct gpt_page_sample sample;	/* the page now */
};

struct gpt_holds_result {
	__u32 size;
	__u32 reason;
	__aligned_u64 nr_records;	/* records written */
	__aligned_u64 next_id;		/* where to ask again; 0: all listed */
	__aligned_u64 next_index;
	__aligned_u64 holds;		/* holds listed or left to list, in all */
	__aligned_u64 pages;		/* their pages */
	__aligned_u64 hidden;		/* old enough, but not the caller's to see */
};

/*
 * GPT_IOC_BENCH: mm/gup_test.c's benchmark, one figure per repeat.  Pin
 * [addr, addr + nr_pages pages) through @path, pages_per_call pages a call
 * (0: all in one), then release every page, @repeats times; nothing is
 * sampled or held.  Each repeat's pin loop and release are timed in the
 * kernel (ktime_get_ns()) and written to @records, so that userspace
 * computes medians and spread.  Locked paths take mmap_read_lock() once
 * around the pin loop, as gup_test does.  A fatal signal ends the repeats
 * (the result says how many ran); so does GUP's errno or a call that makes
 * no progress, after releasing what that repeat pinned.
 */
struct gpt_bench {
	struct gpt_head head;	/* result: struct gpt_bench_result */
	__u32 path;		/* enum gpt_path; remote ones on the caller's mm */
	__u32 pages_per_call;	/* 0: all in one */
	__aligned_u64 flags;	/* GPT_FLAG_* of GUP (GPT_FLAG_GUP_ALL) */
	__aligned_u64 addr;	/* page aligned */
	__aligned_u64 nr_pages;	/* > 0, <= gpt_info.max_pages */
	__u32 repeats;		/* 1 to GPT_BENCH_MAX_REPEATS */
	__u32 reserved0;	/* 0 */
	struct gpt_array records;	/* struct gpt_bench_repeat, >= repeats */
};

#define GPT_BENCH_MAX_REPEATS	1000

/* One repeat. */
struct gpt_bench_repeat {
	__aligned_u64 pin_ns;		/* the pin loop, every GUP call */
	__aligned_u64 release_ns;	/* releasing every page pinned */
	__aligned_u64 pinned;		/* pages pinned */
	__aligned_u64 calls;		/* GUP calls made */
};

struct gpt_bench_result {
	__u32 size;
	__u32 reason;
	__u32 reason_how;
	__s32 error;			/* GUP's errno in the last repeat, or 0 */
	__aligned_u64 error_index;	/* page where it stopped; nr_pages if not */
	__aligned_u64 repeats;		/* repeats run (and records written) */
};

#define GPT_NAME_LEN		32

/* One path, as INFO lists it. */
struct gpt_path_info {
	__u32 path;			/* enum gpt_path */
	__u32 reason;			/* 0: usable here, else why not */
	__aligned_u64 flags;			/* GPT_FLAG_* it accepts here */
	__u32 path_class;		/* GPT_CLASS_* */
	__u32 reserved0;
	char name[GPT_NAME_LEN];	/* short name: "pin-fast" */
	char function[GPT_NAME_LEN];	/* kernel function it calls */
};

/* One flag a path refuses here, and why. */
struct gpt_refusal {
	__u32 path;
	__u32 reason;
	__aligned_u64 flag;			/* one GPT_FLAG_* bit */
};

/* GPT_IOC_INFO: what this module build supports on this kernel. */
struct gpt_info_req {
	struct gpt_head head;		/* result: struct gpt_info */
	struct gpt_array paths;		/* struct gpt_path_info */
	struct gpt_array refusals;	/* struct gpt_refusal */
};

struct gpt_info {
	__u32 size;
	__u32 reason;
	__u32 uapi_version;		/* GPT_UAPI_VERSION of the module */
	__u32 nr_paths;			/* paths the module has */
	__u32 nr_refusals;		/* refusals it has */
	__u32 query_max;		/* most samples one QUERY returns */
	__aligned_u64 flags;			/* every GPT_FLAG_* the module knows */
	__aligned_u64 max_pages;		/* most pages one PIN may name, now */
	__aligned_u64 max_held_pages;		/* most pages one file may hold, now */
	char release[72];		/* utsname()->release */
	char module_version[32];
};

#define GPT_IOC_MAGIC	'g'	/* numbers from 0x50: clear of mm/gup_test.c
				 * and of uapi 2's 0x40-0x45
				 */
#define GPT_IOC_INFO	_IO(GPT_IOC_MAGIC, 0x50)	/* gpt_info_req */
#define GPT_IOC_PIN	_IO(GPT_IOC_MAGIC, 0x51)	/* gpt_pin */
#define GPT_IOC_UNPIN	_IO(GPT_IOC_MAGIC, 0x52)	/* gpt_unpin */
#define GPT_IOC_QUERY	_IO(GPT_IOC_MAGIC, 0x53)	/* gpt_query */
#define GPT_IOC_READ	_IO(GPT_IOC_MAGIC, 0x54)	/* gpt_rw */
#define GPT_IOC_WRITE	_IO(GPT_IOC_MAGIC, 0x55)	/* gpt_rw */
#define GPT_IOC_BENCH	_IO(GPT_IOC_MAGIC, 0x56)	/* gpt_bench */
#define GPT_IOC_HOLDS	_IO(GPT_IOC_MAGIC, 0x58)	/* gpt_holds */
/* Planned, number kept: 0x57 SAMPLE (pages by pfn, as pagemap names them). */

/* The first published size of each struct: smaller is EINVAL. */
#define GPT_PIN_SIZE_VER3		72
#define GPT_PIN_SIZE_ACCOUNT		80	/* with account: older modules E2BIG */
#define GPT_PIN_RESULT_SIZE_VER3	136
#define GPT_UNPIN_SIZE_VER3		32
#define GPT_UNPIN_RESULT_SIZE_VER3	56
#define GPT_QUERY_SIZE_VER3		48
#define GPT_QUERY_RESULT_SIZE_VER3	72
#define GPT_RW_SIZE_VER3		48
#define GPT_RW_RESULT_SIZE_VER3		8
#define GPT_INFO_REQ_SIZE_VER3		48
#define GPT_INFO_SIZE_VER3		152
#define GPT_PAGE_SAMPLE_SIZE_VER3	48
#define GPT_PAGE_RECORD_SIZE_VER3	144
#define GPT_PATH_INFO_SIZE_VER3		88
#define GPT_REFUSAL_SIZE_VER3		16
#define GPT_HOLDS_SIZE_VER3		56
#define GPT_HOLDS_RESULT_SIZE_VER3	56
#define GPT_HELD_PAGE_SIZE_VER3		112
#define GPT_BENCH_SIZE_VER3		72
#define GPT_BENCH_RESULT_SIZE_VER3	32
#define GPT_BENCH_REPEAT_SIZE_VER3	32

#endif /* _UAPI_GUP_PIN_TEST_H */
