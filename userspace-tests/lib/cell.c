// SPDX-License-Identifier: GPL-2.0
/* libgpt: one PIN request on fresh memory, measured three ways. */
#include <errno.h>
#include <string.h>
#include "gpt.h"

void gpt_pin_measured(int fd, bool fold, struct gpt_cell_result *res)
{
	struct gpt_pin_counters c0 = { 0 }, c1 = { 0 };
	size_t n = res->pin.nr_pages;

	if (n > GPT_CELL_MAX_PAGES) {
		res->ioctl_err = -E2BIG;
		return;
	}
	/* Nothing in any LRU batch: no reference comes or goes. */
	gpt_lru_drain();
	res->kpage_err = gpt_kpages_read(res->pin.pid, res->pin.addr, n,
					 res->kbefore);
	if (fold)
		res->fold_err = gpt_pin_counters_read(&c0);
	res->ioctl_err = gpt_pin(fd, &res->pin, &res->res, res->rec,
				 GPT_CELL_MAX_PAGES);
	if (fold && !res->fold_err)
		res->fold_err = gpt_pin_counters_read(&c1);
	if (!res->kpage_err)
		res->kpage_err = gpt_kpages_read(res->pin.pid, res->pin.addr, n,
						 res->kafter);
	res->folded.acquired = c1.acquired - c0.acquired;
	res->folded.released = c1.released - c0.released;
}

void gpt_cell_run(int fd, const struct gpt_dirs *dirs, enum gpt_mem_kind kind,
		  size_t pages, const struct gpt_pin *req, bool fold,
		  struct gpt_cell_result *res)
{
	struct gpt_mem mem;

	memset(res, 0, sizeof(*res));
	res->pin = *req;
	res->setup_err = gpt_kind_map(kind, dirs, pages, &mem);
	if (!res->setup_err) {
		res->pin.addr = (uintptr_t)mem.addr;
		res->pin.nr_pages = pages;
		gpt_pin_measured(fd, fold, res);
	}
	gpt_mem_unmap(&mem);
}
