// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FOLIO_PINCOUNT_PTR: a large folio's pin count is reached
 * through folio_pincount_ptr() (the first tail page's compound_pincount),
 * as in 6.1; 6.2 removed it.
 */
#include <linux/mm.h>

int gpt_probe(struct folio *folio);
int gpt_probe(struct folio *folio)
{
	return atomic_read(folio_pincount_ptr(folio));
}
