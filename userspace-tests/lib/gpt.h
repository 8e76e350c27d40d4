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

/* ioctl wrappers: 0, or -errno. */
int gpt_open(void);
int gpt_get_info(int fd, struct gpt_info *info);
int gpt_pin(int fd, struct gpt_pin *req);

/* Paths by short name or kernel function name, from INFO. */
const struct gpt_path_info *gpt_path_by_name(const struct gpt_info *info,
					     const char *name);
const struct gpt_path_info *gpt_path_by_id(const struct gpt_info *info,
					   uint32_t id);

/* "write,longterm" <-> GPT_FLAG_*; parse returns -1 on an unknown name. */
int gpt_flags_parse(const char *s, uint64_t *flags);
void gpt_flags_format(uint64_t flags, char *buf, size_t len);
const char *gpt_flag_name(unsigned int bit);

/* Short name ("fsdax-longterm") and one-line explanation of a reason. */
const char *gpt_reason_name(uint32_t reason);
const char *gpt_reason_text(uint32_t reason);

/* "EOPNOTSUPP" for EOPNOTSUPP, "0" for 0, "E123" when unknown. */
const char *gpt_errno_name(int err);

/* GPT_SAMPLE_* as "present,dma-pinned". */
void gpt_sample_flags_format(uint32_t flags, char *buf, size_t len);

/* Memory to pin. */
enum gpt_prefault { GPT_PREFAULT_WRITE, GPT_PREFAULT_READ, GPT_PREFAULT_NONE };

struct gpt_mem {
	void *addr;
	size_t len;
	int fd;			/* backing file, or -1 */
};

/*
 * @spec: "anon" (private anonymous) or "file:PATH" (created and sized to
 * fit if needed).  @shared picks MAP_SHARED for files.  0, or -errno.
 */
int gpt_mem_map(const char *spec, size_t pages, bool shared,
		enum gpt_prefault prefault, struct gpt_mem *mem);
void gpt_mem_unmap(struct gpt_mem *mem);

/* /proc/vmstat pin counters, folded first through vm/stat_refresh. */
struct gpt_pin_counters {
	int64_t acquired;
	int64_t released;
};

int gpt_pin_counters_read(struct gpt_pin_counters *c);

#endif /* LIBGPT_H */
