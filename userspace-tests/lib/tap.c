// SPDX-License-Identifier: GPL-2.0
/* Minimal TAP producer: the plan comes last, after every point ran. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include "tap.h"

static int tap_count;
static int tap_failures;

void tap_begin(struct tap_point *t)
{
	t->failed = 0;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

bool tap_check_eq(struct tap_point *t, const char *what, int64_t want,
		  int64_t got)
{
	if (want == got)
		return true;
	t->failed++;
	tap_diag("%s: expected %" PRId64 ", got %" PRId64, what, want, got);
	return false;
}

bool tap_check(struct tap_point *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	t->failed++;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	return false;
}

void tap_end(struct tap_point *t, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (t->failed)
		tap_failures++;
	printf("%sok %d - ", t->failed ? "not " : "", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void tap_skip(const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("ok %d # SKIP ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

int tap_finish(void)
{
	printf("1..%d\n", tap_count);
	fflush(stdout);
	return tap_failures ? 1 : 0;
}
