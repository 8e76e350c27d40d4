/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Experiments: what the kernel does to pinned pages when something else
 * wants them (truncate, migration, compaction, memory offline, fork,
 * KSM), with a
 * short-term pin released at once, a short-term pin held, and a long-term
 * pin.  Shared by "gupctl experiment" and the suite, which asserts them.
 */
#ifndef LIBGPT_EXPERIMENT_H
#define LIBGPT_EXPERIMENT_H

#include <stdbool.h>
#include <stdint.h>
#include "gpt.h"

/* The columns of the table: how the pages are pinned. */
enum gpt_exp_mode {
	GPT_EXP_RELEASED,	/* pin-fast, released at once: the control */
	GPT_EXP_HELD,		/* pin-fast, held while the operation runs */
	GPT_EXP_LONGTERM,	/* pin-fast + FOLL_LONGTERM, held */
	GPT_EXP_MODES
};

/* What the kernel did: a cell of the table. */
enum gpt_exp_what {
	GPT_EXP_NOT_RUN,	/* this machine cannot run it: detail says why */
	GPT_EXP_AT_ONCE,	/* the operation went ahead without waiting */
	GPT_EXP_WAITED,		/* it waited until the pin was released */
	GPT_EXP_FAILED,		/* it failed: err */
	GPT_EXP_REFUSED,	/* the pin itself was refused: err */
	GPT_EXP_MIGRATED,	/* GUP migrated the pages before pinning them */
	GPT_EXP_IN_PLACE,	/* GUP pinned the pages where they were */
	GPT_EXP_COPIED,		/* fork gave the child copies */
	GPT_EXP_SHARED,		/* fork left the pages shared */
	GPT_EXP_MERGED,		/* KSM merged the pages */
	GPT_EXP_NOT_MERGED,	/* KSM left them alone */
	GPT_EXP_MOVED,		/* move_pages() or compaction moved them */
	GPT_EXP_NOT_MOVED,	/* they stayed (move_pages(): err per page) */
	GPT_EXP_PINNED,		/* the pin was taken, nothing else to do */
	GPT_EXP_WHAT_END
};

#define GPT_EXP_PAGES	16

struct gpt_exp_result {
	enum gpt_exp_what what;
	int err;		/* errno of a refusal or failure */
	unsigned int pages;	/* pages in the experiment */
	unsigned int count;	/* pages the outcome holds for */
	double op_ms;		/* the operation's duration */
	double unpin_ms;	/* when the pin was released, from the start; -1 */
	long value;		/* what the operation returned (move_pages());
				 * devdax: pages QUERY calls devdax;
				 * compaction: its pgmigrate_success */
	unsigned int control;	/* KSM: unpinned control pages merged */
	unsigned int data_same;	/* pages that read the same through the pin */
	long long vm_success;	/* /proc/vmstat pgmigrate_success delta */
	long long vm_fail;	/* pgmigrate_fail delta */
	bool traced;		/* migrate:mm_migrate_pages was recorded */
	unsigned long trace_events;
	unsigned long trace_succeeded;	/* nr_succeeded of the longterm_pin ones */
	char trace_reason[96];	/* every reason seen: "longterm_pin" */
	char detail[640];	/* the evidence, one line */
};

/* How long a held pin stays when the operation blocks on it. */
#define GPT_EXP_HOLD_MS		300
/* Memory offline migrates a whole block first: it gets longer. */
#define GPT_EXP_OFFLINE_HOLD_MS	2000
/* An operation with nothing to wait for is back within this (stuck: 10 s). */
#define GPT_EXP_AT_ONCE_MS	5000

struct gpt_exp_env {
	int fd;			/* /dev/gup_test */
	struct gpt_dirs dirs;
};

struct gpt_experiment {
	const char *name;
	const char *what;	/* the row's title */
	void (*run)(const struct gpt_exp_env *env, enum gpt_exp_mode mode,
		    struct gpt_exp_result *r);
};

extern const struct gpt_experiment gpt_experiments[];
extern const unsigned int gpt_nr_experiments;

const struct gpt_experiment *gpt_experiment_by_name(const char *name);
const char *gpt_exp_mode_name(enum gpt_exp_mode mode);
const char *gpt_exp_what_name(enum gpt_exp_what what);
/* The cell: "waited 301 ms", "migrated 16/16", "refused EOPNOTSUPP" */
void gpt_exp_cell(const struct gpt_exp_result *r, char *buf, size_t len);
/* Runs one experiment in one mode; @r is filled in whatever happens. */
void gpt_exp_run(const struct gpt_experiment *e, const struct gpt_exp_env *env,
		 enum gpt_exp_mode mode, struct gpt_exp_result *r);

#endif /* LIBGPT_EXPERIMENT_H */
