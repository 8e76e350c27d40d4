/* SPDX-License-Identifier: GPL-2.0 */
/* What gupctl's commands share: the device, --json, usage errors. */
#ifndef GUPCTL_H
#define GUPCTL_H

#include <stdbool.h>
#include <stdint.h>
#include "gpt.h"

/* The exit-status contract (usage(), README). */
enum {
	EXIT_ALL,		/* every page pinned as asked; a command done */
	EXIT_SHORT,		/* GUP refused or pinned short: an answer, not an error */
	EXIT_USAGE,		/* a bad command line, said on stderr */
	EXIT_REFUSED,		/* the module refused the request */
	EXIT_SETUP,		/* no device, no such file: nothing was asked */
};

extern bool json;		/* --json */
extern int dev;			/* /dev/gup_test, once open_dev() opened it */
extern struct gpt_modinfo info;	/* its INFO */

/* Opens the device and reads INFO once; exits if there is no module. */
void open_dev(void);
/* A usage error: what is wrong, on stderr; returns EXIT_USAGE. */
int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* @s as a number from @min to @max for option @opt, or says why not. */
bool parse_num(const char *opt, const char *s, uint64_t min, uint64_t max,
	       uint64_t *v);
/* Before each getopt_long() loop: commands in a session parse again. */
void reset_getopt(void);

#endif /* GUPCTL_H */
