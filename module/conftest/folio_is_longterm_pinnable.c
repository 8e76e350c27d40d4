// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FOLIO_IS_LONGTERM_PINNABLE: folio_is_longterm_pinnable() (6.0;
 * is_pinnable_page() from 5.13 before it).
 */
#include <linux/mm.h>

bool gpt_probe(struct folio *folio);
bool gpt_probe(struct folio *folio)
{
	return folio_is_longterm_pinnable(folio);
}
