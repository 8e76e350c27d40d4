/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libgpt: the userspace side of /dev/gup_test, shared by gupctl and the
 * test suite: ioctl wrappers, names of paths, flags and reasons, test
 * memory, and folded /proc/vmstat pin counters.
 */
#ifndef LIBGPT_H
#define LIBGPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gup_pin_test.h"

/* What INFO says: the header, every path, every refusal. */
struct gpt_modinfo {
	struct gpt_info h;
	struct gpt_path_info *paths;	/* h.nr_paths of them */
	struct gpt_refusal *refusals;	/* h.nr_refusals of them */
};

/*
 * ioctl wrappers: 0, or -errno.  Each fills in the sizes and pointers of
 * its request and zeroes the result first, so a failure leaves only what
 * the module wrote (its reason).
 */
int gpt_open(void);
int gpt_get_info(int fd, struct gpt_modinfo *mi);	/* allocates */
void gpt_modinfo_free(struct gpt_modinfo *mi);
/* @req: path, flags, addr, nr_pages, pages_per_call, pid; @rec: @nrec, or NULL */
int gpt_pin(int fd, struct gpt_pin *req, struct gpt_pin_result *res,
	    struct gpt_page_record *rec, uint32_t nrec);
/* @req: path, flags, addr, nr_pages, pages_per_call, repeats; @rep: repeats of them */
int gpt_bench(int fd, struct gpt_bench *req, struct gpt_bench_result *res,
	      struct gpt_bench_repeat *rep);
int gpt_unpin(int fd, uint64_t handle, uint64_t flags,
	      struct gpt_unpin_result *res);
int gpt_query(int fd, uint64_t handle, uint64_t first,
	      struct gpt_page_sample *s, uint32_t n, struct gpt_query_result *res);
/* READ or WRITE @len bytes at @offset of page @index; @res may be NULL. */
int gpt_rw(int fd, uint64_t handle, uint64_t index, uint32_t offset,
	   void *buf, uint32_t len, bool write, struct gpt_rw_result *res);

/*
 * HOLDS: pages of every hold at least @older_than_ns old, from hold @id
 * page @index on (0, 0: the first); @rec NULL counts only.
 */
int gpt_holds(int fd, uint64_t older_than_ns, uint64_t id, uint64_t index,
	      struct gpt_held_page *rec, uint32_t n, struct gpt_holds_result *res);

/* Paths by short name or kernel function name, from INFO. */
const struct gpt_path_info *gpt_path_by_name(const struct gpt_modinfo *mi,
					     const char *name);
const struct gpt_path_info *gpt_path_by_id(const struct gpt_modinfo *mi,
					   uint32_t id);
/* Why INFO says @path refuses @flag here, or 0. */
uint32_t gpt_path_refuses(const struct gpt_modinfo *mi, uint32_t path,
			  uint64_t flag);

/* "write,longterm" <-> GPT_FLAG_*; parse returns -1 on an unknown name. */
int gpt_flags_parse(const char *s, uint64_t *flags);
void gpt_flags_format(uint64_t flags, char *buf, size_t len);
const char *gpt_flag_name(unsigned int bit);

/* Short name ("fsdax-longterm") and one-line explanation of a reason. */
const char *gpt_reason_name(uint32_t reason);
const char *gpt_reason_text(uint32_t reason);

/* "EOPNOTSUPP" for EOPNOTSUPP, "0" for 0, "E123" when unknown. */
const char *gpt_errno_name(int err);

/* GPT_PAGE_* as "present,dma-pinned". */
void gpt_sample_flags_format(uint32_t flags, char *buf, size_t len);
/* GPT_VMA_* as "file,shared,write"; "unknown" without GPT_VMA_KNOWN */
void gpt_vma_format(uint32_t vma, char *buf, size_t len);

/* enum gpt_page_kind as "anon", "fsdax", ...; enum gpt_zone as "movable" */
const char *gpt_page_kind_name(uint32_t kind);
const char *gpt_zone_name(uint32_t zone);
/* enum gpt_reason_how as "module", "inferred" */
const char *gpt_reason_how_name(uint32_t how);
/* How it was found, in words: "found by the module: certain"... */
const char *gpt_reason_how_text(uint32_t how);

/*
 * A page as the kernel's own files show it, for checking the module:
 * /proc/PID/pagemap (pfn), /proc/kpagecount (map count), /proc/kpageflags.
 */
struct gpt_kpage {
	bool present;
	bool swapped;		/* not present: a swap entry */
	uint64_t pfn;
	uint64_t mapcount;
	uint64_t kflags;	/* KPF_* bits */
};

/* Pages [addr, addr + n pages) of @pid (0: this process); 0 or -errno. */
int gpt_kpages_read(int pid, uint64_t addr, size_t n, struct gpt_kpage *out);
/*
 * Push every CPU's LRU batches onto the LRU: a page waiting in one holds a
 * reference (lru_add_drain() run on each CPU this thread may use).
 */
void gpt_lru_drain(void);

/* Memory to pin. */
enum gpt_prefault { GPT_PREFAULT_WRITE, GPT_PREFAULT_READ, GPT_PREFAULT_NONE };

