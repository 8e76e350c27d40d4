// SPDX-License-Identifier: GPL-2.0
/*
 * gupctl experiment coherence: a row per event and memory, a column per
 * way of pinning, the evidence of every cell after the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include "coherence.h"
#include "coherence_table.h"
#include "json.h"

static jobj *cell_json(enum gpt_coh_event e, enum gpt_coh_mem m, unsigned int pin,
		       const struct gpt_coh_result *r)
{
	jobj *o = json_object_new_object();
	bool ran = r->what >= GPT_COH_COHERENT;
	char cell[32];

	gpt_coh_cell(r, cell, sizeof(cell));
	j_set(o, "event", j_str(gpt_coh_event_name(e)));
	j_set(o, "memory", j_str(gpt_coh_mem_name(m)));
	j_set(o, "pin", j_str(gpt_coh_pin_name(pin)));
	j_set(o, "path", j_str((pin & GPT_COH_GET) ? "gup-fast" : "pin-fast"));
	j_set(o, "flags", j_flags(gpt_coh_pin_flags(pin)));
	j_set(o, "outcome", j_str(gpt_coh_what_name(r->what)));
	j_set(o, "error", j_errno(r->err));
	j_set(o, "event_error", ran ? j_errno(r->event_err) : NULL);
	j_set(o, "pages", j_u64(r->pages));
	j_set(o, "device_sees", ran ? j_u64(r->device_sees) : NULL);
	j_set(o, "process_sees", ran && r->device_wrote ? j_u64(r->process_sees) : NULL);
	j_set(o, "same_page", ran ? j_u64(r->same_page) : NULL);
	j_set(o, "pin_pfn", ran ? j_u64(r->pin_pfn) : NULL);
	j_set(o, "map_pfn", ran ? j_u64(r->map_pfn) : NULL);
	j_set(o, "pinned_moved", ran ? j_u64(r->pinned_moved) : NULL);
	j_set(o, "control_moved", ran ? j_u64(r->control_moved) : NULL);
	if (e == GPT_COH_PAGEOUT) {
		j_set(o, "pinned_swapped", ran ? j_u64(r->pinned_swapped) : NULL);
		j_set(o, "control_swapped", ran ? j_u64(r->control_swapped) : NULL);
		j_set(o, "sys_pswpout", ran ? j_s64(r->sys_pswpout) : NULL);
	}
	if (e == GPT_COH_FORK_CHILD_WRITES)
		j_set(o, "child_maps_pin", ran ? j_u64(r->child_maps_pin) : NULL);
	j_set(o, "cell", j_str(cell));
	return j_set(o, "detail", j_str(r->detail));
}

/* The row's event result: its errno when every cell that ran agrees. */
static const char *row_event(const struct gpt_coh_result *row, unsigned int pins)
{
	int err = -1;

	for (unsigned int p = 0; p < GPT_COH_PINS; p++) {
		if (!(pins & 1U << p) || row[p].what < GPT_COH_COHERENT)
			continue;
		if (err >= 0 && err != row[p].event_err)
			return "mixed";
		err = row[p].event_err;
	}
	if (err < 0)
		return "-";
	return err ? gpt_errno_name(err) : "done";
}

/* Prints @s in a column 10 wide, no blanks at the end of the line. */
static int column(const char *s, int pad)
{
	int n = printf("%*s %s", pad, "", s) - pad - 1;

	return n < 10 ? 10 - n : 0;
}

void coherence_table(int fd, bool json, unsigned int events, unsigned int mems,
		     unsigned int pins)
{
	int pad = 0;
	struct gpt_coh_env env = { .fd = fd };
	struct gpt_coh_result row[GPT_COH_PINS];
	jobj *a = json ? json_object_new_array() : NULL;
	char *evidence = NULL;
	size_t evidence_len = 0;
	FILE *ev = json ? NULL : open_memstream(&evidence, &evidence_len);

	if (!json) {
		printf("does the device see what the process sees?  %d pages pinned and "
		       "held; ok: both ways,\ndev-stale: the device reads old data, "
		       "proc-stale: the process does, split: two pages\n\n",
		       GPT_COH_PAGES);
		printf("%-17s %-7s %-6s", "event", "memory", "event");
		for (unsigned int p = 0; p < GPT_COH_PINS; p++)
			if (pins & 1U << p)
				pad = column(gpt_coh_pin_name(p), pad);
		printf("\n");
	}
	for (int e = 0; e < GPT_COH_EVENTS; e++) {
		for (int m = 0; m < GPT_COH_MEMS; m++) {
			if (!(events & 1U << e) || !(mems & 1U << m) || !gpt_coh_applies(e, m))
				continue;
			for (unsigned int p = 0; p < GPT_COH_PINS; p++)
				if (pins & 1U << p)
					gpt_coh_run(&env, e, m, p, &row[p]);
			if (json) {
				for (unsigned int p = 0; p < GPT_COH_PINS; p++)
					if (pins & 1U << p)
						json_object_array_add(a, cell_json(e, m, p, &row[p]));
				continue;
			}
			printf("%-17s %-7s %-6s", gpt_coh_event_name(e), gpt_coh_mem_name(m),
			       row_event(row, pins));
			pad = 0;
			for (unsigned int p = 0; p < GPT_COH_PINS; p++) {
				char cell[32];

				if (!(pins & 1U << p))
					continue;
				gpt_coh_cell(&row[p], cell, sizeof(cell));
				pad = column(cell, pad);
				if (ev)
					fprintf(ev, "  %s %s %s: %s\n", gpt_coh_event_name(e),
						gpt_coh_mem_name(m), gpt_coh_pin_name(p),
						row[p].detail);
			}
			printf("\n");
			fflush(stdout);
		}
	}
	if (json) {
		j_print(j_set(j_doc("experiment coherence"), "cells", a));
		return;
	}
	if (ev) {
		fclose(ev);
		printf("\nevidence:\n%s", evidence ? evidence : "");
		free(evidence);
	}
}
