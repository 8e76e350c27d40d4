/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test point is a list of checks; it passes when every check does, and
 * each failed check prints what it expected and what it got.
 */
#ifndef LIBGPT_TAP_H
#define LIBGPT_TAP_H

#include <stdbool.h>
#include <stdint.h>

struct tap_point {
	int failed;
};

void tap_begin(struct tap_point *t);
/* Records a failure with @what, expected and got; returns @got == @want. */
bool tap_check_eq(struct tap_point *t, const char *what, int64_t want,
		  int64_t got);
bool tap_check(struct tap_point *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Ends the point: "ok N - name" or "not ok N - name". */
void tap_end(struct tap_point *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A point this kernel cannot run, and why: "ok N # SKIP why" (prove counts skips apart). */
void tap_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan ("1..N") and returns 0 when everything passed. */
int tap_finish(void);

#endif /* LIBGPT_TAP_H */
