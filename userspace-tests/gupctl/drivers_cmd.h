/* SPDX-License-Identifier: GPL-2.0 */
/* gupctl profiles, and what gupctl pin --as shares with it. */
#ifndef GUPCTL_DRIVERS_CMD_H
#define GUPCTL_DRIVERS_CMD_H

#include "json.h"
#include "drivers.h"

int cmd_profiles(int argc, char **argv);
/* A profile row: one line, or with @long_form its caller, change and note. */
void profile_print(const struct gpt_driver *p, uint32_t kv, bool long_form);
jobj *profile_json(const struct gpt_driver *p, uint32_t kv);
/* @p over 16 pages of fresh @kind memory, and the caller's verdict. */
void profile_run(int fd, const struct gpt_dirs *dirs, const struct gpt_driver *p,
		 bool device_writes, enum gpt_mem_kind kind, struct gpt_cell_result *r,
		 struct gpt_verdict *v);

#endif /* GUPCTL_DRIVERS_CMD_H */
