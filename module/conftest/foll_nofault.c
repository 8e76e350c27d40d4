// SPDX-License-Identifier: GPL-2.0
/* GPT_HAVE_FOLL_NOFAULT: FOLL_NOFAULT, GUP without faulting pages in (5.16). */
#include <linux/mm.h>

unsigned int gpt_probe(void);
unsigned int gpt_probe(void)
{
	return FOLL_NOFAULT;
}
