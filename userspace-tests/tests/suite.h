/* SPDX-License-Identifier: GPL-2.0 */
/* What every test group of gpt-tests gets. */
#ifndef GPT_SUITE_H
#define GPT_SUITE_H

#include "gpt.h"
#include "tap.h"

struct suite {
	int fd;				/* /dev/gup_test */
	struct gpt_info info;
	struct gpt_dirs dirs;
};

void test_info(struct suite *s);
void test_matrix(struct suite *s);
void test_pin_cases(struct suite *s);
void test_remote(struct suite *s);
void test_holds(struct suite *s);
void test_bad_input(struct suite *s);
void test_bad_requests(struct suite *s);

#endif /* GPT_SUITE_H */
