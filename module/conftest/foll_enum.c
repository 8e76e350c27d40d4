// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FOLL_ENUM: the FOLL_* flags are an enum, not macros (6.3), so
 * "#ifdef FOLL_LONGTERM" no longer tells whether the flag exists.
 */
#include <linux/mm.h>

#ifdef FOLL_LONGTERM
#error "FOLL_LONGTERM is a macro here"
#endif

unsigned int gpt_probe(void);
unsigned int gpt_probe(void)
{
	return FOLL_LONGTERM;
}
