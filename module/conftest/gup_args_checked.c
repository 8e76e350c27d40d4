// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_GUP_ARGS_CHECKED: every GUP entry point checks its flags with
 * is_valid_gup_args() (6.3): FOLL_LONGTERM without FOLL_PIN is refused
 * behind a WARN_ON_ONCE() on all get_*() paths, including
 * get_user_pages_fast_only(); pin_user_pages_unlocked() takes
 * FOLL_LONGTERM.
 *
 * is_valid_gup_args() is static in mm/gup.c.  This probes a header-visible
 * change of the same series and release instead: FOLL_PIN moved from
 * <linux/mm.h> to mm/internal.h, so a module may declare the name itself.
 * Where FOLL_PIN is still a macro or an enumerator this does not compile.
 */
#include <linux/mm.h>

int gpt_probe(void);

enum gpt_probe_foll {
	FOLL_PIN = 1,
};

int gpt_probe(void)
{
	return FOLL_PIN;
}
