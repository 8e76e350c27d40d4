/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pin coherence: after something happens to pinned memory (fork, mprotect,
 * swap, KSM, THP split or collapse, mremap, MADV_DONTNEED), is the page a
 * pin holds still the page the process maps?  The process writes, the
 * "device" reads through the pin (GPT_IOC_READ); the device writes
 * (GPT_IOC_WRITE), the process reads.  Shared by "gupctl experiment
 * coherence" and the suite, which asserts every cell.
 */
#ifndef LIBGPT_COHERENCE_H
#define LIBGPT_COHERENCE_H

#include <stdbool.h>
#include <stdint.h>
#include "gpt.h"

/* The rows: what happens to the memory once it is pinned. */
enum gpt_coh_event {
	GPT_COH_FORK_CHILD_WRITES,	/* fork(); the child writes every page */
	GPT_COH_FORK_CHILD_EXITS,	/* fork(); the child exits at once */
	GPT_COH_MPROTECT,		/* PROT_READ, then PROT_READ|PROT_WRITE */
	GPT_COH_PAGEOUT,		/* MADV_PAGEOUT to swap, then read */
	GPT_COH_KSM,			/* ksmd, identical pages */
	GPT_COH_THP_SPLIT,		/* MADV_NOHUGEPAGE, munmap of the last page */
	GPT_COH_COLLAPSE,		/* MADV_COLLAPSE (6.1+) */
	GPT_COH_MREMAP,			/* mremap() to a new address */
	GPT_COH_DONTNEED,		/* MADV_DONTNEED, then read */
	GPT_COH_EVENTS
};

/* ... to which memory: a 2 MiB-aligned 2 MiB range. */
enum gpt_coh_mem {
	GPT_COH_ANON,		/* private anonymous, small pages */
	GPT_COH_THP,		/* private anonymous THP, PMD-mapped */
	GPT_COH_THP_PTE,	/* the same THP, PTE-mapped */
	GPT_COH_HUGETLB,	/* private anonymous hugetlb */
	GPT_COH_SHMEM,		/* memfd, MAP_SHARED, small pages */
	GPT_COH_MEMS
};

/* The columns: how the first GPT_COH_PAGES pages are pinned, as bits. */
#define GPT_COH_GET		(1U << 0)	/* get-fast (FOLL_GET), not pin-fast */
#define GPT_COH_READ_ONLY	(1U << 1)	/* without FOLL_WRITE */
#define GPT_COH_LONGTERM	(1U << 2)	/* FOLL_LONGTERM */
#define GPT_COH_PINS		8

#define GPT_COH_PAGES		16	/* pinned; the next 16 are the control */

enum gpt_coh_what {
	GPT_COH_NOT_RUN,	/* could not be set up here: detail says why */
	GPT_COH_REFUSED,	/* the pin was refused: err */
	GPT_COH_COHERENT,	/* each side sees the other's writes */
	GPT_COH_DEVICE_STALE,	/* the device does not see the process's writes */
	GPT_COH_PROCESS_STALE,	/* the process does not see the device's writes */
	GPT_COH_SPLIT,		/* neither: the pin and the mapping are two pages */
	GPT_COH_WHAT_END
};

struct gpt_coh_result {
	enum gpt_coh_what what;
	int err;		/* REFUSED: GUP's errno */
	int event_err;		/* the event's errno (0: it succeeded) */
	unsigned int pages;	/* pages pinned and checked */
	unsigned int device_sees;	/* pages whose process write the pin reads */
	unsigned int process_sees;	/* pages whose device write the process reads */
	bool device_wrote;	/* a writable pin: the second direction ran */
	unsigned int same_page;	/* pages the pin holds that the process maps */
	unsigned int child_maps_pin;	/* fork-child-writes: pinned pages the
					 * child maps (the pin went to the child) */
	unsigned int pinned_moved;	/* pinned pages the process maps elsewhere
					 * after the event and its write */
	unsigned int control_moved;	/* the same for the unpinned control pages */
	/*
	 * ksm: pages mapping the same page as another of their half right
	 * after ksmd ran, before any write (a pfn that moved after the write
	 * says less: COW copies may land on the frames merging freed)
	 */
	unsigned int pinned_merged;
	unsigned int control_merged;
	unsigned int pinned_swapped;	/* pageout: swap entries right after it */
	unsigned int control_swapped;
	long long sys_pswpout;	/* pageout: pages written to swap meanwhile,
				 * system-wide (/proc/vmstat pswpout) */
	uint64_t pin_pfn;	/* page 0: the page the pin holds ... */
	uint64_t map_pfn;	/* ... and the page the process maps */
	char detail[512];	/* the evidence, one line */
};

struct gpt_coh_env {
	int fd;			/* /dev/gup_test */
};

const char *gpt_coh_event_name(enum gpt_coh_event e);
const char *gpt_coh_event_text(enum gpt_coh_event e);
const char *gpt_coh_mem_name(enum gpt_coh_mem m);
const char *gpt_coh_what_name(enum gpt_coh_what w);
int gpt_coh_event_by_name(const char *name);	/* -1 if none */
int gpt_coh_mem_by_name(const char *name);	/* -1 if none */
int gpt_coh_pin_by_name(const char *name);	/* -1 if none */
/* "pin-rw", "get-ro-lt": a column's name */
const char *gpt_coh_pin_name(unsigned int pin);
/* The path and GPT_FLAG_* a column pins with (GPT_FLAG_HOLD included). */
uint32_t gpt_coh_pin_path(unsigned int pin);
uint64_t gpt_coh_pin_flags(unsigned int pin);

/* Whether @e means anything for @m (KSM: anonymous only, ...). */
bool gpt_coh_applies(enum gpt_coh_event e, enum gpt_coh_mem m);

/* The cell: "ok", "split", "dev-stale 3" (3 of the pages only), "refused" */
void gpt_coh_cell(const struct gpt_coh_result *r, char *buf, size_t len);

/* Runs one cell; @r is filled in whatever happens. */
void gpt_coh_run(const struct gpt_coh_env *env, enum gpt_coh_event e,
		 enum gpt_coh_mem m, unsigned int pin, struct gpt_coh_result *r);

#endif /* LIBGPT_COHERENCE_H */