struct gpt_mem {
	void *addr;		/* what to pin */
	size_t len;
	void *base;		/* what to munmap (addr may be aligned up) */
	size_t base_len;
	int fd;			/* backing file, or -1 */
};

/* Touch every page of [addr, addr + len). */
void gpt_prefault(void *addr, size_t len, enum gpt_prefault how);

/*
 * mmap() @len bytes of @fd (-1: anonymous memory) into @mem and touch
 * them with @how; 0, or -errno with @fd closed.
 */
int gpt_mem_mmap(struct gpt_mem *mem, int fd, size_t len, int prot,
		 int flags, enum gpt_prefault how);

/*
 * @spec: "anon" (private anonymous) or "file:PATH": an existing regular
 * file of at least @pages pages, never grown, or a device-DAX device
 * (/dev/daxN.M); with GPT_MEM_CREATE a new file of that size.
 * GPT_MEM_SHARED maps a file MAP_SHARED.  0, or -errno (the comment of
 * open_user_file() in mem.c says which errno means what).
 */
#define GPT_MEM_SHARED	(1U << 0)
#define GPT_MEM_CREATE	(1U << 1)
int gpt_mem_map(const char *spec, size_t pages, unsigned int flags,
		enum gpt_prefault prefault, struct gpt_mem *mem);
void gpt_mem_unmap(struct gpt_mem *mem);

/* /proc/vmstat pin counters, folded first through vm/stat_refresh. */
struct gpt_pin_counters {
	int64_t acquired;
	int64_t released;
};

int gpt_pin_counters_read(struct gpt_pin_counters *c);
/* A /proc/vmstat counter as it is (per-CPU diffs not folded), or -1. */
long long gpt_vmstat(const char *name);

/*
 * DAMON's kdamond threads take a reference on each page they sample:
 * gpt_kdamonds() counts them, gpt_damon_stat() reads (@enable < 0) or
 * sets DAMON_STAT, the one a kernel may start at boot (-ENOENT: none).
 */
int gpt_kdamonds(void);
int gpt_damon_stat(int enable);

/*
 * Proactive compaction and NUMA balancing off, khugepaged's scans a day
 * apart, while a run asserts exact refcounts: gpt_quiet() saves and sets
 * the knobs and waits for khugepaged to settle (0, or the first -errno),
 * gpt_quiet_end() puts them back.  gpt_khugepaged_settle() registers this
 * mm with khugepaged and waits until it sleeps (-EBUSY after 10 s).
 */
#define GPT_QUIET_KNOBS	3
struct gpt_quiet {
	long saved[GPT_QUIET_KNOBS];	/* the old values; -errno if not set */
};
int gpt_quiet(struct gpt_quiet *q);
int gpt_khugepaged_settle(void);
/* khugepaged's context switches so far (a pass is at least one), or -1. */
long gpt_khugepaged_switches(void);
void gpt_quiet_end(const struct gpt_quiet *q);

/*
 * ksmd on demand: gpt_ksm_scan() saves its settings in @saved, makes it
 * scan flat out and waits for @passes more full scans after the one under
 * way, and then until it merges no more (30 s at most): the scans done, or -errno (-ENOENT: no KSM;
 * -EBUSY: ksmd is unmerging, run=2, or its settings cannot be read).
 * gpt_ksm_restore() puts the settings back, unmerging every KSM page
 * first if @unmerge.
 */
struct gpt_ksm {
	long run;
	long sleep_ms;
	long pages_to_scan;
};

int gpt_ksm_scan(struct gpt_ksm *saved, unsigned int passes, double *ms);
void gpt_ksm_restore(const struct gpt_ksm *saved, bool unmerge);
long gpt_ksm_read(const char *name);	/* /sys/kernel/mm/ksm/NAME, or -1 */

/*
 * A call tree of kernel functions (lib/profile.c): gpt_profile_start()
 * traces every call of @function with function_graph, @depth levels deep
 * (tracing must be idle: -EBUSY otherwise); gpt_profile_stop() folds the
 * trace into @p and puts tracing back as it was.  On failure, -errno and
 * why in @why.  A node is a call path: its calls, and the time of those
 * calls (child_ns of it in its children; total_ns - child_ns its own).
 */
#define GPT_PROF_NAME	64
#define GPT_PROF_DEPTH	32

struct gpt_prof_node {
	char name[GPT_PROF_NAME];
	int parent;			/* -1: a root */
	unsigned int depth;
	uint64_t calls, total_ns, child_ns;
};

struct gpt_profile {
	struct gpt_prof_node *nodes;
	unsigned int nr, cap;
	uint64_t lost;			/* events the ring buffer dropped */
	unsigned int stray;		/* trace lines that fit no open call */
};

int gpt_profile_available(char *why, size_t len);	/* 0, or -errno and why */
int gpt_profile_start(const char *function, unsigned int depth, char *why, size_t len);
int gpt_profile_stop(struct gpt_profile *p, char *why, size_t len);
void gpt_profile_free(struct gpt_profile *p);
const struct gpt_prof_node *gpt_profile_find(const struct gpt_profile *p, int parent,
					     const char *name);

