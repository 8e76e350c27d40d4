/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gupctl's commands and options, written once: the getopt tables of the
 * commands, gupctl --help, gupctl help COMMAND and the manual page
 * (gupctl --man, installed as gupctl(1)) all come from help.c.
 */
#ifndef GUPCTL_HELP_H
#define GUPCTL_HELP_H

#include <getopt.h>
#include <stdio.h>

#define HELP_REQUIRED	1	/* the command needs it */
#define HELP_REPEAT	2	/* may be given more than once */

struct help_opt {
	const char *name;	/* without the "--" */
	int val;		/* what getopt_long() returns for it */
	const char *arg;	/* NULL: none; "[=X]": optional; else its name */
	unsigned int flags;	/* HELP_* */
	const char *text;
};

struct help_cmd {
	const char *name;
	const char *args;	/* words after the options, or NULL */
	const char *summary;	/* one line: gupctl --help */
	const char *text;	/* the rest: gupctl help NAME and gupctl(1) */
	const struct help_opt *opts;	/* ends with a NULL name */
	const char *const *examples;	/* command lines, NULL-ended */
};

/* The getopt_long() table of command @name, in @out of @size entries. */
void help_getopt(const char *name, struct option *out, size_t size);
const struct help_cmd *help_find(const char *name);
void help_usage(FILE *to);
/* For completion: the commands (@cmd NULL), or @cmd's options, one a line. */
void help_names(FILE *to, const char *cmd);
void help_command(FILE *to, const struct help_cmd *c);
void help_man(FILE *to, const char *version);

#endif /* GUPCTL_HELP_H */
