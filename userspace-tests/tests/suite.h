/* SPDX-License-Identifier: GPL-2.0 */
/* What every test group of gpt-tests gets. */
#ifndef GPT_SUITE_H
#define GPT_SUITE_H

#include <sys/types.h>
#include "gpt.h"
#include "kernel.h"
#include "tap.h"

struct suite {
	int fd;				/* /dev/gup_test */
	struct gpt_modinfo info;
	struct gpt_dirs dirs;
};

/* A child process with memory to pin remotely (remote.c). */
struct child {
	pid_t pid;
	uint64_t addr;		/* its NPAGES (16) written pages */
	int release;		/* write end: closing it lets the child exit */
};

int child_start(struct child *c, bool read_only);
/* Refcounts of @n (<= 16) pages as a FOLL_GET sample sees them; -1 if none. */
void refcounts_now(int fd, void *addr, size_t n, int64_t *ref);
void child_stop(struct child *c);

/*
 * Run @fn in a child that dropped to uid and gid 65534 with no
 * capabilities; the @size bytes it leaves in @out (zeroed for it) come
 * back there (0xff bytes if it died).  The parent closes @give (if not
 * NULL, -1 entries skipped) once the child has them, and only then lets
 * the child start, so the child's close() of them is the last.  0, or
 * -ECHILD if the child failed.
 */
int run_as_nobody(void (*fn)(void *arg, void *out), void *arg, const int give[2],
		  void *out, size_t size);
/* VmPin or VmLck (@field) of /proc/self/status, in kB; -1 if missing. */
long status_kb(const char *field);

void test_info(struct suite *s);
void test_matrix(struct suite *s);
void test_pin_cases(struct suite *s);
void test_remote(struct suite *s);
void test_holds(struct suite *s);
void test_bad_input(struct suite *s);
void test_bad_requests(struct suite *s);
void test_dirty(struct suite *s);
void test_privilege(struct suite *s);
void test_memlock_accounts(struct suite *s);
void test_drivers(struct suite *s);
void test_concurrent(struct suite *s);
void test_bounds(struct suite *s);
void test_sampling(struct suite *s);
void test_bench(struct suite *s);
void test_gupctl(struct suite *s);
void test_gupctl_devdax(struct suite *s);
/* the fuzzer (fuzz.c): bounded by calls and seconds; seed 0: from the clock */
struct fuzz_args {
	uint64_t calls, seconds, seed;
};
extern struct fuzz_args fuzz;
void test_fuzz(struct suite *s);
/* the race stress (stress.c): bounded in seconds */
struct stress_args {
	uint64_t seconds;
};
extern struct stress_args stress;
void test_stress(struct suite *s);
/* gpt-tests --experiments: the experiments VM's suite */
void test_experiments(struct suite *s);
void test_coherence(struct suite *s);

#endif /* GPT_SUITE_H */