/*
 * THP "never" (a kernel booted with under 512M of RAM turns it off,
 * hugepage_init()) becomes "madvise": true if it did, and the caller puts
 * "never" back with gpt_thp_never().  khugepaged runs while THP is on;
 * its first pass is over when this returns.
 */
bool gpt_thp_allow(void);
void gpt_thp_never(void);

/* Make sure at least @n default-size huge pages are reserved (root). */
int gpt_hugepages_reserve(unsigned int n);

/*
 * Kinds of memory a driver meets, each mapped and touched the way
 * gpt_kind_map() describes; the matrix runs every path over each.
 */
enum gpt_mem_kind {
	GPT_MEM_ANON,		/* private anonymous, written */
	GPT_MEM_ANON_THP,	/* private anonymous, MADV_HUGEPAGE, written */
	GPT_MEM_SHARED_ANON,	/* MAP_SHARED|MAP_ANONYMOUS, written */
	GPT_MEM_MEMFD,		/* memfd_create(), shared, written */
	GPT_MEM_MEMFD_HUGETLB,	/* memfd_create(MFD_HUGETLB), shared, written */
	GPT_MEM_TMPFS,		/* tmpfs file, shared, written */
	GPT_MEM_EXT4_PRIVATE,	/* ext4 file, MAP_PRIVATE, only read */
	GPT_MEM_EXT4_SHARED,	/* ext4 file, MAP_SHARED, written */
	GPT_MEM_FSDAX_PRIVATE,	/* fsdax file, MAP_PRIVATE, only read */
	GPT_MEM_FSDAX_COW,	/* fsdax file, MAP_PRIVATE, written: COW copies */
	GPT_MEM_FSDAX_SHARED,	/* fsdax file, MAP_SHARED, written */
	GPT_MEM_READ_ONLY,	/* ext4 file, PROT_READ, MAP_PRIVATE, read */
	GPT_MEM_PROT_NONE,	/* private anonymous, PROT_NONE */
	GPT_MEM_DEV_ZERO,	/* /dev/zero, MAP_PRIVATE, written */
	GPT_MEM_SECRET,		/* memfd_secret(), shared, written */
	GPT_MEM_ZERO_PAGE,	/* private anonymous, only read: the zero page */
	GPT_MEM_UNFAULTED,	/* private anonymous, never touched */
	GPT_MEM_UNMAPPED,	/* an address range with nothing mapped */
	GPT_MEM_PARTIAL,	/* private anonymous, written; the second
				 * half of the range unmapped
				 */
	GPT_MEM_PFNMAP,		/* /dev/mem at 0xa0000 (legacy VGA, at
				 * most 16 pages), PTEs made by mmap():
				 * VM_IO|VM_PFNMAP, no page GUP may take
				 */
	GPT_MEM_END
};

/* Where the file-backed kinds live. */
struct gpt_dirs {
	const char *fsdax;	/* ext4 -o dax */
	const char *ext4;	/* ext4, dax=never */
	const char *tmpfs;
};

const char *gpt_kind_name(enum gpt_mem_kind kind);
int gpt_kind_by_name(const char *name);	/* -1 if none */
/* Maps @pages pages of @kind; 0, or -errno (e.g. -ENOSYS, no memfd_secret). */
int gpt_kind_map(enum gpt_mem_kind kind, const struct gpt_dirs *dirs,
		 size_t pages, struct gpt_mem *mem);

/* One PIN request on fresh memory of one kind: a cell of the matrix. */
#define GPT_CELL_MAX_PAGES	64

struct gpt_cell_result {
	int setup_err;		/* gpt_kind_map()'s -errno; nothing ran */
	int ioctl_err;		/* PIN's -errno */
	struct gpt_pin pin;	/* the request */
	struct gpt_pin_result res;
	struct gpt_page_record rec[GPT_CELL_MAX_PAGES];
	/* The kernel's own view, just before and just after the ioctl. */
	struct gpt_kpage kbefore[GPT_CELL_MAX_PAGES];
	struct gpt_kpage kafter[GPT_CELL_MAX_PAGES];
	int kpage_err;		/* reading them failed */
	struct gpt_pin_counters folded;	/* /proc/vmstat deltas across PIN */
	int fold_err;		/* reading /proc/vmstat failed */
};

/*
 * Sends the PIN request in @res->pin (at most GPT_CELL_MAX_PAGES pages)
 * with a record per page; reads the kernel's view of the pages around it
 * and, with @fold, the pin counters from /proc/vmstat.
 */
void gpt_pin_measured(int fd, bool fold, struct gpt_cell_result *res);

/*
 * Maps @pages of @kind, sends @req (path, flags... as given; addr and
 * nr_pages filled in) through gpt_pin_measured() and unmaps.
 */
void gpt_cell_run(int fd, const struct gpt_dirs *dirs, enum gpt_mem_kind kind,
		  size_t pages, const struct gpt_pin *req, bool fold,
		  struct gpt_cell_result *res);

#endif /* LIBGPT_H */
