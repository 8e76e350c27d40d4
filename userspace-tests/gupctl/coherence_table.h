/* SPDX-License-Identifier: GPL-2.0 */
/* gupctl experiment coherence: the table, or its --json document. */
#ifndef GUPCTL_COHERENCE_TABLE_H
#define GUPCTL_COHERENCE_TABLE_H

#include <stdbool.h>

/* Runs the cells chosen by the bit masks (bit N: event, memory, pin N). */
void coherence_table(int fd, bool json, unsigned int events, unsigned int mems,
		     unsigned int pins);

#endif /* GUPCTL_COHERENCE_TABLE_H */
