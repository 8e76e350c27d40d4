/* SPDX-License-Identifier: GPL-2.0 */
/* gupctl bench: GPT_IOC_BENCH swept over memory x path x pages per call. */
#ifndef GUPCTL_BENCH_H
#define GUPCTL_BENCH_H

int cmd_bench(int argc, char **argv);

#endif /* GUPCTL_BENCH_H */
