/* SPDX-License-Identifier: GPL-2.0 */
/* gupctl bench: GPT_IOC_BENCH swept over memory x path x pages per call. */
#ifndef GUPCTL_BENCH_H
#define GUPCTL_BENCH_H

#include <stdbool.h>
#include <stdio.h>

int cmd_bench(int argc, char **argv);
/* For completion: bench's paths, or its memories, one a line. */
void bench_names(FILE *to, bool paths);

#endif /* GUPCTL_BENCH_H */
