// SPDX-License-Identifier: GPL-2.0
/*
 * gpt-tests: the TAP suite, run as root beside a loaded gup_pin_test.ko.
 *
 *   gpt-tests [--experiments] --fsdax DIR --ext4 DIR --tmpfs DIR
 *
 * --experiments runs the experiments (experiments.c) instead of the suite:
 * they need the experiments VM's movable NUMA node (vm/layout.sh).
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "suite.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: gpt-tests [--experiments | --fuzz-only | --stress-only] [--fuzz-calls N]\n"
		"                 [--fuzz-seconds S] [--fuzz-seed X] [--stress-seconds T]\n"
		"                 --fsdax DIR --ext4 DIR --tmpfs DIR\n"
		"  DIRs: ext4 mounted -o dax, ext4 without dax, tmpfs\n"
		"  --experiments: the experiments, not the suite\n"
		"  --fuzz-only: the fuzzer alone (the suite ends with it): N calls\n"
		"    (200000) or S seconds (60), whichever first, from seed X (the clock)\n"
		"  --stress-only: the race stress alone (the suite runs it before the\n"
		"    fuzzer) for T seconds (10)\n");
	exit(2);
}

static void test_suite(struct suite *s)
{
	test_info(s);
	test_matrix(s);
	test_pin_cases(s);
	test_remote(s);
	test_holds(s);
	test_bad_input(s);
	test_bad_requests(s);
	test_dirty(s);
	test_privilege(s);
	test_memlock_accounts(s);
	test_drivers(s);
	test_concurrent(s);
	test_bounds(s);
	test_sampling(s);
	test_bench(s);
	test_gupctl(s);
	test_stress(s);
	test_fuzz(s);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fsdax", required_argument, NULL, 'd' },
		{ "ext4", required_argument, NULL, 'e' },
		{ "tmpfs", required_argument, NULL, 't' },
		{ "experiments", no_argument, NULL, 'x' },
		{ "fuzz-calls", required_argument, NULL, 'c' },
		{ "fuzz-seconds", required_argument, NULL, 's' },
		{ "fuzz-seed", required_argument, NULL, 'S' },
		{ "fuzz-only", no_argument, NULL, 'f' },
		{ "stress-only", no_argument, NULL, 'r' },
		{ "stress-seconds", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct suite s = { 0 };
	bool experiments = false, fuzz_only = false, stress_only = false;
	struct tap_point t;
	cpu_set_t cpus;
	struct gpt_quiet quiet = { 0 };
	long khugepaged;
	int c, err, damon, kdamonds;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': s.dirs.fsdax = optarg; break;
		case 'e': s.dirs.ext4 = optarg; break;
		case 't': s.dirs.tmpfs = optarg; break;
		case 'x': experiments = true; break;
		case 'c': fuzz.calls = strtoull(optarg, NULL, 0); break;
		case 's': fuzz.seconds = strtoull(optarg, NULL, 0); break;
		case 'S': fuzz.seed = strtoull(optarg, NULL, 0); break;
		case 'f': fuzz_only = true; break;
		case 'r': stress_only = true; break;
		case 'T': stress.seconds = strtoull(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!s.dirs.fsdax || !s.dirs.ext4 || !s.dirs.tmpfs || optind != argc)
		usage();

	/*
	 * One CPU: every page is faulted in there, so draining its LRU batches
	 * (gpt_lru_drain() then has one CPU to visit) drains all of them.
	 */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	tap_begin(&t);
	tap_check(&t, !kernel_detect(), "no kernel version in uname()");
	tap_check(&t, !sched_setaffinity(0, sizeof(cpus), &cpus),
		  "sched_setaffinity(CPU 0): %s", strerror(errno));
	s.fd = gpt_open();
	if (tap_check(&t, s.fd >= 0, "open %s: %s", GPT_DEVICE, strerror(-s.fd))) {
		err = gpt_get_info(s.fd, &s.info);
		tap_check(&t, !err, "INFO: %s", strerror(-err));
	}
	/* memfd-hugetlb needs huge pages; two 2 MiB pages are plenty. */
	err = gpt_hugepages_reserve(2);
	tap_check(&t, !err, "reserving huge pages: %s", strerror(-err));
	/*
	 * Refcounts are asserted exactly: nothing else may take references
	 * meanwhile.  DAMON_STAT's kdamond samples every page of the machine
	 * (on at boot in Debian's 7.x); off while the suite runs.
	 */
	damon = gpt_damon_stat(-1);
	if (damon > 0) {
		err = gpt_damon_stat(0);
		tap_check(&t, !err, "turning DAMON_STAT off: %s", strerror(-err));
	}
	kdamonds = gpt_kdamonds();
	/* the kdamond DAMON_STAT stopped leaves /proc a moment later */
	for (int i = 0; damon > 0 && kdamonds > 0 && i < 40; i++) {
		usleep(50000);
		kdamonds = gpt_kdamonds();
	}
	tap_check(&t, !kdamonds, "%d kdamond threads run: their sampling takes page references",
		  kdamonds);
	err = gpt_quiet(&quiet);
	tap_check(&t, !err, "proactive compaction and NUMA balancing off, khugepaged asleep: %s",
		  strerror(-err));
	khugepaged = gpt_khugepaged_switches();
	tap_end(&t, "kernel %s%s%s%s, run on CPU 0, open %s, read INFO, reserve 2 huge pages, no kdamond%s, no proactive compaction, NUMA balancing or khugepaged scan",
		kernel.name, kernel.rt ? ", PREEMPT_RT" : "",
		kernel.thp ? "" : ", no THP",
		kernel.lru_gen ? ", multi-gen LRU" : "", GPT_DEVICE,
		damon > 0 ? " (DAMON_STAT turned off)" : "");
	if (t.failed) {
		gpt_quiet_end(&quiet);
		if (damon > 0)
			gpt_damon_stat(1);
		printf("Bail out! no usable %s\n", GPT_DEVICE);
		return 1;
	}

	if (fuzz_only) {
		test_fuzz(&s);
	} else if (stress_only) {
		test_stress(&s);
	} else if (experiments) {
		test_experiments(&s);
		test_coherence(&s);
		test_gupctl_devdax(&s);
	} else {
		test_suite(&s);
	}
	/* evidence: no pass (experiments restart it with THP: another thread) */
	if (khugepaged >= 0 && !experiments)
		printf("# khugepaged: %ld context switches while the run went on\n",
		       gpt_khugepaged_switches() - khugepaged);
	gpt_quiet_end(&quiet);
	if (damon > 0)
		gpt_damon_stat(1);
	gpt_modinfo_free(&s.info);
	return tap_finish();
}
